// shardplan plan: reads the universe and timings, plans N shards, writes the plan JSON
// atomically (or to stdout) and a human summary to stderr.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/emit/plan_json.h"
#include "core/plan/planner.h"

namespace shardplan::cli {
namespace {

struct PlanCommand {
  UniverseOptions universe;
  TimingOptions timing;
  int shards = 0;
  double file_overhead = kDefaultFileOverhead;
  bool no_split = false;
  std::string output;
};

void print_summary(const Plan& plan, const std::string& durations) {
  const PlanStats& stats = plan.stats;
  if (plan.estimated) {
    note(fmt::format("no --durations given: every file weighs an estimated {} (plan is a guess; "
                     "record timings with pytest --store-durations or 'shardplan_pytest')",
                     seconds_text(kNoTimingsFileSeconds)));
  } else {
    note(fmt::format("{}: {} tests timed in {} files; {} files untimed (estimated); {} stale entries "
                     "ignored (files not in the universe)", durations, stats.known_tests,
                     stats.timed_files, stats.estimated_files, stats.stale_entries));
  }
  fmt::print(stderr, "  shard  files  slices   predicted\n");
  for (const Shard& shard : plan.shards) {
    fmt::print(stderr, "  {:>5}  {:>5}  {:>6}  {:>10}\n", shard.index, shard.files.size(),
               shard.slices.size(), seconds_text(shard.predicted_seconds));
  }
  fmt::print(stderr, "  makespan {}, lower bound {} ({:.3f}x); digest {}\n",
             seconds_text(plan.makespan), seconds_text(plan.lower_bound),
             plan.lower_bound > 0 ? plan.makespan / plan.lower_bound : 1.0, plan.inputs_digest);
}

int run_plan(const PlanCommand& options) {
  const RealFileSystem fs;
  auto inputs = load_inputs(fs, options.universe, options.timing);
  if (!inputs) return fail(inputs.error());
  const Workload work = inputs->timings ? build_workload(inputs->universe, std::move(*inputs->timings))
                                        : build_workload(inputs->universe, nullptr);
  auto plan = make_plan(work, PlanOptions{options.shards, options.file_overhead, !options.no_split});
  if (!plan) return fail(plan.error(), kExitUsage);
  auto json = plan_to_json(*plan);
  if (!json) return fail(json.error());
  if (options.output.empty() || options.output == "-") {
    fmt::print("{}", *json);
  } else if (auto written = write_file_atomic(options.output, *json); !written) {
    return fail(written.error());
  }
  print_summary(*plan, options.timing.durations.empty() ? std::string("--junit reports")
                                                       : options.timing.durations);
  return kExitOk;
}

}  // namespace

Runner setup_plan(CLI::App& command) {
  auto options = std::make_shared<PlanCommand>();
  command.add_option("--shards,-n", options->shards, "Number of shards N")
      ->required()
      ->check(CLI::Range(1, 100000));
  add_universe_options(command, options->universe);
  add_timing_options(command, options->timing);
  command.add_option("--file-overhead", options->file_overhead,
                     fmt::format("Seconds charged each time a shard collects a file or a slice "
                                 "(import, collection, module fixtures; default {})",
                                 kDefaultFileOverhead))
      ->check(CLI::Range(0.0, 86400.0));
  command.add_flag("--no-split", options->no_split,
                   "Plan whole files only (never split a file's tests across shards)");
  command.add_option("-o,--output", options->output, "Write the plan here (default: stdout)");
  command.footer(
      "Untimed files are estimated: the mean of timed files in the same directory, else in the "
      "nearest parent directory with timed files, else the median timed file. With no "
      "--durations every file weighs 1 s.\nExit codes: 0 ok; 1 invalid input; 2 usage error or "
      "more shards than the suite can fill.");
  return [options] { return run_plan(*options); };
}

}  // namespace shardplan::cli
