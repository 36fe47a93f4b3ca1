#include "cli/reports.h"

#include <fmt/format.h>

#include "cli/common.h"
#include "core/glob.h"
#include "core/timings/merge.h"

namespace shardplan::cli {

Result<JunitReport> read_report(const FileSystem& fs, const std::string& path,
                                const ModuleIndex& index) {
  JunitReader reader(path, index);
  auto streamed =
      fs.read_chunks(path, 1 << 20, [&](std::string_view chunk) { return reader.feed(chunk); });
  if (!streamed) return streamed.error();
  return reader.finish();
}

Result<std::vector<JunitReport>> read_reports(const FileSystem& fs, const std::string& pattern,
                                              const ModuleIndex& index) {
  auto paths = expand_glob(fs, pattern);
  if (!paths) return paths.error();
  std::vector<JunitReport> reports;
  for (const std::string& path : *paths) {
    auto report = read_report(fs, path, index);
    if (!report) return report.error();
    warn_unresolved(*report);
    reports.push_back(std::move(*report));
  }
  return reports;
}

Result<std::vector<JunitReport>> read_reports(const FileSystem& fs,
                                              const std::vector<std::string>& patterns,
                                              const ModuleIndex& index) {
  std::vector<JunitReport> reports;
  for (const std::string& pattern : patterns) {
    auto found = read_reports(fs, pattern, index);
    if (!found) return found.error();
    for (JunitReport& report : *found) reports.push_back(std::move(report));
  }
  return reports;
}

Result<Timings> junit_timings(const FileSystem& fs, const std::vector<std::string>& patterns,
                              const std::vector<std::string>& universe,
                              std::optional<Timings> older) {
  const ModuleIndex index(universe);
  std::vector<JunitReport> reports;
  for (const std::string& pattern : patterns) {  // a foreign suite stops before the next pattern
    auto found = read_reports(fs, pattern, index);
    if (!found) return found.error();
    for (JunitReport& report : *found) {
      if (auto foreign = check_report_suite(report, universe)) return *foreign;
      reports.push_back(std::move(report));
    }
  }
  auto run = run_from_reports(reports, "--junit");
  if (!run) return run.error();
  std::vector<RunTimings> runs;
  if (older) runs.push_back(run_from_timings(*older, "--durations"));
  runs.push_back(std::move(*run));
  MergeOptions newest_wins;
  newest_wins.smoothing = Smoothing::ema;
  newest_wins.alpha = 1;
  newest_wins.keep_stale = true;
  Timings merged = merge_runs(runs, newest_wins);
  if (older) merged.skipped_invalid = older->skipped_invalid;
  return merged;
}

void warn_unresolved(const JunitReport& report) {
  if (report.unresolved == 0 || !report.first_unresolved) return;
  warn(
      fmt::format("{} ({} such testcases ignored; pytest's xunit2 reports name no file, so "
                  "shardplan looks classnames up among the test files under --root)",
                  report.first_unresolved->format(), report.unresolved));
}

}  // namespace shardplan::cli
