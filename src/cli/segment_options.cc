#include "cli/segment_options.h"

#include <fmt/format.h>

#include "core/plan/segments.h"

namespace shardplan::cli {

void add_segment_option(CLI::App& command, SegmentOptions& options) {
  command.add_option("--segment", options.name,
                     "Take the defaults of this named segment of shardplan.toml or "
                     "[tool.shardplan] (docs/segments.md): paths, pytest args, shards, target, "
                     "overheads, timings; the command line's own options win");
  options.root = command.get_option("--root");
}

Result<bool> apply_segment(const FileSystem& fs, const SegmentOptions& options,
                           UniverseOptions& universe, TimingOptions& timing, CostOptions& cost,
                           SizingOptions& sizing, std::string* shards) {
  if (options.name.empty()) return true;
  auto config = find_project_config(fs, ".");
  if (!config) return config.error();
  auto found = find_segment(*config, options.name);
  if (!found) return found.error();
  const Segment& segment = **found;
  if (options.root == nullptr || options.root->count() == 0) universe.root = config->root;
  if (universe.include.empty()) universe.include = segment.include;
  if (universe.exclude.empty()) universe.exclude = segment.exclude;
  universe.pytest_args.insert(universe.pytest_args.begin(), segment.pytest_args.begin(),
                              segment.pytest_args.end());
  if (shards != nullptr && shards->empty()) {
    *shards = segment.shards ? std::to_string(*segment.shards) : "auto";
  }
  if (sizing.target.empty() && segment.target_seconds) {
    sizing.target = fmt::format("{}", *segment.target_seconds);
  }
  const auto& durations = segment.durations ? segment.durations : config->durations;
  if (timing.durations.empty() && timing.junit.empty() && durations) {
    timing.durations = join_path(config->root, *durations);
  }
  if (!cost.file_overhead) cost.file_overhead = segment.file_overhead;
  if (!cost.shard_overhead) cost.shard_overhead = segment.shard_overhead;
  return true;
}

}  // namespace shardplan::cli
