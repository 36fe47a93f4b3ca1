#include "core/plan/recommend.h"

#include <algorithm>

namespace shardplan {

Sizing size_shards(const Workload& work, const PlanOptions& base, int min_shards, int max_shards,
                   std::optional<double> target_seconds) {
  Sizing sizing;
  const auto supported = static_cast<int>(
      std::min<std::size_t>(max_supported_shards(work, base.allow_slicing), 100000));
  for (int n = std::max(1, min_shards); n <= std::min(max_shards, supported); ++n) {
    PlanOptions options = base;
    options.shards = n;
    auto plan = make_plan(work, options);
    if (!plan) continue;
    SizingRow row{n, plan->makespan, 0, 0};
    for (const Shard& shard : plan->shards) row.total_seconds += shard.predicted_seconds;
    const double busy = row.total_seconds - n * base.shard_overhead;
    row.efficiency = plan->makespan > 0 ? busy / (n * plan->makespan) : 1.0;
    sizing.rows.push_back(row);
  }
  for (std::size_t i = 0; i < sizing.rows.size(); ++i) {
    const SizingRow& row = sizing.rows[i];
    if (target_seconds && !sizing.meets_target && row.makespan <= *target_seconds) {
      sizing.meets_target = row.shards;
    }
    if (!sizing.knee && i + 1 < sizing.rows.size() &&
        sizing.rows[i + 1].makespan > row.makespan * (1 - kKneeGain)) {
      sizing.knee = row.shards;
    }
  }
  return sizing;
}

}  // namespace shardplan
