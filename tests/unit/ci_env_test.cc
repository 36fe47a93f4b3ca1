#include "core/ci/ci_env.h"
#include "core/plan/duration.h"

#include <cmath>
#include <map>

#include <gtest/gtest.h>

namespace shardplan {
namespace {

using Env = std::map<std::string, std::string>;

EnvLookup lookup(const Env& env) {
  return [env](const std::string& name) -> std::optional<std::string> {
    const auto found = env.find(name);
    if (found == env.end()) return std::nullopt;
    return found->second;
  };
}

struct ShardCase {
  const char* name;
  Env env;
  int index;
  int total;
  const char* source;
  const char* status_file;
};

class ShardFromEnvironment : public testing::TestWithParam<ShardCase> {};

TEST_P(ShardFromEnvironment, GivesTheOneBasedShard) {
  const ShardCase& c = GetParam();
  const auto shard = shard_from_environment(lookup(c.env));
  ASSERT_TRUE(shard) << shard.error().format();
  EXPECT_EQ(shard->index, c.index);
  EXPECT_EQ(shard->total, c.total);
  EXPECT_EQ(shard->source, c.source);
  EXPECT_EQ(shard->status_file, c.status_file);
}

constexpr const char* kGitLab = "GitLab (CI_NODE_INDEX/CI_NODE_TOTAL)";
constexpr const char* kShardplan = "shardplan (SHARDPLAN_SHARD/SHARDPLAN_TOTAL)";
constexpr const char* kBazel = "Bazel (TEST_SHARD_INDEX/TEST_TOTAL_SHARDS)";
constexpr const char* kCircle = "CircleCI (CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL)";
constexpr const char* kBuildkite =
    "Buildkite (BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT)";

INSTANTIATE_TEST_SUITE_P(
    Conventions, ShardFromEnvironment,
    testing::Values(
        ShardCase{"shardplan_first",
                  {{"SHARDPLAN_SHARD", "1"}, {"SHARDPLAN_TOTAL", "4"}},
                  1,
                  4,
                  kShardplan,
                  ""},
        ShardCase{"shardplan_last",
                  {{"SHARDPLAN_SHARD", "4"}, {"SHARDPLAN_TOTAL", "4"}},
                  4,
                  4,
                  kShardplan,
                  ""},
        ShardCase{
            "gitlab_first", {{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "3"}}, 1, 3, kGitLab, ""},
        ShardCase{
            "gitlab_last", {{"CI_NODE_INDEX", "3"}, {"CI_NODE_TOTAL", "3"}}, 3, 3, kGitLab, ""},
        ShardCase{"circleci_zero_based",
                  {{"CIRCLE_NODE_INDEX", "0"}, {"CIRCLE_NODE_TOTAL", "3"}},
                  1,
                  3,
                  kCircle,
                  ""},
        ShardCase{"circleci_last",
                  {{"CIRCLE_NODE_INDEX", "2"}, {"CIRCLE_NODE_TOTAL", "3"}},
                  3,
                  3,
                  kCircle,
                  ""},
        ShardCase{"buildkite_zero_based",
                  {{"BUILDKITE_PARALLEL_JOB", "0"}, {"BUILDKITE_PARALLEL_JOB_COUNT", "2"}},
                  1,
                  2,
                  kBuildkite,
                  ""},
        ShardCase{"buildkite_last",
                  {{"BUILDKITE_PARALLEL_JOB", "1"}, {"BUILDKITE_PARALLEL_JOB_COUNT", "2"}},
                  2,
                  2,
                  kBuildkite,
                  ""},
        ShardCase{"bazel_zero_based",
                  {{"TEST_SHARD_INDEX", "0"}, {"TEST_TOTAL_SHARDS", "5"}},
                  1,
                  5,
                  kBazel,
                  ""},
        ShardCase{"bazel_status_file",
                  {{"TEST_SHARD_INDEX", "4"},
                   {"TEST_TOTAL_SHARDS", "5"},
                   {"TEST_SHARD_STATUS_FILE", "/tmp/st"}},
                  5,
                  5,
                  kBazel,
                  "/tmp/st"},
        ShardCase{
            "single_shard", {{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "1"}}, 1, 1, kGitLab, ""},
        // An explicit SHARDPLAN_* pair wins over what the CI sets (e.g. a GitLab job that
        // overrides it); Bazel comes before the CI services that may run Bazel.
        ShardCase{"shardplan_over_gitlab",
                  {{"SHARDPLAN_SHARD", "2"},
                   {"SHARDPLAN_TOTAL", "2"},
                   {"CI_NODE_INDEX", "5"},
                   {"CI_NODE_TOTAL", "9"}},
                  2,
                  2,
                  kShardplan,
                  ""},
        ShardCase{"bazel_over_buildkite",
                  {{"TEST_SHARD_INDEX", "1"},
                   {"TEST_TOTAL_SHARDS", "2"},
                   {"BUILDKITE_PARALLEL_JOB", "0"},
                   {"BUILDKITE_PARALLEL_JOB_COUNT", "7"}},
                  2,
                  2,
                  kBazel,
                  ""},
        // The status file belongs to Bazel only.
        ShardCase{
            "status_file_ignored_outside_bazel",
            {{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "2"}, {"TEST_SHARD_STATUS_FILE", "/tmp/st"}},
            1,
            2,
            kGitLab,
            ""}),
    [](const testing::TestParamInfo<ShardCase>& param) { return std::string(param.param.name); });

struct ErrorCase {
  const char* name;
  Env env;
  const char* message;
};

class ShardFromEnvironmentError : public testing::TestWithParam<ErrorCase> {};

TEST_P(ShardFromEnvironmentError, SaysWhichVariableIsWrong) {
  const ErrorCase& c = GetParam();
  const auto shard = shard_from_environment(lookup(c.env));
  ASSERT_FALSE(shard) << "got shard " << shard->index << " of " << shard->total;
  EXPECT_EQ(shard.error().format(), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    BadInput, ShardFromEnvironmentError,
    testing::Values(
        ErrorCase{"nothing_set",
                  {{"GITHUB_ACTIONS", "true"}},
                  "--shard auto found no CI shard variables (SHARDPLAN_SHARD/SHARDPLAN_TOTAL, "
                  "TEST_SHARD_INDEX/TEST_TOTAL_SHARDS, CI_NODE_INDEX/CI_NODE_TOTAL, "
                  "CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL, BUILDKITE_PARALLEL_JOB/"
                  "BUILDKITE_PARALLEL_JOB_COUNT); set one pair or pass --shard I"},
        ErrorCase{"index_only",
                  {{"CI_NODE_INDEX", "1"}},
                  "CI_NODE_INDEX is set but CI_NODE_TOTAL is not; set both, or pass --shard I"},
        ErrorCase{"total_only",
                  {{"SHARDPLAN_TOTAL", "3"}},
                  "SHARDPLAN_TOTAL is set but SHARDPLAN_SHARD is not; set both, or pass --shard I"},
        // Half a pair is an error even when a later convention is complete: never guess.
        ErrorCase{"half_pair_before_full_pair",
                  {{"SHARDPLAN_SHARD", "1"}, {"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "2"}},
                  "SHARDPLAN_SHARD is set but SHARDPLAN_TOTAL is not; set both, or pass --shard I"},
        ErrorCase{"index_not_a_number",
                  {{"CI_NODE_INDEX", "one"}, {"CI_NODE_TOTAL", "2"}},
                  "CI_NODE_INDEX='one' is not a whole number"},
        ErrorCase{"total_not_a_number",
                  {{"CIRCLE_NODE_INDEX", "0"}, {"CIRCLE_NODE_TOTAL", "2.0"}},
                  "CIRCLE_NODE_TOTAL='2.0' is not a whole number"},
        ErrorCase{"empty_value",
                  {{"BUILDKITE_PARALLEL_JOB", ""}, {"BUILDKITE_PARALLEL_JOB_COUNT", "2"}},
                  "BUILDKITE_PARALLEL_JOB='' is not a whole number"},
        ErrorCase{"leading_space",
                  {{"SHARDPLAN_SHARD", " 1"}, {"SHARDPLAN_TOTAL", "2"}},
                  "SHARDPLAN_SHARD=' 1' is not a whole number"},
        ErrorCase{"trailing_text",
                  {{"SHARDPLAN_SHARD", "1x"}, {"SHARDPLAN_TOTAL", "2"}},
                  "SHARDPLAN_SHARD='1x' is not a whole number"},
        ErrorCase{"plus_sign",
                  {{"SHARDPLAN_SHARD", "+1"}, {"SHARDPLAN_TOTAL", "2"}},
                  "SHARDPLAN_SHARD='+1' is not a whole number"},
        ErrorCase{"overflow",
                  {{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "99999999999"}},
                  "CI_NODE_TOTAL='99999999999' is not a whole number"},
        ErrorCase{"total_zero",
                  {{"CI_NODE_INDEX", "1"}, {"CI_NODE_TOTAL", "0"}},
                  "CI_NODE_TOTAL=0 must be at least 1"},
        ErrorCase{"total_negative",
                  {{"TEST_SHARD_INDEX", "0"}, {"TEST_TOTAL_SHARDS", "-2"}},
                  "TEST_TOTAL_SHARDS=-2 must be at least 1"},
        ErrorCase{"one_based_zero",
                  {{"CI_NODE_INDEX", "0"}, {"CI_NODE_TOTAL", "3"}},
                  "CI_NODE_INDEX=0 is out of range for CI_NODE_TOTAL=3 (GitLab counts from 1)"},
        ErrorCase{
            "one_based_past_end",
            {{"SHARDPLAN_SHARD", "4"}, {"SHARDPLAN_TOTAL", "3"}},
            "SHARDPLAN_SHARD=4 is out of range for SHARDPLAN_TOTAL=3 (shardplan counts from 1)"},
        ErrorCase{
            "zero_based_past_end",
            {{"CIRCLE_NODE_INDEX", "3"}, {"CIRCLE_NODE_TOTAL", "3"}},
            "CIRCLE_NODE_INDEX=3 is out of range for CIRCLE_NODE_TOTAL=3 (CircleCI counts from 0)"},
        ErrorCase{
            "zero_based_negative",
            {{"TEST_SHARD_INDEX", "-1"}, {"TEST_TOTAL_SHARDS", "3"}},
            "TEST_SHARD_INDEX=-1 is out of range for TEST_TOTAL_SHARDS=3 (Bazel counts from 0)"}),
    [](const testing::TestParamInfo<ErrorCase>& param) { return std::string(param.param.name); });

struct DurationCase {
  const char* text;
  double seconds;
};

class ParseDuration : public testing::TestWithParam<DurationCase> {};

TEST_P(ParseDuration, GivesSeconds) {
  const auto seconds = parse_duration(GetParam().text);
  ASSERT_TRUE(seconds) << seconds.error().format();
  EXPECT_DOUBLE_EQ(*seconds, GetParam().seconds);
}

INSTANTIATE_TEST_SUITE_P(Durations, ParseDuration,
                         testing::Values(DurationCase{"900", 900}, DurationCase{"0", 0},
                                         DurationCase{"90s", 90}, DurationCase{"15m", 900},
                                         DurationCase{"2h", 7200}, DurationCase{"1h30m", 5400},
                                         DurationCase{"1h30m15s", 5415}, DurationCase{"1.5h", 5400},
                                         DurationCase{"0.5m", 30}, DurationCase{"12.25", 12.25}));

class ParseDurationError : public testing::TestWithParam<const char*> {};

TEST_P(ParseDurationError, NamesTheTextAndTheForms) {
  const auto seconds = parse_duration(GetParam());
  ASSERT_FALSE(seconds) << GetParam() << " parsed as " << *seconds;
  EXPECT_EQ(seconds.error().format(), std::string("'") + GetParam() +
                                          "' is not a duration; write e.g. 900, 90s, 15m or 1h30m");
}

INSTANTIATE_TEST_SUITE_P(BadDurations, ParseDurationError,
                         testing::Values("", "m", "15x", "15 m", "-5", "-5m", "15mm", "h1", "1,5h",
                                         "15M", "15min", "inf", "nan", "infm", "1h30", "15m15m",
                                         "1s1h", "1e3"));

}  // namespace
}  // namespace shardplan
