#include "core/timings/merge.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <map>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace shardplan {
namespace {

struct Occurrence {
  const JunitCase* test;
  const JunitReport* report;
};

std::string where(const Occurrence& seen) {
  return fmt::format("{}:{}:{}", seen.report->source, seen.test->line, seen.test->column);
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t middle = values.size() / 2;
  if (values.size() % 2 == 1) return values[middle];
  return (values[middle - 1] + values[middle]) / 2;
}

double ema_of(const std::vector<double>& values, double alpha) {
  double smoothed = values.front();
  for (std::size_t i = 1; i < values.size(); ++i)
    smoothed = alpha * values[i] + (1 - alpha) * smoothed;
  return smoothed;
}

}  // namespace

Result<RunTimings> run_from_reports(const std::vector<JunitReport>& reports, std::string label) {
  std::vector<Occurrence> all;
  for (const JunitReport& report : reports) {
    for (const JunitCase& test : report.cases) {
      if (test.id.find("::") != std::string::npos) all.push_back({&test, &report});
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const Occurrence& a, const Occurrence& b) {
    return a.test->id < b.test->id;
  });
  RunTimings run{std::move(label), {}};
  run.tests.reserve(all.size());
  for (std::size_t i = 0; i < all.size(); ++i) {
    if (i > 0 && all[i].test->id == all[i - 1].test->id) {
      return error_at(all[i].report->source, all[i].test->line, all[i].test->column,
                      fmt::format("'{}' ran twice in run '{}': here and at {}; a run must run each "
                                  "test once (check the plan with 'shardplan audit')",
                                  all[i].test->id, run.label, where(all[i - 1])));
    }
    run.tests.push_back({all[i].test->id, all[i].test->seconds});
  }
  return run;
}

RunTimings run_from_timings(const Timings& timings, std::string label) {
  return RunTimings{std::move(label), timings.tests};
}

Result<bool> parse_smoothing(std::string_view text, MergeOptions& options) {
  if (text == "median") {
    options.smoothing = Smoothing::median;
    return true;
  }
  if (text.substr(0, 4) == "ema:") {
    const std::string_view number = text.substr(4);
    double alpha = 0;
    const auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), alpha);
    if (ec == std::errc() && end == number.data() + number.size() && alpha > 0 && alpha <= 1) {
      options.smoothing = Smoothing::ema;
      options.alpha = alpha;
      return true;
    }
  }
  return error_in(
      "", fmt::format("--smooth '{}' is not 'median' or 'ema:ALPHA' with 0 < ALPHA <= 1", text));
}

Timings merge_runs(const std::vector<RunTimings>& runs, const MergeOptions& options,
                   MergeStats* stats) {
  const std::size_t first =
      options.history > 0 && runs.size() > options.history ? runs.size() - options.history : 0;
  std::map<std::string_view, std::vector<double>> samples;
  for (std::size_t r = first; r < runs.size(); ++r) {
    for (const TestTiming& test : runs[r].tests) samples[test.id].push_back(test.seconds);
  }
  const std::vector<TestTiming>* newest = runs.empty() ? nullptr : &runs.back().tests;
  const auto in_newest = [newest](std::string_view id) {
    return std::binary_search(newest->begin(), newest->end(), TestTiming{std::string(id), 0},
                              [](const TestTiming& a, const TestTiming& b) { return a.id < b.id; });
  };
  Timings merged;
  MergeStats counted{runs.size() - first, 0};
  for (const auto& [id, values] : samples) {
    if (!options.keep_stale && !in_newest(id)) {
      ++counted.pruned;
      continue;
    }
    const double seconds =
        options.smoothing == Smoothing::median ? median_of(values) : ema_of(values, options.alpha);
    merged.tests.push_back({std::string(id), seconds});
  }
  if (stats) *stats = counted;
  return merged;
}

std::string format_seconds(double seconds) {
  std::string text = fmt::format("{:.6f}", seconds);
  while (text.size() > 1 && text.back() == '0' && text[text.size() - 2] != '.') text.pop_back();
  return text;
}

Result<std::string> durations_to_json(const Timings& timings) {
  std::string out = "{\n";
  for (std::size_t i = 0; i < timings.tests.size(); ++i) {
    const TestTiming& test = timings.tests[i];
    std::string key;
    try {
      key = nlohmann::json(test.id).dump();
    } catch (const nlohmann::json::exception&) {
      return error_in("", fmt::format("test id '{}' is not valid UTF-8", test.id));
    }
    out += fmt::format("    {}: {}{}\n", key, format_seconds(test.seconds),
                       i + 1 < timings.tests.size() ? "," : "");
  }
  out += "}\n";
  return out;
}

std::optional<Diagnostic> check_report_suite(const JunitReport& report,
                                             const std::vector<std::string>& universe) {
  if (universe.empty() || report.cases.empty()) return std::nullopt;
  for (const JunitCase& test : report.cases) {
    if (std::binary_search(universe.begin(), universe.end(), std::string(file_of(test.id)))) {
      return std::nullopt;
    }
  }
  const JunitCase& first = report.cases.front();
  return error_at(
      report.source, first.line, first.column,
      fmt::format("none of the {} tests in this report is in a test file under the root "
                  "(the first is '{}'): is it a report of another suite, or is --root "
                  "wrong?",
                  report.cases.size(), first.id));
}

}  // namespace shardplan
