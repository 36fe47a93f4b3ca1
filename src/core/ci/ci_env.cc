#include "core/ci/ci_env.h"

#include <charconv>
#include <cmath>

#include <fmt/format.h>

namespace shardplan {
namespace {

struct Convention {
  const char* name;
  const char* index;
  const char* total;
  int base;  // value of the first shard's index
};

constexpr Convention kConventions[] = {
    {"shardplan", "SHARDPLAN_SHARD", "SHARDPLAN_TOTAL", 1},
    {"Bazel", "TEST_SHARD_INDEX", "TEST_TOTAL_SHARDS", 0},
    {"GitLab", "CI_NODE_INDEX", "CI_NODE_TOTAL", 1},
    {"CircleCI", "CIRCLE_NODE_INDEX", "CIRCLE_NODE_TOTAL", 0},
    {"Buildkite", "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", 0},
};

Result<int> integer(const std::string& name, const std::string& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size() || text.empty()) {
    return error_in("", fmt::format("{}='{}' is not a whole number", name, text));
  }
  return value;
}

Result<CiShard> from_convention(const Convention& ci, const std::string& index_text,
                                const std::string& total_text) {
  auto index = integer(ci.index, index_text);
  if (!index) return index.error();
  auto total = integer(ci.total, total_text);
  if (!total) return total.error();
  if (*total < 1) return error_in("", fmt::format("{}={} must be at least 1", ci.total, *total));
  const int one_based = *index - ci.base + 1;
  if (one_based < 1 || one_based > *total) {
    return error_in("", fmt::format("{}={} is out of range for {}={} ({} counts from {})", ci.index,
                                    *index, ci.total, *total, ci.name, ci.base));
  }
  return CiShard{one_based, *total, fmt::format("{} ({}/{})", ci.name, ci.index, ci.total), ""};
}

}  // namespace

Result<CiShard> shard_from_environment(const EnvLookup& env) {
  for (const Convention& ci : kConventions) {
    const auto index = env(ci.index);
    const auto total = env(ci.total);
    if (!index && !total) continue;
    if (!index || !total) {
      return error_in("", fmt::format("{} is set but {} is not; set both, or pass --shard I",
                                      index ? ci.index : ci.total, index ? ci.total : ci.index));
    }
    auto shard = from_convention(ci, *index, *total);
    if (shard && std::string(ci.name) == "Bazel") {
      shard->status_file = env("TEST_SHARD_STATUS_FILE").value_or("");
    }
    return shard;
  }
  return error_in("",
                  "--shard auto found no CI shard variables (SHARDPLAN_SHARD/SHARDPLAN_TOTAL, "
                  "TEST_SHARD_INDEX/TEST_TOTAL_SHARDS, CI_NODE_INDEX/CI_NODE_TOTAL, "
                  "CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL, BUILDKITE_PARALLEL_JOB/"
                  "BUILDKITE_PARALLEL_JOB_COUNT); set one pair or pass --shard I");
}

// Plain seconds ("900"), or number+unit parts with units h, m, s each at most once and in
// that order ("1h30m", "15m", "90s").

}  // namespace shardplan
