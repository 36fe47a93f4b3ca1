// shardplan plan: reads the universe and timings, plans N shards (or the smallest N that meets
// --target with --shards auto), writes the plan JSON atomically (or to stdout) and a human
// summary to stderr; --format github-matrix prints the job matrix on stdout instead.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/cost_options.h"
#include "cli/plan_scope.h"
#include "cli/segment_options.h"
#include "core/ci/ci_env.h"
#include "core/ci/github.h"
#include "core/emit/plan_json.h"
#include "core/plan/duration.h"
#include "core/plan/recommend.h"
#include "core/timings/durations.h"
#include "core/verify/check.h"

namespace shardplan::cli {
namespace {

enum class PlanFormat { plan, github_matrix };

struct PlanCommand {
  UniverseOptions universe;
  TimingOptions timing;
  CostOptions cost;
  std::string shards;
  SizingOptions sizing;  // with --shards auto
  PlanFormat format = PlanFormat::plan;
  std::string output;
  std::vector<std::string> collected;
  SegmentOptions segment;  // --segment NAME: defaults from the project's configuration
};

// pytest records node ids relative to its rootdir; the plan's paths are relative to --root. When
// the config file (and so the rootdir) lies above --root, the timings' ids carry the path from
// there ("service/tests/test_a.py::t" for --root service): drop it so the timings meet the files.
void rebase_timings_on_root(Inputs& inputs) {
  const std::string& from_config = inputs.scope.root_from_config;
  if (!inputs.timings || from_config.empty() || from_config == "." ||
      from_config.compare(0, 2, "..") == 0)
    return;
  const std::string prefix = from_config + "/";
  std::vector<TestTiming>& tests = inputs.timings->tests;
  bool changed = false;
  for (TestTiming& test : tests) {
    if (test.id.compare(0, prefix.size(), prefix) == 0) {
      test.id.erase(0, prefix.size());
      changed = true;
    }
  }
  // An id recorded both ways keeps the entry that came later in the timings (sort_and_dedupe).
  if (changed) sort_and_dedupe(*inputs.timings);
}

// Doctest modules are planned when the timings know them; the others run in their hash shard.
void add_timed_doctest_modules(Inputs& inputs) {
  if (!inputs.timings || inputs.doctest_modules.empty()) return;
  const std::vector<std::string> timed = files_in_timings(*inputs.timings);
  std::vector<std::string> both;
  std::set_intersection(timed.begin(), timed.end(), inputs.doctest_modules.begin(),
                        inputs.doctest_modules.end(), std::back_inserter(both));
  if (both.empty()) return;
  both.insert(both.end(), inputs.universe.begin(), inputs.universe.end());
  std::sort(both.begin(), both.end());
  both.erase(std::unique(both.begin(), both.end()), both.end());
  inputs.universe = std::move(both);
}

// --collected: timings of tests that no longer exist would count as work and could leave a
// slice (and a shard) whose every test is gone.
Result<bool> keep_collected_only(const FileSystem& fs, const std::vector<std::string>& sources,
                                 Inputs& inputs) {
  if (sources.empty() || !inputs.timings) return true;
  auto ids = load_collected(fs, sources, ModuleIndex(known_files(inputs)));
  if (!ids) return ids.error();
  if (ids->empty()) {
    return error_in(sources.front(),
                    "--collected names no node ids: give the output of "
                    "'pytest --collect-only -q' or JUnit reports of a full run");
  }
  std::vector<TestTiming>& tests = inputs.timings->tests;
  const std::size_t before = tests.size();
  std::erase_if(tests, [&](const TestTiming& test) {
    return !std::binary_search(ids->begin(), ids->end(), test.id);
  });
  if (tests.size() != before) {
    note(fmt::format("--collected: {} timing entries name tests that were not collected; ignored",
                     before - tests.size()));
  }
  return true;
}

void warn_exposed(const Plan& plan, bool verified) {
  if (verified) return;
  for (const ExposedShard& shard : exposed_shards(plan)) {
    warn(exposed_warning(shard));
  }
}

void print_summary(const Plan& plan, const std::string& source) {
  const PlanStats& stats = plan.stats;
  if (plan.estimated) {
    note(
        fmt::format("no --durations given: every file weighs an estimated {} (plan is a guess; "
                    "record timings with pytest --store-durations or 'shardplan_pytest')",
                    seconds_text(kNoTimingsFileSeconds)));
  } else {
    note(fmt::format(
        "{}: {} tests timed in {} files; {} files untimed (estimated); {} stale entries "
        "ignored (files not in the universe)",
        source, stats.known_tests, stats.timed_files, stats.estimated_files, stats.stale_entries));
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

// N from --shards: a number, or "auto" = the smallest N whose makespan meets --target.
Result<int> shard_count(const PlanCommand& options, const Workload& work, const PlanOptions& base) {
  if (options.shards != "auto") {
    int n = 0;
    const auto [end, error] =
        std::from_chars(options.shards.data(), options.shards.data() + options.shards.size(), n);
    if (error != std::errc() || end != options.shards.data() + options.shards.size() || n < 1) {
      return error_in("", fmt::format("--shards '{}' is not a positive whole number or 'auto'",
                                      options.shards));
    }
    return n;
  }
  const SizingOptions& range = options.sizing;
  if (range.target.empty()) return error_in("", "--shards auto needs --target, e.g. --target 15m");
  auto target = parse_duration(range.target);
  if (!target) return target.error();
  const Sizing sizing = size_shards(work, base, range.min_shards, range.max_shards, *target);
  if (sizing.rows.empty()) return error_in("", "no shard count in --min..--max can be planned");
  if (sizing.meets_target) return *sizing.meets_target;
  warn(fmt::format("no N in {}..{} meets --target {}; using {} (predicted {})", range.min_shards,
                   sizing.rows.back().shards, range.target, sizing.rows.back().shards,
                   seconds_text(sizing.rows.back().makespan)));
  return sizing.rows.back().shards;
}

int run_plan(PlanCommand& options) {
  const RealFileSystem fs;
  if (options.format == PlanFormat::github_matrix &&
      (options.output.empty() || options.output == "-")) {
    return fail(error_in("",
                         "--format github-matrix prints the matrix on stdout: write the plan "
                         "with -o plan.json"),
                kExitUsage);
  }
  if (auto applied = apply_segment(fs, options.segment, options.universe, options.timing,
                                   options.cost, options.sizing, &options.shards);
      !applied) {
    return fail(applied.error());
  }
  if (options.shards.empty()) {
    return fail(error_in("", "give --shards N (or 'auto' with --target), or --segment NAME"),
                kExitUsage);
  }
  auto inputs = load_inputs(fs, options.universe, options.timing);
  if (!inputs) return fail(inputs.error());
  rebase_timings_on_root(*inputs);
  if (auto kept = keep_collected_only(fs, options.collected, *inputs); !kept)
    return fail(kept.error());
  add_timed_doctest_modules(*inputs);
  const PlanScope scope = inputs->scope;
  const Workload work = take_workload(*inputs);
  auto plan_opts = plan_options(fs, options.cost, 1);
  if (!plan_opts) return fail(plan_opts.error());  // a bad model file: invalid input
  plan_opts->scope = scope;
  auto shards = shard_count(options, work, *plan_opts);
  if (!shards) return fail(shards.error(), kExitUsage);
  plan_opts->shards = *shards;
  auto plan = make_plan(work, *plan_opts);
  if (!plan) return fail(plan.error(), kExitUsage);
  auto json = plan_to_json(*plan);
  if (!json) return fail(json.error());
  if (auto written = write_output(options.output, *json); !written) return fail(written.error());
  if (options.format == PlanFormat::github_matrix)
    fmt::print("{}", github_matrix(plan->shard_count));
  print_summary(*plan, options.timing.durations.empty() ? std::string("--junit reports")
                                                        : options.timing.durations);
  warn_exposed(*plan, !options.collected.empty());
  return kExitOk;
}

}  // namespace

Runner setup_plan(CLI::App& command) {
  auto options = std::make_shared<PlanCommand>();
  command.add_option("--shards,-n", options->shards,
                     "Number of shards N, or 'auto' (needs --target); required unless --segment "
                     "gives it");
  add_sizing_options(command, options->sizing, SizingUse::plan_auto);
  add_universe_options(command, options->universe);
  add_pytest_args(command, options->universe);
  add_timing_options(command, options->timing);
  add_cost_options(command, options->cost);
  add_choice_option(command, "--format", options->format,
                    {{"plan", PlanFormat::plan}, {"github-matrix", PlanFormat::github_matrix}},
                    "plan (default: the plan JSON) or github-matrix (the plan goes to -o; stdout "
                    "gets {\"include\":[{\"shard\":1},...]} for fromJSON)");
  add_output_option(command, options->output, "Write the plan here (default: stdout)");
  add_collected_option(command, options->collected,
                       "Node ids that exist now: the output of 'pytest --collect-only -q' or "
                       "JUnit reports of a full run (repeatable). Timings of other tests are "
                       "ignored, so no slice is made of tests that are gone");
  command.footer(
      "Cost model: a shard's predicted seconds = --shard-overhead + for each file or slice it "
      "collects, the file overhead + its tests' durations.\nUntimed files are estimated: the "
      "mean of timed files in the same directory, else in the nearest parent directory with "
      "timed files, else the median timed file. With no --durations every file weighs 1 s.\n"
      "Exit codes: 0 ok; 1 invalid input; 2 usage error or more shards than the suite can fill.");
  add_segment_option(command, options->segment);
  return [options] { return run_plan(*options); };
}

}  // namespace shardplan::cli
