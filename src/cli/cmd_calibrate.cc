// shardplan calibrate: fits the per-job and per-file overheads to a finished run (each shard's
// wall time, plus its JUnit reports for the test seconds) and writes a model for plan --model.
#include <charconv>
#include <cmath>
#include <optional>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/reports.h"
#include "core/emit/report.h"
#include "core/json_error.h"
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

using Walls = std::map<int, double>;  // shard index -> wall seconds

// The whole of `text` as a number, or nothing (from_chars alone accepts "5abc" as 5).
template <class Number>
std::optional<Number> whole_number(std::string_view text) {
  Number number{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return number;
}

std::string shard_range_error(int shard, int shard_count) {
  return fmt::format("wall time for shard {}, but the plan has shards 1 to {}", shard, shard_count);
}

// --wall I=SECONDS, repeatable. Its errors are usage errors.
Result<Walls> walls_from_flags(const std::vector<std::string>& items, int shard_count) {
  Walls walls;
  for (const std::string& item : items) {
    const auto equals = item.find('=');
    const std::string_view text(item);
    const auto shard =
        equals == std::string::npos ? std::nullopt : whole_number<int>(text.substr(0, equals));
    const auto seconds =
        equals == std::string::npos ? std::nullopt : whole_number<double>(text.substr(equals + 1));
    if (!shard || !seconds || !std::isfinite(*seconds) || *seconds < 0) {
      return error_in("",
                      fmt::format("--wall '{}' is not I=SECONDS with I a shard number and SECONDS "
                                  "a non-negative number (e.g. --wall 2=431.5)",
                                  item));
    }
    if (*shard < 1 || *shard > shard_count) {
      return error_in("", "--wall: " + shard_range_error(*shard, shard_count));
    }
    walls[*shard] = *seconds;
  }
  return walls;
}

// Where entry `key` of the object in `content` starts (1-based line and column), searching
// from `from` and moving it past the key; {0, 0} when the key is written with escapes.
std::pair<int, int> locate_key(std::string_view content, const std::string& key,
                               std::size_t& from) {
  const std::string quoted = nlohmann::json(key).dump();
  for (auto at = content.find(quoted, from); at != std::string_view::npos;
       at = content.find(quoted, at + 1)) {
    const auto after = content.find_first_not_of(" \t\r\n", at + quoted.size());
    if (after != std::string_view::npos && content[after] == ':') {
      from = after;
      return line_column(content, at);
    }
  }
  return {0, 0};
}

// The --walls file: a JSON object {"I": seconds, ...}. Its errors are invalid input and name
// the line and column.
Result<Walls> walls_from_file(std::string_view content, const std::string& source,
                              int shard_count) {
  if (Diagnostic located = locate_json_error(content, source); !located.message.empty()) {
    return located;
  }
  const auto json = nlohmann::ordered_json::parse(content, nullptr, false);
  if (!json.is_object()) {
    return error_at(source, 1, 1, "expected a JSON object {\"1\": seconds, \"2\": seconds, ...}");
  }
  Walls walls;
  std::size_t cursor = 0;
  for (const auto& [key, value] : json.items()) {
    const auto [line, column] = locate_key(content, key, cursor);
    const auto shard = whole_number<int>(key);
    if (!shard || !value.is_number() || value.get<double>() < 0) {
      return error_at(
          source, line, column,
          fmt::format("entry \"{}\": expected \"I\": seconds, with I a shard number and "
                      "seconds a non-negative number",
                      key));
    }
    if (*shard < 1 || *shard > shard_count) {
      return error_at(source, line, column, shard_range_error(*shard, shard_count));
    }
    walls[*shard] = value.get<double>();
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
      seconds.push_back(shard.predicted_seconds - plan.shard_overhead -
                        plan.file_overhead * pieces);
    }
    return seconds;
  }
  auto timings = junit_timings(fs, options.junit, planned_files(plan), std::nullopt);
  if (!timings) return timings.error();
  return measure_run(plan, timings->tests).shard_seconds;
}

std::vector<ShardObservation> observations(const Plan& plan, const Walls& walls,
                                           const std::vector<double>& tests) {
  std::vector<ShardObservation> points;
  for (const auto& [shard, wall] : walls) {
    const auto index = static_cast<std::size_t>(shard - 1);
    const Shard& planned = plan.shards[index];
    points.push_back({shard, wall, tests[index], planned.files.size() + planned.slices.size()});
  }
  return points;
}

// The wall times of the --walls file (invalid input: exit 1), then of --wall (usage: exit 2),
// the flags replacing the file's value for the shards they name.
int read_walls(const CalibrateCommand& options, const FileSystem& fs, int shard_count,
               Walls& walls) {
  if (!options.walls_file.empty()) {
    auto content = fs.read(options.walls_file);
    if (!content) return fail(content.error());
    auto from_file = walls_from_file(*content, options.walls_file, shard_count);
    if (!from_file) return fail(from_file.error());
    walls = std::move(*from_file);
  }
  auto from_flags = walls_from_flags(options.walls, shard_count);
  if (!from_flags) return fail(from_flags.error(), kExitUsage);
  for (const auto& [shard, wall] : *from_flags) walls[shard] = wall;
  if (walls.size() < 2) {
    return fail(error_in("", "give the wall time of at least 2 shards (--wall I=SECONDS)"),
                kExitUsage);
  }
  return kExitOk;
}

int run_calibrate(const CalibrateCommand& options) {
  const RealFileSystem fs;
  auto plan = load_plan(fs, options.plan);
  if (!plan) return fail(plan.error());
  Walls walls;
  if (const int code = read_walls(options, fs, plan->shard_count, walls); code != kExitOk)
    return code;
  auto tests = test_seconds(options, fs, *plan);
  if (!tests) return fail(tests.error());
  const std::vector<ShardObservation> points = observations(*plan, walls, *tests);
  const OverheadFit fit = fit_overheads(points);
  fmt::print(
      "per-job overhead   {}\nper-file overhead  {}{}\nfit over {} shards: rms error {}, "
      "max error {}\n",
      seconds_text(fit.shard_overhead), seconds_text(fit.file_overhead),
      fit.file_overhead_identified ? "" : " (not identified: every shard collected as many files)",
      points.size(), seconds_text(fit.rms_error), seconds_text(fit.max_error));
  const std::string model =
      cost_model_to_json(CostModel{fit.shard_overhead, fit.file_overhead, {}});
  if (auto written = write_output(options.output, model); !written) return fail(written.error());
  return kExitOk;
}

}  // namespace

Runner setup_calibrate(CLI::App& command) {
  auto options = std::make_shared<CalibrateCommand>();
  add_plan_option(command, options->plan, "The plan the run used");
  command.add_option("--wall", options->walls,
                     "Shard I took SECONDS of wall time: I=SECONDS (repeatable)");
  command.add_option("--walls", options->walls_file,
                     "JSON object of wall times: {\"1\": 431.5, ...}");
  add_junit_option(command, options->junit,
                   "The run's JUnit reports (glob, repeatable); without them the plan's own "
                   "test predictions are used");
  add_output_option(command, options->output, "Write the model here (default: stdout)");
  command.footer(
      "Fits wall = per-job + per-file x files + test seconds by least squares with "
      "both overheads >= 0.\nExit codes: 0 ok; 1 invalid input; 2 usage error.");
  return [options] { return run_calibrate(*options); };
}

}  // namespace shardplan::cli
