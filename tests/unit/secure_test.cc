#include "core/plan/secure.h"

#include <algorithm>
#include <map>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/plan/planner.h"
#include "core/plan/workload.h"
#include "core/verify/check.h"
#include "suites.h"

namespace shardplan {
namespace {

using test_suites::work_of;

// Weights for hand-made plans: every whole file and every test weighs what the maps say.
PieceWeights weights_of(const std::map<std::string, double>& files,
                        const std::map<std::string, double>& tests) {
  return {[files](const std::string& path) { return files.at(path); },
          [tests](const std::string& id) { return tests.at(id); },
          [](const std::string&) { return 0.0; }};
}

Slice slice(std::string file, int index, int count, bool owner, double seconds,
            std::vector<std::string> tests) {
  return {std::move(file), index, count, owner, seconds, std::move(tests)};
}

// Shard 1: two whole files; shard 2: big.py's owner slice; shard 3: only big.py's second slice.
Plan exposed_plan() {
  Plan plan;
  plan.shard_count = 3;
  plan.shards.resize(3);
  for (int i = 0; i < 3; ++i) plan.shards[static_cast<std::size_t>(i)].index = i + 1;
  plan.shards[0].files = {"a.py", "b.py"};
  plan.shards[0].predicted_seconds = 6;
  plan.shards[1].slices = {slice("big.py", 1, 2, true, 5, {"big.py::t1"})};
  plan.shards[1].predicted_seconds = 5;
  plan.shards[2].slices = {slice("big.py", 2, 2, false, 5, {"big.py::t2"})};
  plan.shards[2].predicted_seconds = 5;
  plan.makespan = 6;
  return plan;
}

TEST(SecureShards, MovesAWholeFileIntoAShardOfListedTestsOnly) {
  Plan plan = exposed_plan();
  ASSERT_EQ(exposed_shards(plan).size(), 1u);
  const Securing result =
      secure_shards(plan, weights_of({{"a.py", 2}, {"b.py", 4}}, {{"big.py::t1", 5}}));
  EXPECT_TRUE(result.exposed.empty());
  EXPECT_EQ(result.moves, 1);
  EXPECT_TRUE(exposed_shards(plan).empty());
  // The lighter file moves: shard 1 keeps b.py (4 s), shard 3 gets a.py (5 + 2 s).
  EXPECT_EQ(plan.shards[0].files, (std::vector<std::string>{"b.py"}));
  EXPECT_EQ(plan.shards[2].files, (std::vector<std::string>{"a.py"}));
  EXPECT_DOUBLE_EQ(plan.shards[0].predicted_seconds, 4);
  EXPECT_DOUBLE_EQ(plan.shards[2].predicted_seconds, 7);
  EXPECT_DOUBLE_EQ(plan.makespan, 7);
  EXPECT_TRUE(check_structure(plan).empty());
}

TEST(SecureShards, PaysAMovedFileBackWithListedTestsOfASharedSlicedFile) {
  // fine.py is cut in three; shards 2 and 3 hold nothing else, so only one of them can own it.
  // Moving a.py (3 s) into the other and three of its 1 s tests back keeps every shard at 10 s.
  std::map<std::string, double> tests;
  std::vector<std::vector<std::string>> cut(3);
  for (int t = 0; t < 24; ++t) {
    const std::string id = fmt::format("fine.py::t{:02}", t);
    tests[id] = 1;
    cut[t < 4 ? 0 : t < 14 ? 1 : 2].push_back(id);
  }
  Plan plan;
  plan.shard_count = 3;
  plan.shards.resize(3);
  for (int i = 0; i < 3; ++i) {
    Shard& shard = plan.shards[static_cast<std::size_t>(i)];
    shard.index = i + 1;
    const double seconds = static_cast<double>(cut[static_cast<std::size_t>(i)].size());
    shard.slices = {slice("fine.py", i + 1, 3, i == 1, seconds, cut[static_cast<std::size_t>(i)])};
    shard.predicted_seconds = 10;
  }
  plan.shards[0].files = {"a.py", "b.py"};
  plan.makespan = 10;
  ASSERT_EQ(exposed_shards(plan).size(), 1u);
  const Securing result = secure_shards(plan, weights_of({{"a.py", 3}, {"b.py", 3}}, tests));
  EXPECT_TRUE(result.exposed.empty());
  EXPECT_EQ(result.moves, 1);
  for (const Shard& shard : plan.shards) EXPECT_DOUBLE_EQ(shard.predicted_seconds, 10);
  EXPECT_DOUBLE_EQ(plan.makespan, 10);
  EXPECT_EQ(plan.shards[0].files.size() + plan.shards[2].files.size(), 2u);
  EXPECT_EQ(plan.shards[0].slices[0].tests.size() + plan.shards[2].slices[0].tests.size(), 14u);
  for (const Shard& shard : plan.shards) {
    EXPECT_TRUE(std::is_sorted(shard.slices[0].tests.begin(), shard.slices[0].tests.end()));
  }
  EXPECT_TRUE(check_structure(plan).empty());
}

TEST(SecureShards, LeavesShardsExposedWhenThereAreMoreShardsThanFiles) {
  std::vector<TestTiming> tests;
  for (int i = 0; i < 8; ++i) tests.push_back({fmt::format("only.py::test_{}", i), 1});
  auto plan = make_plan(work_of(tests, {"only.py"}), PlanOptions{4, 0.25, true});
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(exposed_shards(*plan).size(), 3u);  // one owner, three shards of listed tests
}

TEST(SecureShards, PlansAFineGrainedFileNextToFewWholeFilesWithEveryShardDurable) {
  // Six files, four shards: the balanced plan gives one shard only a slice of fine.py; the
  // securing pass pays a whole file into it with fine.py tests, without leaving the bound.
  const Workload work = test_suites::fine_grained_work();
  for (const int shards : {2, 3, 4, 5, 6}) {
    auto plan = make_plan(work, PlanOptions{shards, 0, true});
    ASSERT_TRUE(plan.ok());
    EXPECT_TRUE(exposed_shards(*plan).empty()) << shards;
    EXPECT_LE(plan->makespan, plan->lower_bound + 1 + 1e-9)
        << shards << " shards, bound " << plan->lower_bound;
  }
}

}  // namespace
}  // namespace shardplan
