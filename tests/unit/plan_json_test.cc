// The streaming plan writer against an oracle: the same document built as an nlohmann tree and
// dumped with indent 1 (the writer's documented layout), for plans with awkward strings and
// numbers; plus the round trip and the UTF-8 refusal.
#include "core/emit/plan_json.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace shardplan {
namespace {

using Json = nlohmann::ordered_json;

std::string oracle(const Plan& plan) {
  Json shards = Json::array();
  for (const Shard& shard : plan.shards) {
    Json slices = Json::array();
    for (const Slice& s : shard.slices) {
      slices.push_back(Json{{"file", s.file},
                            {"slice", s.index},
                            {"of", s.count},
                            {"owner", s.owner},
                            {"predicted_seconds", s.seconds},
                            {"tests", s.tests}});
    }
    shards.push_back(Json{{"index", shard.index},
                          {"predicted_seconds", shard.predicted_seconds},
                          {"files", shard.files},
                          {"slices", slices}});
  }
  const PlanStats& st = plan.stats;
  const Json root{
      {"shardplan_plan", plan.version},
      {"shard_count", plan.shard_count},
      {"lower_bound_seconds", plan.lower_bound},
      {"makespan_seconds", plan.makespan},
      {"file_overhead_seconds", plan.file_overhead},
      {"shard_overhead_seconds", plan.shard_overhead},
      {"estimated", plan.estimated},
      {"universe", Json{{"files", st.universe_files}, {"digest", plan.universe_digest}}},
      {"inputs_digest", plan.inputs_digest},
      {"stats", Json{{"timed_files", st.timed_files},
                     {"estimated_files", st.estimated_files},
                     {"stale_entries", st.stale_entries},
                     {"skipped_invalid", st.skipped_invalid},
                     {"known_tests", st.known_tests}}},
      {"scope", Json{{"source", plan.scope.source},
                     {"config", plan.scope.config},
                     {"root_from_config", plan.scope.root_from_config},
                     {"paths", plan.scope.paths},
                     {"include", plan.scope.include},
                     {"exclude", plan.scope.exclude}}},
      {"shards", shards}};
  return root.dump(1) + "\n";
}

Plan awkward_plan() {
  Plan plan;
  plan.shard_count = 3;
  plan.lower_bound = 1.0 / 3;
  plan.makespan = 1e-7;
  plan.file_overhead = 0.25;
  plan.shard_overhead = 30;
  plan.estimated = true;
  plan.universe_digest = "fnv1a64:0123456789abcdef";
  plan.inputs_digest = "wfnv64:fedcba9876543210";
  plan.stats = {7, 3, 4, 1, 2, 123456789};
  plan.scope = {"files-from-timings",        {"src dir"},         {"tests/ü"},
                {"tests/*_slow.py", "x\"y"}, "../pyproject.toml", "pkg"};
  Shard first{1, {"a b/test_ü.py", "q\"uote\\back.py", "ctl\x01\x1f\t\n\r\b\f.py"}, {}, 1e21};
  Shard second{2, {}, {}, 0.0};
  second.slices.push_back(
      {"big.py",
       1,
       2,
       true,
       2.5,
       {"big.py::T::t[a::b]", "big.py::t[ space ]", "big.py::t[\xe2\x82\xac]"}});
  second.slices.push_back({"other.py", 2, 2, false, 123456.0, {"other.py::x"}});
  Shard third{3, {}, {}, -0.0};
  plan.shards = {first, second, third};
  return plan;
}

TEST(PlanJson, WriterMatchesTheIndentedDomDumpByteForByte) {
  const Plan plan = awkward_plan();
  auto text = plan_to_json(plan);
  ASSERT_TRUE(text.ok());
  EXPECT_EQ(*text, oracle(plan));
  Plan empty;
  empty.shard_count = 0;
  EXPECT_EQ(*plan_to_json(empty), oracle(empty));
}

TEST(PlanJson, RoundTripsThroughTheReader) {
  Plan plan = awkward_plan();
  plan.shards[2].predicted_seconds = 0;
  auto text = plan_to_json(plan);
  ASSERT_TRUE(text.ok());
  auto back = plan_from_json(*text, "plan.json");
  ASSERT_TRUE(back.ok()) << back.error().format();
  EXPECT_EQ(*back, plan);
}

TEST(PlanJson, RefusesIdsThatAreNotUtf8) {
  Plan plan = awkward_plan();
  plan.shards[1].slices[0].tests.push_back("big.py::t[\xff]");
  auto text = plan_to_json(plan);
  ASSERT_FALSE(text.ok());
  EXPECT_NE(text.error().message.find("not valid UTF-8"), std::string::npos);
}

}  // namespace
}  // namespace shardplan
