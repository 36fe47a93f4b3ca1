#include "core/timings/merge.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdint>
#include <iterator>
#include <unordered_map>

#include <fmt/format.h>

namespace shardplan {
namespace {

struct Occurrence {
  const JunitCase* test;
  const JunitReport* report;
};

std::string where(const Occurrence& seen) {
  return fmt::format("{}:{}:{}", seen.report->source, seen.test->line, seen.test->column);
}

double median_of(std::vector<double>& values) {
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

bool id_order(const Occurrence& a, const Occurrence& b) {
  return a.test->id < b.test->id;
}

// Whether file a + "::" sorts before file b + "::" (the order of their tests' ids).
bool file_key_less(std::string_view a, std::string_view b) {
  const std::size_t common = std::min(a.size(), b.size());
  if (const int order = a.substr(0, common).compare(b.substr(0, common)); order != 0)
    return order < 0;
  const auto at = [](std::string_view file, std::size_t i) {
    return static_cast<unsigned char>(i < file.size() ? file[i] : ':');
  };
  const std::size_t end = std::max(a.size(), b.size()) + 2;
  for (std::size_t i = common; i < end; ++i) {
    if (at(a, i) != at(b, i)) return at(a, i) < at(b, i);
  }
  return false;
}

// Stable sort by id. Ids are "file::rest" and a report lists a file's tests together, so: rank
// the distinct files once, bucket the cases by file rank (stable), then sort each small bucket.
// Equal to one stable sort by id unless a file name ends in ':' ("a:" + "::" would sort inside
// "a" + "::"), which takes the plain sort.
void sort_by_id(std::vector<Occurrence>& all) {
  if (std::is_sorted(all.begin(), all.end(), id_order)) return;
  std::vector<std::uint32_t> file_of_case(all.size());
  std::vector<std::string_view> files;
  std::unordered_map<std::string_view, std::uint32_t> index;
  for (std::size_t i = 0; i < all.size(); ++i) {
    const std::string_view file = file_of(all[i].test->id);
    if (i > 0 && file == files[file_of_case[i - 1]]) {
      file_of_case[i] = file_of_case[i - 1];
      continue;
    }
    if (!file.empty() && file.back() == ':') {
      std::stable_sort(all.begin(), all.end(), id_order);
      return;
    }
    const auto [at, added] = index.try_emplace(file, static_cast<std::uint32_t>(files.size()));
    if (added) files.push_back(file);
    file_of_case[i] = at->second;
  }
  std::vector<std::uint32_t> by_name(files.size());
  for (std::uint32_t f = 0; f < by_name.size(); ++f) by_name[f] = f;
  std::sort(by_name.begin(), by_name.end(),
            [&](std::uint32_t a, std::uint32_t b) { return file_key_less(files[a], files[b]); });
  std::vector<std::size_t> start(files.size() + 1, 0);  // bucket starts, by rank
  std::vector<std::uint32_t> rank(files.size());
  for (std::uint32_t r = 0; r < by_name.size(); ++r) rank[by_name[r]] = r;
  for (const std::uint32_t f : file_of_case) ++start[rank[f] + 1];
  for (std::size_t r = 1; r < start.size(); ++r) start[r] += start[r - 1];
  std::vector<Occurrence> sorted(all.size());
  std::vector<std::size_t> next(start.begin(), start.end() - 1);
  for (std::size_t i = 0; i < all.size(); ++i) sorted[next[rank[file_of_case[i]]]++] = all[i];
  for (std::size_t r = 0; r + 1 < start.size(); ++r) {
    const auto first = sorted.begin() + static_cast<std::ptrdiff_t>(start[r]);
    const auto last = sorted.begin() + static_cast<std::ptrdiff_t>(start[r + 1]);
    if (!std::is_sorted(first, last, id_order)) std::stable_sort(first, last, id_order);
  }
  all = std::move(sorted);
}

}  // namespace

Result<RunView> run_view_from_reports(const std::vector<JunitReport>& reports, std::string label) {
  std::size_t total = 0;
  for (const JunitReport& report : reports) total += report.cases.size();
  std::vector<Occurrence> all;
  all.reserve(total);
  for (const JunitReport& report : reports) {
    for (const JunitCase& test : report.cases) {
      if (test.id.find("::") != std::string_view::npos) all.push_back({&test, &report});
    }
  }
  sort_by_id(all);
  RunView run{std::move(label), {}};
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

Result<RunTimings> run_from_reports(const std::vector<JunitReport>& reports, std::string label) {
  auto view = run_view_from_reports(reports, std::move(label));
  if (!view) return view.error();
  RunTimings run{std::move(view->label), {}};
  run.tests.reserve(view->tests.size());
  for (const TimedId& test : view->tests) run.tests.push_back({std::string(test.id), test.seconds});
  return run;
}

RunTimings run_from_timings(const Timings& timings, std::string label) {
  return RunTimings{std::move(label), timings.tests};
}

RunView run_view_from_timings(const Timings& timings, std::string label) {
  RunView run{std::move(label), {}};
  run.tests.reserve(timings.tests.size());
  for (const TestTiming& test : timings.tests) run.tests.push_back({test.id, test.seconds});
  return run;
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

namespace {

struct Sample {
  std::string_view id;
  double seconds;
  std::size_t run;  // index into the runs, for "ran in the newest run" and EMA order
};

// Every sample of the runs in the window, grouped by id; within an id oldest run first.
std::vector<Sample> samples_by_id(const std::vector<RunView>& runs, std::size_t first) {
  std::size_t total = 0;
  for (std::size_t r = first; r < runs.size(); ++r) total += runs[r].tests.size();
  std::vector<Sample> samples;
  samples.reserve(total);
  for (std::size_t r = first; r < runs.size(); ++r) {
    const std::size_t begin = samples.size();
    for (const TimedId& test : runs[r].tests) samples.push_back({test.id, test.seconds, r});
    // Each run is sorted: merging it in keeps the whole sorted, older runs first on ties.
    std::inplace_merge(samples.begin(), samples.begin() + static_cast<std::ptrdiff_t>(begin),
                       samples.end(), [](const Sample& a, const Sample& b) { return a.id < b.id; });
  }
  return samples;
}

}  // namespace

std::vector<TimedId> merge_run_views(const std::vector<RunView>& runs, const MergeOptions& options,
                                     MergeStats* stats) {
  const std::size_t first =
      options.history > 0 && runs.size() > options.history ? runs.size() - options.history : 0;
  MergeStats counted{runs.size() - first, 0};
  if (stats) *stats = counted;
  if (runs.size() - first == 1) return runs.back().tests;  // one sample each: nothing to smooth
  if (runs.empty()) return {};
  const std::vector<Sample> samples = samples_by_id(runs, first);
  std::vector<TimedId> merged;
  std::vector<double> values;
  for (std::size_t i = 0; i < samples.size();) {
    std::size_t j = i;
    values.clear();
    for (; j < samples.size() && samples[j].id == samples[i].id; ++j)
      values.push_back(samples[j].seconds);
    const bool in_newest = samples[j - 1].run == runs.size() - 1;
    if (!options.keep_stale && !in_newest) {
      ++counted.pruned;
    } else {
      merged.push_back({samples[i].id, options.smoothing == Smoothing::median
                                           ? median_of(values)
                                           : ema_of(values, options.alpha)});
    }
    i = j;
  }
  if (stats) *stats = counted;
  return merged;
}

Timings merge_runs(const std::vector<RunTimings>& runs, const MergeOptions& options,
                   MergeStats* stats) {
  std::vector<RunView> views;
  views.reserve(runs.size());
  for (const RunTimings& run : runs) {
    RunView view{run.label, {}};
    view.tests.reserve(run.tests.size());
    for (const TestTiming& test : run.tests) view.tests.push_back({test.id, test.seconds});
    views.push_back(std::move(view));
  }
  Timings merged;
  for (const TimedId& test : merge_run_views(views, options, stats))
    merged.tests.push_back({std::string(test.id), test.seconds});
  return merged;
}

std::string format_seconds(double seconds) {
  std::string text = fmt::format("{:.6f}", seconds);
  while (text.size() > 1 && text.back() == '0' && text[text.size() - 2] != '.') text.pop_back();
  return text;
}

namespace {

// Length of the valid UTF-8 sequence starting at text[at] (a byte >= 0x80), or 0 when it is not
// one: overlong forms, surrogates and code points past U+10FFFF are invalid, as in RFC 3629.
std::size_t utf8_length(std::string_view text, std::size_t at) {
  const auto byte = [&](std::size_t i) {
    return at + i < text.size() ? static_cast<unsigned char>(text[at + i]) : 0u;
  };
  const auto cont = [&](std::size_t i, unsigned low = 0x80, unsigned high = 0xBF) {
    const unsigned b = byte(i);
    return b >= low && b <= high;
  };
  const unsigned lead = byte(0);
  if (lead >= 0xC2 && lead <= 0xDF) return cont(1) ? 2 : 0;
  if (lead == 0xE0) return cont(1, 0xA0) && cont(2) ? 3 : 0;
  if (lead == 0xED) return cont(1, 0x80, 0x9F) && cont(2) ? 3 : 0;
  if (lead >= 0xE1 && lead <= 0xEF) return cont(1) && cont(2) ? 3 : 0;
  if (lead == 0xF0) return cont(1, 0x90) && cont(2) && cont(3) ? 4 : 0;
  if (lead >= 0xF1 && lead <= 0xF3) return cont(1) && cont(2) && cont(3) ? 4 : 0;
  if (lead == 0xF4) return cont(1, 0x80, 0x8F) && cont(2) && cont(3) ? 4 : 0;
  return 0;
}

// Appends `text` as a JSON string the way nlohmann::json::dump() writes it (UTF-8 kept as is,
// control characters escaped, \u00XX in lower case). False when text is not valid UTF-8.
bool append_json_string(std::string& out, std::string_view text) {
  out += '"';
  std::size_t plain = 0;  // start of the run of bytes copied as they are
  for (std::size_t i = 0; i < text.size();) {
    const auto c = static_cast<unsigned char>(text[i]);
    if (c >= 0x20 && c != '"' && c != '\\' && c < 0x80) {
      ++i;
      continue;
    }
    if (c >= 0x80) {
      const std::size_t length = utf8_length(text, i);
      if (length == 0) return false;
      i += length;
      continue;
    }
    out.append(text, plain, i - plain);
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\r':
        out += "\\r";
        break;
      default:
        fmt::format_to(std::back_inserter(out), "\\u{:04x}", c);
    }
    plain = ++i;
  }
  out.append(text, plain, text.size() - plain);
  out += '"';
  return true;
}

void append_seconds(std::string& out, double seconds) {
  const std::size_t start = out.size();
  fmt::format_to(std::back_inserter(out), "{:.6f}", seconds);
  std::size_t end = out.size();
  while (end - start > 1 && out[end - 1] == '0' && out[end - 2] != '.') --end;
  out.resize(end);
}

}  // namespace

Result<bool> write_durations_json(const std::vector<TimedId>& tests,
                                  const std::function<bool(std::string_view)>& sink) {
  constexpr std::size_t kPiece = std::size_t{1} << 20;
  std::string out;
  out.reserve(kPiece + 4096);
  out += "{\n";
  for (std::size_t i = 0; i < tests.size(); ++i) {
    // Sorted order visits the ids out of the order they were stored: fetch ahead.
    if (i + 8 < tests.size()) __builtin_prefetch(tests[i + 8].id.data());
    out += "    ";
    if (!append_json_string(out, tests[i].id))
      return error_in("", fmt::format("test id '{}' is not valid UTF-8", tests[i].id));
    out += ": ";
    append_seconds(out, tests[i].seconds);
    out += i + 1 < tests.size() ? ",\n" : "\n";
    if (out.size() >= kPiece) {
      if (!sink(out)) return false;
      out.clear();
    }
  }
  out += "}\n";
  return sink(out);
}

Result<std::string> durations_to_json(const Timings& timings) {
  std::vector<TimedId> tests;
  tests.reserve(timings.tests.size());
  for (const TestTiming& test : timings.tests) tests.push_back({test.id, test.seconds});
  std::string text;
  auto written = write_durations_json(tests, [&](std::string_view piece) {
    text += piece;
    return true;
  });
  if (!written) return written.error();
  return text;
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
