// shardplan merge: turns the JUnit reports of one or more CI runs (each --junit GLOB is one
// run, oldest first) and an optional older .test_durations into an updated .test_durations,
// written atomically: a failing merge leaves the old file untouched.
#include <algorithm>
#include <iterator>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/reports.h"
#include "cli/segment_options.h"
#include "core/scope.h"
#include "core/timings/durations.h"
#include "core/timings/merge.h"

namespace shardplan::cli {
namespace {

struct MergeCommand {
  UniverseOptions universe;
  std::vector<std::string> runs;  // one --junit GLOB per run, oldest first
  std::string durations;
  std::size_t history = 0;
  std::string smooth = "median";
  bool keep_stale = false;
  std::string output;
  SegmentOptions segment;
};

// --segment NAME: the segment's timings file unless --durations is given, its paths as the
// universe; and what the segment did not run is not its to prune: old entries outside its paths
// stay as they are (another segment's tests in a shared timings file).
struct SegmentScope {
  std::vector<std::string> include, exclude;
  bool active = false;
  bool contains(std::string_view id) const {
    const std::string_view file = file_of(id);
    return (include.empty() || is_included(file, include)) && !is_excluded(file, exclude);
  }
};

Result<SegmentScope> apply_merge_segment(const FileSystem& fs, MergeCommand& options) {
  SegmentScope scope;
  if (options.segment.name.empty()) return scope;
  TimingOptions timing{options.durations, {}};
  CostOptions cost;
  SizingOptions sizing;
  if (auto applied =
          apply_segment(fs, options.segment, options.universe, timing, cost, sizing, nullptr);
      !applied) {
    return applied.error();
  }
  options.durations = timing.durations;
  scope.include = options.universe.include;
  scope.exclude = options.universe.exclude;
  scope.active = true;
  return scope;
}

// Everything the runs' views point into, kept together for as long as the runs are used.
struct LoadedRuns {
  std::optional<Timings> old;
  std::vector<std::vector<JunitReport>> reports;  // per --junit
  std::vector<RunView> runs;                      // oldest first
};

Result<bool> read_run(const FileSystem& fs, const std::string& pattern, const ModuleIndex& index,
                      const std::vector<std::string>& universe, LoadedRuns& loaded) {
  auto reports = read_reports(fs, pattern, index);
  if (!reports) return reports.error();
  for (const JunitReport& report : *reports) {
    if (auto foreign = check_report_suite(report, universe)) return *foreign;
  }
  loaded.reports.push_back(std::move(*reports));
  auto run = run_view_from_reports(loaded.reports.back(), pattern);
  if (!run) return run.error();
  loaded.runs.push_back(std::move(*run));
  return true;
}

Result<bool> read_runs(const FileSystem& fs, const MergeCommand& options, LoadedRuns& loaded) {
  if (!options.durations.empty()) {
    auto content = fs.read(options.durations);
    if (!content) return content.error();
    auto parsed = parse_durations_in_place(*content, options.durations);
    if (!parsed) return parsed.error();
    loaded.old = std::move(*parsed);
    loaded.runs.push_back(run_view_from_timings(*loaded.old, options.durations));
  }
  auto universe = load_universe(fs, options.universe, loaded.old ? &*loaded.old : nullptr);
  if (!universe) return universe.error();
  const ModuleIndex index(*universe);
  loaded.reports.reserve(options.runs.size());
  for (const std::string& pattern : options.runs) {
    if (auto run = read_run(fs, pattern, index, *universe, loaded); !run) return run.error();
  }
  return true;
}

// Old entries outside the segment's scope, taken out of the old run before the merge.
std::vector<TimedId> set_aside_outside(LoadedRuns& loaded, const SegmentScope& scope) {
  std::vector<TimedId> outside;
  if (!scope.active || !loaded.old || loaded.runs.empty()) return outside;
  std::vector<TimedId>& old = loaded.runs.front().tests;  // the --durations run comes first
  std::vector<TimedId> inside;
  for (const TimedId& test : old) (scope.contains(test.id) ? inside : outside).push_back(test);
  old = std::move(inside);
  return outside;
}

Result<bool> write_durations(const std::string& path, const std::vector<TimedId>& tests) {
  StreamedOutput output(path);
  auto written =
      write_durations_json(tests, [&](std::string_view piece) { return output.write(piece); });
  if (!written) return written.error();
  return output.commit();
}

int run_merge(MergeCommand& options) {
  MergeOptions merge;
  merge.history = options.history;
  merge.keep_stale = options.keep_stale;
  if (auto smoothing = parse_smoothing(options.smooth, merge); !smoothing) {
    return fail(smoothing.error(), kExitUsage);
  }
  const RealFileSystem fs;
  auto scope = apply_merge_segment(fs, options);
  if (!scope) return fail(scope.error());
  LoadedRuns loaded;
  if (auto read = read_runs(fs, options, loaded); !read) return fail(read.error());
  const std::vector<TimedId> outside = set_aside_outside(loaded, *scope);
  MergeStats stats;
  std::vector<TimedId> merged = merge_run_views(loaded.runs, merge, &stats);
  if (!outside.empty()) {
    std::vector<TimedId> all;
    all.reserve(merged.size() + outside.size());
    std::merge(merged.begin(), merged.end(), outside.begin(), outside.end(),
               std::back_inserter(all),
               [](const TimedId& a, const TimedId& b) { return a.id < b.id; });
    merged = std::move(all);
  }
  if (auto written = write_durations(options.output, merged); !written)
    return fail(written.error());
  note(fmt::format("merged {} of {} runs: {} tests timed, {} not run by the newest run {}",
                   stats.runs_used, loaded.runs.size(), merged.size(), stats.pruned,
                   options.keep_stale ? "(kept: --keep-stale)" : "(pruned)"));
  if (scope->active) {
    note(fmt::format("--segment {}: {} entries outside its paths kept as they were",
                     options.segment.name, outside.size()));
  }
  return kExitOk;
}

}  // namespace

Runner setup_merge(CLI::App& command) {
  auto options = std::make_shared<MergeCommand>();
  add_junit_option(command, options->runs,
                   "JUnit XML reports of one CI run: a path or glob ('**' spans directories). "
                   "Repeat for more runs, oldest first")
      ->required();
  add_durations_option(command, options->durations,
                       "Existing .test_durations: the oldest run of the history");
  command.add_option("--history", options->history, "Use only the newest K runs (default: all)")
      ->check(CLI::PositiveNumber);
  command.add_option(
      "--smooth", options->smooth,
      "Per-test smoothing across runs: median (default) or ema:ALPHA (0 < ALPHA <= 1, "
      "the weight of each newer run)");
  command.add_flag("--keep-stale", options->keep_stale,
                   "Keep tests the newest run did not run (default: drop them)");
  add_output_option(command, options->output, "Durations file to write (- for stdout)")->required();
  add_universe_options(command, options->universe);
  add_segment_option(command, options->segment);
  command.footer(
      "Each --junit is one CI run: the reports of all its jobs. Within a run each test's time "
      "comes from the job that ran it; a test that ran twice in one run is an error. pytest's "
      "default xunit2 reports name no file: test files are found by matching the dotted classname "
      "against the test files under --root. Output is pytest-split's .test_durations (sorted, "
      "one entry per line), written atomically.\nExit codes: 0 ok; 1 invalid input (the output "
      "file is left untouched); 2 usage error.");
  return [options] { return run_merge(*options); };
}

}  // namespace shardplan::cli
