#include <random>

#include <gtest/gtest.h>

#include "core/plan/calibrate.h"
#include "core/plan/cost_model.h"
#include "core/plan/recommend.h"

namespace shardplan {
namespace {

TEST(Calibrate, RecoversKnownOverheadsFromSyntheticRuns) {
  std::mt19937_64 rng(7);
  std::uniform_int_distribution<int> files(3, 60);
  std::uniform_real_distribution<double> tests(50, 500), noise(-0.5, 0.5);
  for (const auto& [job, per_file] : {std::pair{30.0, 0.4}, {5.0, 1.5}, {120.0, 0.05}}) {
    std::vector<ShardObservation> runs;
    for (int shard = 1; shard <= 12; ++shard) {
      const auto n = static_cast<std::size_t>(files(rng));
      const double test_seconds = tests(rng);
      runs.push_back({shard, job + per_file * static_cast<double>(n) + test_seconds + noise(rng),
                      test_seconds, n});
    }
    const OverheadFit fit = fit_overheads(runs);
    EXPECT_NEAR(fit.shard_overhead, job, 1.0);
    EXPECT_NEAR(fit.file_overhead, per_file, 0.05);
    EXPECT_LT(fit.rms_error, 0.5);
    EXPECT_TRUE(fit.file_overhead_identified);
  }
}

TEST(Calibrate, NeverFitsNegativeOverheads) {
  // Walls below the test time would need a negative job overhead: clamp to 0.
  const OverheadFit fit = fit_overheads({{1, 9, 10, 2}, {2, 18, 20, 4}, {3, 29, 30, 6}});
  EXPECT_GE(fit.shard_overhead, 0);
  EXPECT_GE(fit.file_overhead, 0);
}

TEST(Calibrate, SameFileCountsLeaveFileOverheadUnidentified) {
  const OverheadFit fit = fit_overheads({{1, 40, 10, 5}, {2, 50, 20, 5}});
  EXPECT_FALSE(fit.file_overhead_identified);
  EXPECT_NEAR(fit.shard_overhead, 30, 1e-9);
  EXPECT_EQ(fit.file_overhead, 0);
}

TEST(CostModel, RoundTrips) {
  const CostModel model{12.5, 0.3, {{"tests/test_a.py", 2.0}}};
  auto read = cost_model_from_json(cost_model_to_json(model), "m.json");
  ASSERT_TRUE(read.ok()) << read.error().format();
  EXPECT_EQ(*read, model);
}

struct BadModel {
  const char* content;
  const char* message;
};

class CostModelErrors : public testing::TestWithParam<BadModel> {};

TEST_P(CostModelErrors, SayWhatIsWrong) {
  auto read = cost_model_from_json(GetParam().content, "m.json");
  ASSERT_FALSE(read.ok());
  EXPECT_EQ(read.error().format(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, CostModelErrors,
    testing::Values(
        BadModel{R"({"x": 1})", "m.json: not a shardplan cost model (no 'shardplan_model' key)"},
        BadModel{R"({"shardplan_model": 2})",
                 "m.json: cost model format 2 is not supported (this shardplan reads 1); "
                 "regenerate it with 'shardplan calibrate'"},
        BadModel{
            R"({"shardplan_model": 1, "shard_overhead_seconds": -4, "file_overhead_seconds": 0})",
            "m.json: shard_overhead_seconds must be between 0 and 86400 seconds, got -4"},
        BadModel{
            R"({"shardplan_model": 1, "shard_overhead_seconds": 1, "file_overhead_seconds": 1e9})",
            "m.json: file_overhead_seconds must be between 0 and 86400 seconds, got 1000000000"},
        BadModel{
            R"({"shardplan_model": 1, "shard_overhead_seconds": "x", "file_overhead_seconds": 1})",
            "m.json: shard_overhead_seconds: expected a number of seconds"},
        BadModel{"{\n  \"shardplan_model\": 1,\n",
                 "m.json:3:1: invalid JSON: syntax error while "
                 "parsing object key - unexpected end of input; "
                 "expected string literal; regenerate it with "
                 "'shardplan calibrate'"}));

Workload even_workload(int files) {
  Timings timings;
  std::vector<std::string> universe;
  for (int f = 0; f < files; ++f) {
    const std::string path = "test_" + std::to_string(100 + f) + ".py";
    universe.push_back(path);
    timings.tests.push_back({path + "::t", 10});
  }
  return build_workload(universe, &timings);
}

TEST(Recommend, MarksSmallestNMeetingTargetAndTheKnee) {
  PlanOptions base(1, 0, true);
  base.shard_overhead = 5;
  // 12 files of 10 s: N=1 -> 125 s, 2 -> 65, 3 -> 45, 4 -> 35, 6 -> 25, 12 -> 15.
  const Sizing sizing = size_shards(even_workload(12), base, 1, 12, 40.0);
  ASSERT_EQ(sizing.rows.size(), 12u);
  EXPECT_DOUBLE_EQ(sizing.rows[0].makespan, 125);
  EXPECT_EQ(sizing.meets_target, 4);
  EXPECT_EQ(sizing.knee, 4);  // 4 -> 5 shards: still 35 s (three files on some shard)
  EXPECT_DOUBLE_EQ(sizing.rows[3].total_seconds, 4 * 35);
}

}  // namespace
}  // namespace shardplan
