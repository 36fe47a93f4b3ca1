// Shard-count sizing: plans the suite for each candidate N and tabulates predicted wall-clock
// (makespan), total runner time and efficiency, marking the smallest N that meets a target
// and the knee past which one more job buys under 5% wall-clock.
#pragma once

#include <optional>
#include <vector>

#include "core/plan/planner.h"

namespace shardplan {

struct SizingRow {
  int shards = 0;
  double makespan = 0;       // seconds, including the per-job overhead
  double total_seconds = 0;  // sum over shards: what the runners bill
  double efficiency = 0;     // busy time without job overhead / (N * makespan)
};

struct Sizing {
  std::vector<SizingRow> rows;      // ascending N
  std::optional<int> meets_target;  // smallest N with makespan <= target
  std::optional<int> knee;          // first N where N+1 gains < 5% wall-clock
};

inline constexpr double kKneeGain = 0.05;

// Candidates min..max (clamped to what the suite can fill). `base` gives every option but N.
Sizing size_shards(const Workload& work, const PlanOptions& base, int min_shards, int max_shards,
                   std::optional<double> target_seconds);

}  // namespace shardplan
