// Turns the JUnit reports of CI runs into one .test_durations map. A run is the reports of all
// jobs of one CI run: each test's time comes from the one job that ran it, so a job that did
// not run a test never dilutes it. Across runs each test is smoothed (median or EMA) over the
// runs that ran it. Pure: reports in, timings and text out; reading and writing are the CLI's.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/model.h"
#include "core/timings/junit.h"

namespace shardplan {

struct RunTimings {
  std::string label;              // where the run came from, for messages
  std::vector<TestTiming> tests;  // sorted by id, ids unique
};

// A test's seconds with its id as a view into the reports or timings it was read from: what
// merge works on, so that a million ids are never copied on the way from JUnit to JSON.
struct TimedId {
  std::string_view id;
  double seconds = 0;
};

struct RunView {
  std::string label;
  std::vector<TimedId> tests;  // sorted by id, ids unique
};

// One run from its reports. A test in two reports, or twice in one report, ran twice: that is
// an error naming both places. Whole-file entries (collection errors, module skips) are not
// test timings and are left out.
Result<RunTimings> run_from_reports(const std::vector<JunitReport>& reports, std::string label);

Result<RunView> run_view_from_reports(const std::vector<JunitReport>& reports, std::string label);

// Previously recorded timings as the oldest run.
RunTimings run_from_timings(const Timings& timings, std::string label);
RunView run_view_from_timings(const Timings& timings, std::string label);

enum class Smoothing { median, ema };

struct MergeOptions {
  std::size_t history = 0;  // use only the newest K runs; 0 = all
  Smoothing smoothing = Smoothing::median;
  double alpha = 0.3;       // EMA: weight of each newer value
  bool keep_stale = false;  // keep tests the newest run did not run
};

// "median" or "ema:ALPHA" with 0 < ALPHA <= 1; sets options.smoothing and options.alpha.
Result<bool> parse_smoothing(std::string_view text, MergeOptions& options);

struct MergeStats {
  std::size_t runs_used = 0;
  std::size_t pruned = 0;  // tests dropped because the newest run did not run them
};

// `runs` oldest first. Median of an even count is the mean of the middle two; EMA folds the
// runs oldest to newest. Tests absent from the newest run are dropped unless keep_stale.
Timings merge_runs(const std::vector<RunTimings>& runs, const MergeOptions& options,
                   MergeStats* stats = nullptr);
// The same over views (sorted by id): the result's ids view the runs' text.
std::vector<TimedId> merge_run_views(const std::vector<RunView>& runs, const MergeOptions& options,
                                     MergeStats* stats = nullptr);

// Seconds as written to .test_durations: six decimals, trailing zeros trimmed ("1.5", "2.0").
std::string format_seconds(double seconds);

// pytest-split's format, byte-stable: a JSON object sorted by id, one entry per line, four
// spaces of indent. Fails only when an id is not valid UTF-8.
Result<std::string> durations_to_json(const Timings& timings);
// The same text handed to `sink` in pieces of about a megabyte, in order (written straight to a
// file, not built whole in memory). Returns false when the sink refused a piece (it reports why).
Result<bool> write_durations_json(const std::vector<TimedId>& tests,
                                  const std::function<bool(std::string_view)>& sink);

// A report none of whose tests is in a file of `universe` (sorted) was most likely written by
// another suite (or against another --root). Returns the error, or nothing when it fits or the
// universe is empty.
std::optional<Diagnostic> check_report_suite(const JunitReport& report,
                                             const std::vector<std::string>& universe);

}  // namespace shardplan
