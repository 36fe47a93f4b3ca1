// Validation of a plan before the run: one table row per structural error with its exact
// message, coverage of today's universe (gone files are errors, new ones counted apart), the
// shards that depend only on listed tests, and the balance summary.
#include "core/verify/check.h"

#include <gtest/gtest.h>

namespace shardplan {
namespace {

Slice slice_of(std::string file, int index, int count, bool owner, std::vector<std::string> tests) {
  return Slice{std::move(file), index, count, owner, 1.0, std::move(tests)};
}

// Three shards: whole files in 1 and 3, big.py sliced across 1 and 2 (its owner in 1).
Plan good_plan() {
  Plan plan;
  plan.shard_count = 3;
  plan.lower_bound = 2;
  plan.shards = {
      Shard{1, {"a.py"}, {slice_of("big.py", 1, 2, true, {"big.py::t1", "big.py::t2"})}, 3},
      Shard{2, {"b.py"}, {slice_of("big.py", 2, 2, false, {"big.py::t3"})}, 2},
      Shard{3, {"c.py", "d.py"}, {}, 1}};
  return plan;
}

const std::vector<std::string> kUniverse{"a.py", "b.py", "big.py", "c.py", "d.py"};

TEST(CheckStructure, AGoodPlanHasNoErrors) {
  EXPECT_TRUE(check_structure(good_plan()).empty());
  const CheckReport report = check_plan(good_plan(), kUniverse);
  EXPECT_TRUE(report.errors.empty());
  EXPECT_TRUE(report.new_files.empty());
  EXPECT_TRUE(report.ok(true));
  EXPECT_EQ(report.universe_files, 5u);
  EXPECT_EQ(report.covered_files, 5u);
}

struct StructureCase {
  const char* name;
  void (*edit)(Plan&);
  std::vector<std::string> errors;
};

class CheckStructureErrors : public testing::TestWithParam<StructureCase> {};

TEST_P(CheckStructureErrors, NamesWhatAndWhere) {
  Plan plan = good_plan();
  GetParam().edit(plan);
  EXPECT_EQ(check_structure(plan), GetParam().errors);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CheckStructureErrors,
    testing::Values(
        StructureCase{"count_mismatch",
                      [](Plan& p) { p.shard_count = 4; },
                      {"shard_count is 4 but the plan lists 3 shards"}},
        StructureCase{"no_shards",
                      [](Plan& p) {
                        p.shard_count = 0;
                        p.shards.clear();
                      },
                      {"the plan has no shards (shard_count < 1)"}},
        StructureCase{"index_out_of_order",
                      [](Plan& p) { p.shards[2].index = 5; },
                      {"shard at position 3 has index 5, expected 3"}},
        StructureCase{
            "empty_shard", [](Plan& p) { p.shards[2].files.clear(); }, {"shard 3 is empty"}},
        StructureCase{"planned_twice",
                      [](Plan& p) { p.shards[1].files.push_back("c.py"); },
                      {"c.py is planned 2 times (shards 2, 3)"}},
        StructureCase{"whole_and_sliced",
                      [](Plan& p) { p.shards[2].files.push_back("big.py"); },
                      {"big.py is planned whole and as slices"}},
        StructureCase{"slice_missing",
                      [](Plan& p) { p.shards[1].slices.clear(); },
                      {"big.py: expected slices 1..2 once each, found 1"}},
        StructureCase{"two_owners",
                      [](Plan& p) { p.shards[1].slices[0].owner = true; },
                      {"big.py: 2 slices are marked owner, expected 1"}},
        StructureCase{"no_owner",
                      [](Plan& p) { p.shards[0].slices[0].owner = false; },
                      {"big.py: 0 slices are marked owner, expected 1"}},
        StructureCase{"test_of_another_file",
                      [](Plan& p) { p.shards[1].slices[0].tests.push_back("a.py::t"); },
                      {"big.py: slice lists 'a.py::t' of another file"}},
        StructureCase{"test_in_two_slices",
                      [](Plan& p) { p.shards[1].slices[0].tests.push_back("big.py::t1"); },
                      {"big.py: test 'big.py::t1' is in two slices"}},
        StructureCase{"counts_disagree",
                      [](Plan& p) { p.shards[1].slices[0].count = 3; },
                      {"big.py: slices disagree on their count"}},
        StructureCase{"slices_share_a_shard",
                      [](Plan& p) {
                        p.shards[0].slices.push_back(p.shards[1].slices[0]);
                        p.shards[1].slices.clear();
                      },
                      {"big.py: two slices share a shard"}}),
    [](const testing::TestParamInfo<StructureCase>& row) { return row.param.name; });

TEST(CheckPlan, GoneFilesAreErrorsAndNewFilesAreCountedApart) {
  const CheckReport report =
      check_plan(good_plan(), {"a.py", "b.py", "big.py", "c.py", "e.py", "f.py"});
  EXPECT_EQ(report.errors,
            (std::vector<std::string>{"d.py is planned but is not a test file any more"}));
  ASSERT_EQ(report.new_files.size(), 2u);
  EXPECT_EQ(report.new_files[0].path, "e.py");
  EXPECT_EQ(report.new_files[0].shard, shard_for_unknown_file("e.py", 3));
  EXPECT_EQ(report.new_files[1].path, "f.py");
  EXPECT_EQ(report.universe_files, 6u);
  EXPECT_EQ(report.covered_files, 4u);
  EXPECT_FALSE(report.ok(false));
}

TEST(CheckPlan, NewFilesFailOnlyWhenStrict) {
  const CheckReport report =
      check_plan(good_plan(), {"a.py", "b.py", "big.py", "c.py", "d.py", "e.py"});
  EXPECT_TRUE(report.errors.empty());
  EXPECT_EQ(report.new_files.size(), 1u);
  EXPECT_EQ(report.universe_files, 6u);
  EXPECT_EQ(report.covered_files, 5u);
  EXPECT_TRUE(report.ok(false));
  EXPECT_FALSE(report.ok(true));
}

TEST(CheckPlan, APlannedDoctestModuleIsNotGone) {
  const std::vector<std::string> without_d{"a.py", "b.py", "big.py", "c.py"};
  EXPECT_TRUE(check_plan(good_plan(), without_d, {"d.py"}).errors.empty());
  EXPECT_EQ(check_plan(good_plan(), without_d, {"other.py"}).errors.size(), 1u);
}

TEST(ExposedShards, AShardOfListedTestsOnlyIsNamedWithItsFiles) {
  Plan plan = good_plan();
  EXPECT_TRUE(exposed_shards(plan).empty());
  plan.shards[1].files.clear();  // shard 2 keeps only big.py's non-owner slice
  const auto exposed = exposed_shards(plan);
  ASSERT_EQ(exposed.size(), 1u);
  EXPECT_EQ(exposed[0].shard, 2);
  EXPECT_EQ(exposed[0].listed_tests, 1u);
  EXPECT_EQ(exposed[0].files, (std::vector<std::string>{"big.py"}));
  EXPECT_EQ(check_plan(plan, {"a.py", "big.py", "c.py", "d.py"}).exposed.size(), 1u);
}

TEST(BalanceOf, MaxMeanMinAndTheRatioToTheLowerBound) {
  const Balance balance = balance_of(good_plan());
  EXPECT_DOUBLE_EQ(balance.max, 3);
  EXPECT_DOUBLE_EQ(balance.mean, 2);
  EXPECT_DOUBLE_EQ(balance.min, 1);
  EXPECT_DOUBLE_EQ(balance.ratio_to_lower_bound, 1.5);
  Plan unbounded = good_plan();
  unbounded.lower_bound = 0;
  EXPECT_DOUBLE_EQ(balance_of(unbounded).ratio_to_lower_bound, 1);
  EXPECT_DOUBLE_EQ(balance_of(Plan{}).max, 0);
}

}  // namespace
}  // namespace shardplan
