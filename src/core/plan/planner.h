// Builds a Plan from per-file work: whole files packed by LPT plus improvement, and — only
// where it lowers the predicted makespan — files cut into test-level slices that are packed
// together with whole files (two slices of one file never share a shard). Never emits an
// empty shard. Pure: no I/O; does not include timings/ or emit/.
#pragma once

#include <string>

#include "core/diagnostic.h"
#include "core/model.h"
#include "core/plan/workload.h"

namespace shardplan {

// Default fixed cost per collected file or slice (import, collection, module fixtures).
inline constexpr double kDefaultFileOverhead = 0.25;

struct PlanOptions {
  int shards = 1;
  double file_overhead = kDefaultFileOverhead;
  bool allow_slicing = true;
};

// Errors: an empty universe; fewer indivisible pieces of work than shards (the message names
// the most shards this suite supports).
Result<Plan> make_plan(const Workload& work, const PlanOptions& options);

// The most shards `work` can fill: one per untimed file plus one per timed test (one per file
// when slicing is off).
std::size_t max_supported_shards(const Workload& work, bool allow_slicing);

}  // namespace shardplan
