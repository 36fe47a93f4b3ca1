// Turns the universe and the recorded timings into per-file work: groups tests by file,
// drops stale entries (files outside the universe) and estimates files with no timing.
// Estimate rule: the mean of timed files in the file's own directory; else in the nearest
// parent directory that has timed files below it; else the median timed file. With no
// timings at all every file weighs kNoTimingsFileSeconds.
#pragma once

#include <string>
#include <vector>

#include "core/model.h"

namespace shardplan {

inline constexpr double kNoTimingsFileSeconds = 1.0;

struct Workload {
  std::vector<FileWork> files;  // one per universe file, sorted by path
  PlanStats stats;
  bool estimated = false;  // no timings were given at all
};

// `universe` must be sorted and unique; `timings` sorted by id (as parse_durations returns).
Workload build_workload(const std::vector<std::string>& universe, const Timings* timings);
// The same, moving the test ids out of `timings` instead of copying them (large inputs).
Workload build_workload(const std::vector<std::string>& universe, Timings&& timings);

// Files named by the timings (for --files-from-timings), sorted and unique.
std::vector<std::string> files_in_timings(const Timings& timings);

}  // namespace shardplan
