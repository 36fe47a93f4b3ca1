// shardplan recommend: a table over candidate shard counts of predicted wall-clock, runner
// time and efficiency, marking the smallest N that meets --target and the point of
// diminishing returns.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/cost_options.h"
#include "cli/segment_options.h"
#include "core/ci/ci_env.h"
#include "core/plan/recommend.h"

namespace shardplan::cli {
namespace {

struct RecommendCommand {
  UniverseOptions universe;
  TimingOptions timing;
  CostOptions cost;
  SizingOptions sizing;
  SegmentOptions segment;
};

std::string minutes_text(double seconds) {
  return seconds < 120 ? seconds_text(seconds) : fmt::format("{:.1f} min", seconds / 60);
}

void print_table(const Sizing& sizing, const std::string& target) {
  fmt::print("{:>6}  {:>12}  {:>14}  {:>10}  {}\n", "shards", "wall-clock", "runner time",
             "efficiency", "");
  for (const SizingRow& row : sizing.rows) {
    std::string marks;
    if (sizing.meets_target == row.shards) marks += fmt::format("<- smallest N within {}", target);
    if (sizing.knee == row.shards) {
      marks += fmt::format("{}<- more jobs buy < {:.0f}% wall-clock", marks.empty() ? "" : "  ",
                           kKneeGain * 100);
    }
    fmt::print("{:>6}  {:>12}  {:>14}  {:>9.1f}%  {}\n", row.shards, minutes_text(row.makespan),
               minutes_text(row.total_seconds), row.efficiency * 100, marks);
  }
  if (!target.empty() && !sizing.meets_target) {
    fmt::print("no shard count in this range meets {}\n", target);
  }
}

int run_recommend(RecommendCommand& options) {
  const RealFileSystem fs;
  if (auto applied = apply_segment(fs, options.segment, options.universe, options.timing,
                                   options.cost, options.sizing, nullptr);
      !applied) {
    return fail(applied.error());
  }
  const SizingOptions& sizing = options.sizing;
  auto target = target_seconds(sizing);
  if (!target) return fail(target.error(), kExitUsage);
  if (sizing.min_shards > sizing.max_shards) {
    return fail(error_in("", "--min is larger than --max"), kExitUsage);
  }
  auto inputs = load_inputs(fs, options.universe, options.timing);
  if (!inputs) return fail(inputs.error());
  const Workload work = take_workload(*inputs);
  if (work.files.empty()) return fail(error_in("", "no test files to plan"));
  auto base = plan_options(fs, options.cost, 1);
  if (!base) return fail(base.error());  // a bad model file: invalid input
  print_table(size_shards(work, *base, sizing.min_shards, sizing.max_shards, *target),
              sizing.target);
  return kExitOk;
}

}  // namespace

Runner setup_recommend(CLI::App& command) {
  auto options = std::make_shared<RecommendCommand>();
  add_sizing_options(command, options->sizing, SizingUse::recommend);
  add_universe_options(command, options->universe);
  add_timing_options(command, options->timing);
  add_cost_options(command, options->cost);
  add_segment_option(command, options->segment);
  command.footer(
      "Wall-clock is the predicted makespan including --shard-overhead; runner time is "
      "the sum over jobs; efficiency is test and file time over N x makespan.\nExit "
      "codes: 0 ok; 1 invalid input; 2 usage error.");
  return [options] { return run_recommend(*options); };
}

}  // namespace shardplan::cli
