// The project's own configuration: named segments of a test suite (issue #13), kept in one place
// so the planner call, the CI matrix and the sizing agree. Read from `shardplan.toml` (its top
// level) or from `[tool.shardplan]` in `pyproject.toml`, whichever a directory holds first
// (shardplan.toml wins), looking from the start directory up to the filesystem root, as pytest
// looks for its own configuration. docs/segments.md describes the keys.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/fs.h"

namespace shardplan {

struct Segment {
  std::string name;
  std::vector<std::string> include;      // paths (relative to the config file's directory)
  std::vector<std::string> exclude;      // paths or globs
  std::vector<std::string> pytest_args;  // e.g. {"-m", "not slow"}; given to pytest and planner
  std::optional<int> shards;             // nothing: "auto" (search with target_seconds)
  std::optional<double> target_seconds;  // wall-clock goal of `auto`
  std::optional<double> file_overhead;   // seconds per file
  std::optional<double> shard_overhead;  // seconds per shard
  std::optional<std::string> durations;  // its own timings file (else the configuration's)
  int line = 0;                          // where its table starts in the file
};

struct ProjectConfig {
  std::string source;                    // the file read; empty when none was found
  std::string root;                      // its directory: the segments' paths are relative to it
  std::optional<std::string> durations;  // default timings file, relative to `root`
  std::vector<Segment> segments;         // sorted by name
};

// The configuration in `content`; `pyproject` when it is a pyproject.toml (read [tool.shardplan]
// only; without that table the result has no source). Errors name source:line:column and the
// fix.
Result<ProjectConfig> parse_project_config(std::string_view content, const std::string& source,
                                           bool pyproject);

// The first shardplan.toml, or pyproject.toml holding [tool.shardplan], in `start` or above it;
// an empty config (no source) when there is none.
Result<ProjectConfig> find_project_config(const FileSystem& fs, const std::string& start);

// {"config": source, "root": root, "durations": ..., "segments": [{"name", "include",
// "exclude", "pytest_args", "shards" (a number or "auto"), "target_seconds", "file_overhead",
// "shard_overhead"}, ...]}: for CI scripts that build their job matrix from the segments.
std::string segments_json(const ProjectConfig& config);

// The segment called `name`, or an error listing the ones there are.
Result<const Segment*> find_segment(const ProjectConfig& config, std::string_view name);

}  // namespace shardplan
