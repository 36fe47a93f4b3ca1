#include "cli/reports.h"

#include <cstdio>

#include <fmt/format.h>

#include "cli/common.h"
#include "core/glob.h"
#include "core/timings/merge.h"

namespace shardplan::cli {

namespace {

// Sets `gave_up` when the fast parser met something only expat reads.
Result<JunitReport> read_with(const FileSystem& fs, const std::string& path,
                              const ModuleIndex& index, XmlParser parser, bool& gave_up) {
  JunitReader reader(path, index, parser);
  auto streamed =
      fs.read_chunks(path, 4 << 20, [&](std::string_view chunk) { return reader.feed(chunk); });
  if (!streamed) return streamed.error();
  auto report = reader.finish();
  gave_up = reader.gave_up();
  return report;
}

}  // namespace

Result<JunitReport> read_report(const FileSystem& fs, const std::string& path,
                                const ModuleIndex& index) {
  bool gave_up = false;
  auto report = read_with(fs, path, index, XmlParser::fast, gave_up);
  if (!gave_up) return report;
  return read_with(fs, path, index, XmlParser::expat, gave_up);
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
  auto run = run_view_from_reports(reports, "--junit");
  if (!run) return run.error();
  std::vector<RunView> runs;
  if (older) runs.push_back(run_view_from_timings(*older, "--durations"));
  runs.push_back(std::move(*run));
  MergeOptions newest_wins;
  newest_wins.smoothing = Smoothing::ema;
  newest_wins.alpha = 1;
  newest_wins.keep_stale = true;
  Timings merged;
  const std::vector<TimedId> tests = merge_run_views(runs, newest_wins);
  merged.tests.reserve(tests.size());
  for (const TimedId& test : tests) merged.tests.push_back({std::string(test.id), test.seconds});
  if (older) merged.skipped_invalid = older->skipped_invalid;
  return merged;
}

StreamedOutput::StreamedOutput(std::string path) {
  if (!path.empty() && path != "-") file_.emplace(std::move(path));
}

bool StreamedOutput::write(std::string_view piece) {
  if (file_) return file_->write(piece);
  held_ += piece;  // held back until commit: a failed run prints nothing
  return true;
}

Result<bool> StreamedOutput::commit() {
  if (file_) return file_->commit();
  std::fwrite(held_.data(), 1, held_.size(), stdout);
  if (std::fflush(stdout) != 0) return error_in("<stdout>", "write failed");
  return true;
}

void warn_unresolved(const JunitReport& report) {
  if (report.unresolved == 0 || !report.first_unresolved) return;
  warn(
      fmt::format("{} ({} such testcases ignored; pytest's xunit2 reports name no file, so "
                  "shardplan looks classnames up among the test files under --root)",
                  report.first_unresolved->format(), report.unresolved));
}

}  // namespace shardplan::cli
