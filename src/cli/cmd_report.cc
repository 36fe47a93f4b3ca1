// shardplan report: renders a plan (and, given the run's JUnit reports, what it measured) as a
// self-contained HTML page, Markdown tables ($GITHUB_STEP_SUMMARY) or the chart alone as SVG.
#include <cstdio>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/reports.h"
#include "core/emit/report.h"
#include "core/timings/durations.h"

namespace shardplan::cli {
namespace {

struct ReportCommand {
  std::string plan;
  std::vector<std::string> junit;
  std::string durations;
  ReportFormat format = ReportFormat::html;
  std::string output = "-";
};

// Per-file work of the planned files as the planner saw it, given the same timings.
Result<std::vector<FileWork>> load_file_work(const FileSystem& fs, const std::string& path,
                                             const Plan& plan) {
  auto content = fs.read(path);
  if (!content) return content.error();
  auto timings = parse_durations_in_place(*content, path);
  if (!timings) return timings.error();
  return build_workload(planned_files(plan), &*timings).files;
}

// Every testcase of the reports, attributed to shards by the plan.
Result<Measured> load_measured(const FileSystem& fs, const std::vector<std::string>& patterns,
                               const Plan& plan) {
  auto reports = read_reports(fs, patterns, ModuleIndex(planned_files(plan)));
  if (!reports) return reports.error();
  std::size_t total = 0;
  for (const JunitReport& report : *reports) total += report.cases.size();
  std::vector<TestTiming> cases;
  cases.reserve(total);
  for (const JunitReport& report : *reports) {
    for (const JunitCase& test : report.cases)
      cases.push_back({std::string(test.id), test.seconds});
  }
  return measure_run(plan, cases);
}

int run_report(const ReportCommand& options) {
  const RealFileSystem fs;
  auto plan = load_plan(fs, options.plan);
  if (!plan) return fail(plan.error());
  ReportInput input;
  input.plan = &*plan;
  input.job_overhead = plan->shard_overhead;
  if (!options.durations.empty()) {
    auto files = load_file_work(fs, options.durations, *plan);
    if (!files) return fail(files.error());
    input.files = std::move(*files);
  }
  if (!options.junit.empty()) {
    auto measured = load_measured(fs, options.junit, *plan);
    if (!measured) return fail(measured.error());
    input.measured = std::move(*measured);
  }
  const std::string text = render_report(input, options.format);
  if (auto written = write_output(options.output, text); !written) return fail(written.error());
  return kExitOk;
}

}  // namespace

Runner setup_report(CLI::App& command) {
  auto options = std::make_shared<ReportCommand>();
  add_plan_option(command, options->plan);
  add_junit_option(command, options->junit,
                   "JUnit reports of a run of this plan (path or glob, '**' spans directories; "
                   "repeatable): measured seconds per shard, each test counted in the shard the "
                   "plan gives it");
  add_durations_option(command, options->durations,
                       "The .test_durations the plan was made from: per-file and per-test times "
                       "(the plan itself keeps only per-shard and per-slice times)");
  add_choice_option(command, "--format", options->format,
                    {{"html", ReportFormat::html},
                     {"markdown", ReportFormat::markdown},
                     {"svg", ReportFormat::svg}},
                    "html (default), markdown or svg (the chart alone)");
  add_output_option(command, options->output, "Output file; - (default) for stdout");
  return [options] { return run_report(*options); };
}

}  // namespace shardplan::cli
