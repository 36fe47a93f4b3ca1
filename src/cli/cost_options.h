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

void add_cost_options(CLI::App& command, CostOptions& options);

// PlanOptions for N shards: the model file's values, overridden by explicit flags.
Result<PlanOptions> plan_options(const FileSystem& fs, const CostOptions& options, int shards);

}  // namespace shardplan::cli
