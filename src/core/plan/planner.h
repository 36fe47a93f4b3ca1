// Builds a Plan from per-file work: whole files packed by LPT plus improvement, and — only
// where it lowers the predicted makespan — files cut into test-level slices that are packed
// together with whole files (two slices of one file never share a shard). Never emits an
// empty shard. Pure: no I/O; does not include timings/ or emit/.
#pragma once

#include <map>
#include <string>

#include "core/diagnostic.h"
#include "core/model.h"
#include "core/plan/workload.h"

namespace shardplan {

// Default fixed cost per collected file or slice (import, collection, module fixtures).
inline constexpr double kDefaultFileOverhead = 0.25;

// The cost model: a shard's predicted seconds = shard_overhead + for every file or slice it
// collects, that file's overhead + the durations of its tests.
struct PlanOptions {
  explicit PlanOptions(int shard_count = 1, double overhead = kDefaultFileOverhead,
                       bool slicing = true)
      : shards(shard_count), file_overhead(overhead), allow_slicing(slicing) {}

  int shards = 1;
  double file_overhead = kDefaultFileOverhead;  // for files without their own entry
  bool allow_slicing = true;
  double shard_overhead = 0;  // per job: checkout, install, start-up
  std::map<std::string, double> file_overheads;  // per file path, from a calibrated model
};

// The overhead `options` charges for collecting `path` once.
double overhead_for(const PlanOptions& options, const std::string& path);

// Errors: an empty universe; fewer indivisible pieces of work than shards (the message names
// the most shards this suite supports).
Result<Plan> make_plan(const Workload& work, const PlanOptions& options);

// The most shards `work` can fill: one per untimed file plus one per timed test (one per file
// when slicing is off).
std::size_t max_supported_shards(const Workload& work, bool allow_slicing);

}  // namespace shardplan
