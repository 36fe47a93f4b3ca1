// The cost-model options shared by every command that plans (plan, recommend): the per-file
// and per-job overheads, a calibrated model file, and whether files may be split.
#pragma once

#include <optional>
#include <string>

#include <CLI/CLI.hpp>

#include "core/diagnostic.h"
#include "core/fs.h"
#include "core/plan/planner.h"

namespace shardplan::cli {

struct CostOptions {
  std::optional<double> file_overhead;
  std::optional<double> shard_overhead;
  std::string model;
  bool no_split = false;
};

// Adds the options; an overhead out of range is refused while parsing (a usage error).
void add_cost_options(CLI::App& command, CostOptions& options);

// PlanOptions for N shards: the model file's values, overridden by explicit flags. Its errors
// are all about the model file: invalid input (exit 1), not usage.
Result<PlanOptions> plan_options(const FileSystem& fs, const CostOptions& options, int shards);

}  // namespace shardplan::cli
