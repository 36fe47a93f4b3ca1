#include "core/plan/planner.h"

#include <algorithm>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/plan/pack.h"
#include "core/plan/slicing.h"
#include "core/plan/workload.h"
#include "suites.h"

namespace shardplan {
namespace {

Timings timings_of(std::vector<TestTiming> tests) {
  std::sort(tests.begin(), tests.end(), [](auto& a, auto& b) { return a.id < b.id; });
  return Timings{std::move(tests), 0};
}

TEST(Workload, GroupsTestsByFileAndCountsStaleEntries) {
  const Timings timings = timings_of(
      {{"a/test_x.py::t1", 1}, {"a/test_x.py::C::t2", 2}, {"gone.py::t", 5}, {"gone.py::u", 5}});
  const Workload work = build_workload({"a/test_x.py"}, &timings);
  ASSERT_EQ(work.files.size(), 1u);
  EXPECT_DOUBLE_EQ(work.files[0].seconds, 3);
  EXPECT_FALSE(work.files[0].estimated);
  EXPECT_EQ(work.stats.stale_entries, 2u);
  EXPECT_EQ(work.stats.known_tests, 2u);
}

struct EstimateCase {
  const char* untimed;
  double expected;
};

class WorkloadEstimate : public testing::TestWithParam<EstimateCase> {};

TEST_P(WorkloadEstimate, FollowsDirectoryThenParentThenMedian) {
  // a/b: 2 and 4 (mean 3); a/c: 10; d: 1 — median of {1, 2, 4, 10} is 3.
  const Timings timings = timings_of({{"a/b/test_1.py::t", 2},
                                      {"a/b/test_2.py::t", 4},
                                      {"a/c/test_3.py::t", 10},
                                      {"d/test_4.py::t", 1}});
  std::vector<std::string> universe{"a/b/test_1.py", "a/b/test_2.py", "a/c/test_3.py",
                                    "d/test_4.py", GetParam().untimed};
  std::sort(universe.begin(), universe.end());
  const Workload work = build_workload(universe, &timings);
  const std::string untimed = GetParam().untimed;
  const auto file = std::find_if(work.files.begin(), work.files.end(),
                                 [&](const FileWork& f) { return f.path == untimed; });
  ASSERT_NE(file, work.files.end()) << untimed << " is not in the workload";
  EXPECT_TRUE(file->estimated);
  EXPECT_DOUBLE_EQ(file->seconds, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(Table, WorkloadEstimate,
                         testing::Values(EstimateCase{"a/b/test_new.py", 3.0},  // own directory
                                         EstimateCase{"a/e/test_new.py", 16.0 / 3},  // parent a/
                                         EstimateCase{"z/test_new.py", 17.0 / 4},    // root: all
                                         EstimateCase{"test_top.py", 3.0}));  // no parent: median

TEST(Workload, NoTimingsWeighsEveryFileTheSame) {
  const Workload work = build_workload({"a.py", "b.py"}, nullptr);
  EXPECT_TRUE(work.estimated);
  for (const FileWork& file : work.files) EXPECT_DOUBLE_EQ(file.seconds, kNoTimingsFileSeconds);
}

TEST(Pack, LptFillsEveryBinAndBreaksTiesByRank) {
  const std::vector<PackItem> items{{1, 0, -1}, {1, 1, -1}, {1, 2, -1}};
  const Packing packing = pack_lpt(items, 3);
  EXPECT_EQ(packing.bin_of, (std::vector<int>{0, 1, 2}));
}

TEST(Pack, ZeroWeightItemsStillOpenEveryBin) {
  const std::vector<PackItem> items{{0, 0, -1}, {0, 1, -1}, {0, 2, -1}, {0, 3, -1}};
  const Packing packing = pack_lpt(items, 3);
  EXPECT_EQ(packing.bin_of, (std::vector<int>{0, 1, 2, 0}));
}

TEST(Pack, GroupMembersNeverShareABin) {
  const std::vector<PackItem> items{{5, 0, 7}, {5, 1, 7}, {1, 2, -1}};
  Packing packing = pack_lpt(items, 2);
  improve(packing, items);
  EXPECT_NE(packing.bin_of[0], packing.bin_of[1]);
}

TEST(Pack, ImprovementFixesTheClassicLptCounterexample) {
  // LPT puts 3+2+2 / 3+2 ... for weights {3,3,2,2,2} on 2 bins: 7 vs 5; optimum is 6/6.
  const std::vector<PackItem> items{{3, 0, -1}, {3, 1, -1}, {2, 2, -1}, {2, 3, -1}, {2, 4, -1}};
  Packing packing = pack_lpt(items, 2);
  EXPECT_DOUBLE_EQ(packing.makespan(), 7);
  improve(packing, items);
  EXPECT_DOUBLE_EQ(packing.makespan(), 6);
}

std::vector<TestTiming> heavy_file_tests() {
  return {{"f.py::TestA::test_1", 1},    {"f.py::TestA::test_2", 1}, {"f.py::TestB::test_p[1]", 1},
          {"f.py::TestB::test_p[2]", 1}, {"f.py::test_q[a::b]", 1},  {"f.py::test_q[c d]", 1}};
}

TEST(Slicing, WithinCutsAtClassBoundariesWhenThatCostsNoExtraSlice) {
  const auto tests = heavy_file_tests();
  const auto parts = FileCutter(tests).within(2.0);
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[0].begin, 0u);  // TestA
  EXPECT_EQ(parts[1].begin, 2u);  // TestB
  EXPECT_EQ(parts[2].begin, 4u);  // module-level test_q and its variants
}

TEST(Slicing, WithinNeverTakesACoarseCutThatOverflowsTheCapacity) {
  // One class of 8 s and a 4 s function: cutting only at the class boundary gives 2 slices,
  // but the class slice would exceed 5.9 s, so the cut goes inside the class.
  const std::vector<TestTiming> tests{
      {"f.py::T::a[1]", 2.5}, {"f.py::T::a[2]", 2.5}, {"f.py::T::b", 3}, {"f.py::c", 4}};
  const auto parts = FileCutter(tests).within(5.9);
  ASSERT_EQ(parts.size(), 3u);
  for (const auto& part : parts) EXPECT_LE(part.seconds, 5.9);
}

TEST(Slicing, IntoKeepsParametrizedVariantsTogetherWhenBalanced) {
  const auto tests = heavy_file_tests();
  const auto parts = FileCutter(tests).into(3);
  ASSERT_EQ(parts.size(), 3u);
  for (const auto& part : parts) EXPECT_EQ(part.end - part.begin, 2u);
}

TEST(Slicing, IntoSplitsInsideAClassWhenItMust) {
  const std::vector<TestTiming> tests{{"f.py::T::a", 1}, {"f.py::T::b", 1}, {"f.py::T::c", 1}};
  const auto parts = FileCutter(tests).into(3);
  ASSERT_EQ(parts.size(), 3u);
}

TEST(Slicing, FillTakesTheFurthestTestThatFitsThenBacksOffToAClassBoundary) {
  const std::vector<TestTiming> tests{{"f.py::A::a", 2}, {"f.py::A::b", 2}, {"f.py::B::a", 1},
                                      {"f.py::B::b", 1}, {"f.py::c[1]", 1}, {"f.py::c[2]", 1}};
  const FileCutter cutter(tests);
  // Room for 5.5 s: the finest cut is after B::a (5 s); the class boundary after A (4 s) is
  // taken only when losing 1 s is within the slack.
  auto exact = cutter.fill(0, 5.5, 0.1);
  EXPECT_EQ(exact.end, 3u);
  EXPECT_DOUBLE_EQ(exact.seconds, 5);
  EXPECT_EQ(cutter.fill(0, 5.5, 1.0).end, 2u);
  // From the middle of class B: the next boundary between tests, not between variants.
  EXPECT_EQ(cutter.fill(3, 2.5, 1.0).end, 4u);
  EXPECT_EQ(cutter.fill(3, 100, 0).end, 6u);  // the file's end
  EXPECT_EQ(cutter.fill(0, 1.5, 0).end, 0u);  // not even the first test fits
  EXPECT_EQ(cutter.boundary_level(0), 0);
  EXPECT_EQ(cutter.boundary_level(1), 1);
  EXPECT_EQ(cutter.boundary_level(2), 0);
  EXPECT_EQ(cutter.boundary_level(4), 0);
  EXPECT_EQ(cutter.boundary_level(5), 2);
  EXPECT_EQ(cutter.boundary_level(6), 0);
}

using test_suites::work_of;

TEST(Planner, RefusesMoreShardsThanPiecesAndSaysTheMaximum) {
  const Workload work = work_of({{"a.py::t1", 1}, {"a.py::t2", 1}}, {"a.py", "b.py"});
  auto plan = make_plan(work, PlanOptions{4, 0.25, true});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message,
            "cannot fill 4 shards: this suite supports at most 3 (one per timed test, one per "
            "untimed file); ask for --shards 3 or fewer");
  auto whole = make_plan(work, PlanOptions{3, 0.25, false});
  ASSERT_FALSE(whole.ok());
  EXPECT_EQ(whole.error().message,
            "cannot fill 3 shards: this suite supports at most 2 (one per test file); ask for "
            "--shards 2 or fewer");
}

TEST(Planner, EmptyUniverseIsAnError) {
  auto plan = make_plan(work_of({}, {}), PlanOptions{2, 0.25, true});
  ASSERT_FALSE(plan.ok());
  EXPECT_EQ(plan.error().message,
            "no test files to plan: check --root, the pytest configuration, --include/--exclude, "
            "or the file list");
}

TEST(Planner, SplitsTheHeavyFileOnlyWhenItLowersTheMakespan) {
  std::vector<TestTiming> tests;
  for (int i = 0; i < 10; ++i) tests.push_back({"big.py::test_" + std::to_string(i), 1});
  tests.push_back({"small.py::t", 1});
  const Workload work = work_of(tests, {"big.py", "small.py"});
  auto plan = make_plan(work, PlanOptions{2, 0.25, true});
  ASSERT_TRUE(plan.ok());
  EXPECT_NEAR(plan->makespan, 6.25, 1e-9);  // big.py as 6 + 4 tests; small.py joins the 4
  auto whole = make_plan(work, PlanOptions{2, 0.25, false});
  EXPECT_NEAR(whole->makespan, 10.25, 1e-9);
  // A huge overhead makes splitting pointless: the whole-file plan stays.
  auto costly = make_plan(work, PlanOptions{2, 100, true});
  for (const Shard& shard : costly->shards) EXPECT_TRUE(shard.slices.empty());
}

// Whole files of awkward sizes and one file of many one-second tests: slices of the fine file
// fill each shard's remaining room, so the makespan is the bound rounded up to whole tests.
TEST(Planner, SlicesOfAFineGrainedFileFillTheRoomTheWholeFilesLeave) {
  const Workload work = test_suites::fine_grained_work();
  constexpr double kTotal = test_suites::kFineGrainedTotal;  // no overhead
  for (const int shards : {3, 4, 5}) {
    auto plan = make_plan(work, PlanOptions{shards, 0, true});
    ASSERT_TRUE(plan.ok());
    const double bound = std::max(kTotal / shards, 37.0);  // or a.py, which cannot be cut
    EXPECT_NEAR(plan->lower_bound, bound, 1e-9) << shards;
    EXPECT_GE(plan->makespan, bound - 1e-9) << shards;
    EXPECT_LE(plan->makespan, bound + 1 + 1e-9) << shards;
  }
}

TEST(Planner, FewerFilesThanShardsSplitsToFillEveryShard) {
  std::vector<TestTiming> tests;
  for (int i = 0; i < 8; ++i) tests.push_back({"only.py::test_" + std::to_string(i), 1});
  auto plan = make_plan(work_of(tests, {"only.py"}), PlanOptions{4, 0.25, true});
  ASSERT_TRUE(plan.ok());
  int owners = 0;
  for (const Shard& shard : plan->shards) {
    ASSERT_EQ(shard.slices.size(), 1u);
    EXPECT_EQ(shard.slices[0].tests.size(), 2u);
    owners += shard.slices[0].owner;
  }
  EXPECT_EQ(owners, 1);
  EXPECT_NEAR(plan->makespan, 2.25, 1e-9);
}

TEST(Planner, ReportsLowerBoundAndDigests) {
  const Workload work = work_of({{"a.py::t", 3}, {"b.py::t", 1}}, {"a.py", "b.py"});
  auto plan = make_plan(work, PlanOptions{2, 0, false});
  ASSERT_TRUE(plan.ok());
  EXPECT_DOUBLE_EQ(plan->lower_bound, 3);
  EXPECT_DOUBLE_EQ(plan->makespan, 3);
  EXPECT_EQ(plan->universe_digest, universe_digest({"a.py", "b.py"}));
  EXPECT_EQ(plan->inputs_digest.rfind("wfnv64:", 0), 0u);
  auto other = make_plan(work, PlanOptions{2, 0.5, false});
  EXPECT_NE(plan->inputs_digest, other->inputs_digest);
}

TEST(Digest, WordHashSeesEveryByteAndWhereStringsEnd) {
  const auto of = [](std::initializer_list<std::string_view> parts) {
    WordHash64 hash;
    for (const std::string_view part : parts) hash.add(part);
    return hash.value();
  };
  const std::string id = "tests/test_module.py::TestClass::test_case[param-0]";
  EXPECT_EQ(of({id}), of({id}));
  for (std::size_t i = 0; i < id.size(); ++i) {  // a change in any byte, word or tail
    std::string changed = id;
    changed[i] ^= 1;
    EXPECT_NE(of({id}), of({changed})) << i;
  }
  EXPECT_NE(of({"ab", "c"}), of({"a", "bc"}));
  EXPECT_NE(of({"abcdefgh", ""}), of({"", "abcdefgh"}));
  EXPECT_NE(WordHash64().add(1.0).value(), WordHash64().add(1.0000000000000002).value());
}

}  // namespace
}  // namespace shardplan
