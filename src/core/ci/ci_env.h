// Which shard this CI job is, read from the CI system's own variables (for `run --shard auto`).
// Takes a lookup function instead of reading the process environment, so tests pass a map.
#pragma once

#include <functional>
#include <optional>
#include <string>

#include "core/diagnostic.h"

namespace shardplan {

using EnvLookup = std::function<std::optional<std::string>(const std::string& name)>;

struct CiShard {
  int index = 1;  // 1-based
  int total = 1;
  std::string source;       // e.g. "GitLab (CI_NODE_INDEX/CI_NODE_TOTAL)"
  std::string status_file;  // Bazel's TEST_SHARD_STATUS_FILE, to touch; empty otherwise
};

// First match of: SHARDPLAN_SHARD/SHARDPLAN_TOTAL (1-based), Bazel TEST_SHARD_INDEX/
// TEST_TOTAL_SHARDS (0-based), GitLab CI_NODE_INDEX/CI_NODE_TOTAL (1-based), CircleCI
// CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL (0-based), Buildkite BUILDKITE_PARALLEL_JOB/
// BUILDKITE_PARALLEL_JOB_COUNT (0-based). Errors: none set, only one of a pair, not an
// integer, index out of range.
Result<CiShard> shard_from_environment(const EnvLookup& env);

}  // namespace shardplan
