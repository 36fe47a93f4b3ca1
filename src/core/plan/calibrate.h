// Fits the cost model to what a run measured: for each shard, its wall time, the seconds its
// tests reported and the number of files (and slices) it collected. Least squares for
// wall - tests = shard_overhead + file_overhead * files, with both overheads >= 0.
#pragma once

#include <cstddef>
#include <vector>

namespace shardplan {

struct ShardObservation {
  int shard = 1;
  double wall_seconds = 0;
  double test_seconds = 0;
  std::size_t files = 0;
};

struct OverheadFit {
  double shard_overhead = 0;
  double file_overhead = 0;
  double rms_error = 0;  // seconds, of predicted against measured wall time
  double max_error = 0;
  bool file_overhead_identified = true;  // false when every shard collected as many files
};

OverheadFit fit_overheads(const std::vector<ShardObservation>& observations);

}  // namespace shardplan
