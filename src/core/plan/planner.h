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
  double shard_overhead = 0;                     // per job: checkout, install, start-up
  std::map<std::string, double> file_overheads;  // per file path, from a calibrated model
  PlanScope scope;  // recorded in the plan and covered by its inputs digest
};

// The overhead `options` charges for collecting `path` once.
double overhead_for(const PlanOptions& options, const std::string& path);

// Errors: an empty universe; fewer indivisible pieces of work than shards (the message names
// the most shards this suite supports).
Result<Plan> make_plan(const Workload& work, const PlanOptions& options);

// Moves owner flags between the slices of each sliced file so that as many shards as possible
// hold work that cannot vanish: a whole file or an owner slice (an owner slice also runs its
// file's tests that no slice lists, so it always collects something while its file exists).
// A shard made only of other slices collects nothing if all its listed tests were renamed or
// deleted since the timings were recorded. Costs nothing: owners carry no predicted work.
// Returns the shards that still depend only on listed tests, in index order.
std::vector<int> spread_owners(Plan& plan);

// The most shards `work` can fill: one per untimed file plus one per timed test (one per file
// when slicing is off).
std::size_t max_supported_shards(const Workload& work, bool allow_slicing);

}  // namespace shardplan
