// The plan's scope rule and the node-id normal form: table-driven, one row per behaviour.
#include "core/scope.h"

#include <gtest/gtest.h>

#include "core/plan/planner.h"
#include "core/verify/check.h"

namespace shardplan {
namespace {

TEST(NodeIdNormalForm, StripsOnlyTheXdistGroupSuffix) {
  const std::pair<const char*, const char*> rows[] = {
      {"tests/test_b.py::test_upload[png]@browser", "tests/test_b.py::test_upload[png]"},
      {"tests/test_b.py::test_upload@browser", "tests/test_b.py::test_upload"},
      {"tests/test_b.py::TestC::test_x@db", "tests/test_b.py::TestC::test_x"},
      {"tests/test_m.py::test_mail[a@b.c]", "tests/test_m.py::test_mail[a@b.c]"},
      {"tests/test_m.py::test_mail[a@b.c]@grp", "tests/test_m.py::test_mail[a@b.c]"},
      {"tests/test_m.py::test_x[a::b@c]", "tests/test_m.py::test_x[a::b@c]"},
      {"tests/at@dir/test_a.py::test_1", "tests/at@dir/test_a.py::test_1"},
      {"tests/test_a.py", "tests/test_a.py"},
      {"tests/test_a.py::test_1@", "tests/test_a.py::test_1@"},
      {"tests/test_a.py::test_open[x", "tests/test_a.py::test_open[x"},
  };
  for (const auto& [id, plain] : rows) EXPECT_EQ(without_xdist_group(id), plain) << id;
}

Plan plan_with_scope(PlanScope scope, std::vector<std::string> files) {
  Plan plan;
  plan.shard_count = 1;
  plan.scope = std::move(scope);
  plan.shards = {Shard{1, std::move(files), {}, 1.0}};
  return plan;
}

TEST(ScopeRule, IncludeExcludeAndPaths) {
  const Plan plan = plan_with_scope(
      {"walk", {}, {"tests/unit", "tests/api"}, {"tests/unit/slow", "*_flaky.py"}, "", "."},
      {"tests/unit/test_a.py"});
  const ScopeRule rule(plan);
  EXPECT_TRUE(rule.contains("tests/unit/test_a.py"));
  EXPECT_TRUE(rule.contains("tests/unit/test_new.py"));  // new files inside the scope
  EXPECT_TRUE(rule.contains("tests/api/sub/test_x.py"));
  EXPECT_FALSE(rule.contains("tests/unitx/test_a.py"));
  EXPECT_FALSE(rule.contains("tests/integration/test_a.py"));
  EXPECT_FALSE(rule.contains("tests/unit/slow/test_a.py"));
  EXPECT_FALSE(rule.contains("tests/unit/test_b_flaky.py"));
  EXPECT_NE(rule.describe().find("exclude tests/unit/slow"), std::string::npos);
}

TEST(ScopeRule, GlobExcludeDropsWholeDirectories) {
  const Plan plan =
      plan_with_scope({"walk", {}, {}, {"tests/*/legacy"}, "", "."}, {"tests/a/test_x.py"});
  const ScopeRule rule(plan);
  EXPECT_FALSE(rule.contains("tests/a/legacy/test_x.py"));
  EXPECT_TRUE(rule.contains("tests/a/test_x.py"));
}

TEST(ScopeRule, PositionalPathsNarrowTheScope) {
  const Plan plan = plan_with_scope({"walk", {"tests/unit", "tests/test_one.py"}, {}, {}, "", "."},
                                    {"tests/test_one.py"});
  const ScopeRule rule(plan);
  EXPECT_TRUE(rule.contains("tests/test_one.py"));
  EXPECT_TRUE(rule.contains("tests/unit/x/test_y.py"));
  EXPECT_FALSE(rule.contains("tests/test_two.py"));
}

TEST(ScopeRule, FilesFromHoldsExactlyThePlannedFiles) {
  const Plan plan =
      plan_with_scope({"files-from", {}, {}, {}, "", "."}, {"tests/test_a.py", "tests/test_b.py"});
  const ScopeRule rule(plan);
  EXPECT_TRUE(rule.contains("tests/test_b.py"));
  EXPECT_FALSE(rule.contains("tests/test_c.py"));
}

TEST(ScopeRule, CheckCountsNewFilesOnlyInsideTheScope) {
  const Plan plan =
      plan_with_scope({"walk", {}, {}, {"tests/integration"}, "", "."}, {"tests/test_a.py"});
  const CheckReport report =
      check_plan(plan, {"tests/integration/test_i.py", "tests/test_a.py", "tests/test_new.py"});
  ASSERT_EQ(report.new_files.size(), 1u);
  EXPECT_EQ(report.new_files[0].path, "tests/test_new.py");
}

TEST(SpreadOwners, MovesOwnershipToShardsThatOnlyHoldListedTests) {
  Plan plan;
  plan.shard_count = 3;
  Shard one{1, {"tests/test_small.py"}, {}, 1};
  one.slices.push_back({"tests/test_big.py", 1, 3, true, 1, {"tests/test_big.py::a"}});
  Shard two{2, {}, {}, 1};
  two.slices.push_back({"tests/test_big.py", 2, 3, false, 1, {"tests/test_big.py::b"}});
  Shard three{3, {}, {}, 1};
  three.slices.push_back({"tests/test_big.py", 3, 3, false, 1, {"tests/test_big.py::c"}});
  three.slices.push_back({"tests/test_huge.py", 1, 1, true, 1, {"tests/test_huge.py::x"}});
  plan.shards = {one, two, three};
  const std::vector<int> exposed = spread_owners(plan);
  EXPECT_TRUE(exposed.empty());
  EXPECT_TRUE(plan.shards[1].slices[0].owner);   // shard 2 now owns test_big.py
  EXPECT_FALSE(plan.shards[0].slices[0].owner);  // shard 1 has a whole file anyway
  EXPECT_TRUE(check_structure(plan).empty());
  EXPECT_TRUE(exposed_shards(plan).empty());
}

TEST(SpreadOwners, ReportsShardsThatCannotOwnAnything) {
  Plan plan;
  plan.shard_count = 3;
  plan.shards = {Shard{1, {}, {}, 1}, Shard{2, {}, {}, 1}, Shard{3, {}, {}, 1}};
  for (int s = 0; s < 3; ++s) {
    plan.shards[s].slices.push_back(
        {"tests/test_big.py", s + 1, 3, s == 0, 1, {"tests/test_big.py::t" + std::to_string(s)}});
  }
  EXPECT_EQ(spread_owners(plan), (std::vector<int>{2, 3}));
  EXPECT_EQ(exposed_shards(plan).size(), 2u);
}

}  // namespace
}  // namespace shardplan
