// shardplan calibrate: fits the per-job and per-file overheads to a finished run (each shard's
// wall time, plus its JUnit reports for the test seconds) and writes a model for plan --model.
#include <charconv>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/reports.h"
#include "core/emit/report.h"
#include "core/plan/calibrate.h"
#include "core/plan/cost_model.h"

namespace shardplan::cli {
namespace {

struct CalibrateCommand {
  std::string plan;
  std::vector<std::string> walls;  // I=SECONDS
  std::string walls_file;          // {"1": 12.5, ...}
  std::vector<std::string> junit;
  std::string output;
};

Result<std::map<int, double>> parse_walls(const CalibrateCommand& options, const FileSystem& fs) {
  std::map<int, double> walls;
  for (const std::string& item : options.walls) {
    const auto equals = item.find('=');
    int shard = 0;
    double seconds = -1;
    const bool ok = equals != std::string::npos &&
                    std::from_chars(item.data(), item.data() + equals, shard).ec == std::errc() &&
                    std::from_chars(item.data() + equals + 1, item.data() + item.size(), seconds).ec ==
                        std::errc() && seconds >= 0;
    if (!ok) return error_in("", fmt::format("--wall '{}' is not I=SECONDS (e.g. --wall 2=431.5)", item));
    walls[shard] = seconds;
  }
  if (!options.walls_file.empty()) {
    auto content = fs.read(options.walls_file);
    if (!content) return content.error();
    const auto json = nlohmann::json::parse(*content, nullptr, false);
    if (!json.is_object()) {
      return error_in(options.walls_file, "expected a JSON object {\"1\": seconds, \"2\": seconds, ...}");
    }
    for (const auto& [key, value] : json.items()) {
      int shard = 0;
      if (std::from_chars(key.data(), key.data() + key.size(), shard).ec != std::errc() ||
          !value.is_number() || value.get<double>() < 0) {
        return error_in(options.walls_file, fmt::format("entry '{}': expected \"I\": seconds", key));
      }
      walls[shard] = value.get<double>();
    }
  }
  return walls;
}

// Test seconds per shard: measured from the JUnit reports, else what the plan predicted.
Result<std::vector<double>> test_seconds(const CalibrateCommand& options, const FileSystem& fs,
                                         const Plan& plan) {
  std::vector<double> seconds;
  if (options.junit.empty()) {
    for (const Shard& shard : plan.shards) {
      const auto pieces = static_cast<double>(shard.files.size() + shard.slices.size());
      seconds.push_back(shard.predicted_seconds - plan.shard_overhead - plan.file_overhead * pieces);
    }
    return seconds;
  }
  auto timings = junit_timings(fs, options.junit, planned_files(plan), std::nullopt);
  if (!timings) return timings.error();
  return measure_run(plan, timings->tests).shard_seconds;
}

Result<std::vector<ShardObservation>> observations(const CalibrateCommand& options,
                                                   const FileSystem& fs, const Plan& plan) {
  auto walls = parse_walls(options, fs);
  if (!walls) return walls.error();
  auto tests = test_seconds(options, fs, plan);
  if (!tests) return tests.error();
  std::vector<ShardObservation> points;
  for (const auto& [shard, wall] : *walls) {
    if (shard < 1 || shard > plan.shard_count) {
      return error_in("", fmt::format("wall time for shard {}, but the plan has shards 1 to {}",
                                      shard, plan.shard_count));
    }
    const Shard& planned = plan.shards[static_cast<std::size_t>(shard - 1)];
    points.push_back({shard, wall, (*tests)[static_cast<std::size_t>(shard - 1)],
                      planned.files.size() + planned.slices.size()});
  }
  if (points.size() < 2) return error_in("", "give the wall time of at least 2 shards (--wall I=SECONDS)");
  return points;
}

int run_calibrate(const CalibrateCommand& options) {
  const RealFileSystem fs;
  auto plan = load_plan(fs, options.plan);
  if (!plan) return fail(plan.error());
  auto points = observations(options, fs, *plan);
  if (!points) return fail(points.error(), kExitUsage);
  const OverheadFit fit = fit_overheads(*points);
  fmt::print("per-job overhead   {}\nper-file overhead  {}{}\nfit over {} shards: rms error {}, "
             "max error {}\n", seconds_text(fit.shard_overhead), seconds_text(fit.file_overhead),
             fit.file_overhead_identified ? "" : " (not identified: every shard collected as many files)",
             points->size(), seconds_text(fit.rms_error), seconds_text(fit.max_error));
  const std::string model = cost_model_to_json(CostModel{fit.shard_overhead, fit.file_overhead, {}});
  if (auto written = write_output(options.output, model); !written) return fail(written.error());
  return kExitOk;
}

}  // namespace

Runner setup_calibrate(CLI::App& command) {
  auto options = std::make_shared<CalibrateCommand>();
  command.add_option("--plan", options->plan, "The plan the run used")->required();
  command.add_option("--wall", options->walls, "Shard I took SECONDS of wall time: I=SECONDS (repeatable)");
  command.add_option("--walls", options->walls_file, "JSON object of wall times: {\"1\": 431.5, ...}");
  command.add_option("--junit", options->junit,
                     "The run's JUnit reports (glob, repeatable); without them the plan's own "
                     "test predictions are used");
  command.add_option("-o,--output", options->output, "Write the model here (default: stdout)");
  command.footer("Fits wall = per-job + per-file x files + test seconds by least squares with "
                 "both overheads >= 0.\nExit codes: 0 ok; 1 invalid input; 2 usage error.");
  return [options] { return run_calibrate(*options); };
}

}  // namespace shardplan::cli
