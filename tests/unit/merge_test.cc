#include "core/timings/merge.h"

#include <algorithm>

#include <gtest/gtest.h>

#include "core/timings/durations.h"

namespace shardplan {
namespace {

JunitReport report(std::string source, std::vector<std::pair<std::string, double>> tests) {
  JunitReport out;
  out.source = std::move(source);
  int line = 1;
  for (auto& [id, seconds] : tests) out.add(id, seconds, Outcome::passed, ++line, 3);
  return out;
}

RunTimings run(std::vector<TestTiming> tests) {
  return RunTimings{"run", std::move(tests)};
}

TEST(RunFromReports, EachTestTimedByTheJobThatRanIt) {
  auto merged = run_from_reports({report("a.xml", {{"t.py::b", 2}, {"t.py::a", 1}}),
                                  report("b.xml", {{"u.py::c", 3}, {"u_broken.py", 0.5}})},
                                 "reports/*.xml");
  ASSERT_TRUE(merged.ok()) << merged.error().format();
  EXPECT_EQ(merged->tests,
            (std::vector<TestTiming>{{"t.py::a", 1}, {"t.py::b", 2}, {"u.py::c", 3}}));
}

TEST(RunFromReports, SortsExactlyLikeWholeIds) {
  // File names whose order differs from the order of "file::" ("a" < "a.py", but
  // "a.py::" < "a::"), a file ending in ':', non-ASCII, and interleaved files.
  const std::vector<std::string> files = {"a",      "a.py", "a-b.py",  "a:b.py", "x/\xC3\xA9.py",
                                          "a/b.py", "b:",   "a.py.py", "A.py"};
  std::vector<std::pair<std::string, double>> cases;
  std::vector<std::string> ids;
  unsigned seed = 7;
  for (int i = 0; i < 400; ++i) {
    seed = seed * 1103515245u + 12345u;
    const std::string id = files[(seed >> 8) % files.size()] + "::t" + std::to_string(i % 37) +
                           (i % 3 ? "[" + std::to_string(i) + "]" : "");
    if (std::find(ids.begin(), ids.end(), id) != ids.end()) continue;
    ids.push_back(id);
    cases.emplace_back(id, i);
  }
  std::sort(ids.begin(), ids.end());
  for (const bool with_colon : {false, true}) {
    auto all = cases;
    if (!with_colon)
      std::erase_if(all, [](const auto& c) { return c.first.rfind("b:::", 0) == 0; });
    auto expected = ids;
    if (!with_colon)
      std::erase_if(expected, [](const std::string& id) { return id.rfind("b:::", 0) == 0; });
    auto run = run_from_reports({report("a.xml", all)}, "r");
    ASSERT_TRUE(run.ok());
    std::vector<std::string> got;
    for (const TestTiming& test : run->tests) got.push_back(test.id);
    EXPECT_EQ(got, expected);
  }
}

TEST(RunFromReports, ATestThatRanTwiceIsAnErrorNamingBothPlaces) {
  auto merged = run_from_reports(
      {report("a.xml", {{"t.py::a", 1}}), report("b.xml", {{"x.py::x", 1}, {"t.py::a", 2}})},
      "reports/*.xml");
  ASSERT_FALSE(merged.ok());
  EXPECT_EQ(merged.error().format(),
            "b.xml:3:3: 't.py::a' ran twice in run 'reports/*.xml': here and at a.xml:2:3; a run "
            "must run each test once (check the plan with 'shardplan audit')");
}

struct SmoothCase {
  const char* name;
  std::vector<RunTimings> runs;
  MergeOptions options;
  std::vector<TestTiming> expected;
  std::size_t pruned;
};

class MergeRuns : public testing::TestWithParam<SmoothCase> {};

TEST_P(MergeRuns, SmoothsPerTestOverTheRunsThatRanIt) {
  MergeStats stats;
  const Timings merged = merge_runs(GetParam().runs, GetParam().options, &stats);
  EXPECT_EQ(merged.tests, GetParam().expected);
  EXPECT_EQ(stats.pruned, GetParam().pruned);
}

MergeOptions ema(double alpha) {
  MergeOptions options;
  options.smoothing = Smoothing::ema;
  options.alpha = alpha;
  return options;
}

MergeOptions history(std::size_t k) {
  MergeOptions options;
  options.history = k;
  return options;
}

MergeOptions keep_stale() {
  MergeOptions options;
  options.keep_stale = true;
  return options;
}

INSTANTIATE_TEST_SUITE_P(
    Table, MergeRuns,
    testing::Values(
        SmoothCase{
            "median_odd", {run({{"a", 1}}), run({{"a", 10}}), run({{"a", 2}})}, {}, {{"a", 2}}, 0},
        SmoothCase{"median_even", {run({{"a", 1}}), run({{"a", 3}})}, {}, {{"a", 2}}, 0},
        // b did not run in the middle run: that run does not pull it towards zero.
        SmoothCase{"absent_never_dilutes",
                   {run({{"a", 1}, {"b", 4}}), run({{"a", 3}}), run({{"a", 5}, {"b", 6}})},
                   {},
                   {{"a", 3}, {"b", 5}},
                   0},
        SmoothCase{"ema_two", {run({{"a", 1}}), run({{"a", 3}})}, ema(0.5), {{"a", 2}}, 0},
        SmoothCase{"ema_three",
                   {run({{"a", 1}}), run({{"a", 3}}), run({{"a", 5}})},
                   ema(0.5),
                   {{"a", 3.5}},
                   0},
        SmoothCase{"history_keeps_newest",
                   {run({{"a", 100}}), run({{"a", 1}}), run({{"a", 3}})},
                   history(2),
                   {{"a", 2}},
                   0},
        SmoothCase{"prunes_absent_from_newest",
                   {run({{"a", 1}, {"gone", 2}}), run({{"a", 1}})},
                   {},
                   {{"a", 1}},
                   1},
        SmoothCase{"keep_stale",
                   {run({{"a", 1}, {"gone", 2}}), run({{"a", 1}})},
                   keep_stale(),
                   {{"a", 1}, {"gone", 2}},
                   0},
        SmoothCase{"no_runs", {}, {}, {}, 0}),
    [](const testing::TestParamInfo<SmoothCase>& param) { return std::string(param.param.name); });

struct SmoothText {
  const char* text;
  bool ok;
  Smoothing smoothing;
  double alpha;
};

class ParseSmoothing : public testing::TestWithParam<SmoothText> {};

TEST_P(ParseSmoothing, AcceptsMedianAndEma) {
  MergeOptions options;
  auto parsed = parse_smoothing(GetParam().text, options);
  ASSERT_EQ(parsed.ok(), GetParam().ok);
  if (!parsed.ok()) {
    EXPECT_EQ(parsed.error().format(), std::string("--smooth '") + GetParam().text +
                                           "' is not 'median' or 'ema:ALPHA' with 0 < ALPHA <= 1");
    return;
  }
  EXPECT_EQ(options.smoothing, GetParam().smoothing);
  EXPECT_EQ(options.alpha, GetParam().alpha);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ParseSmoothing,
    testing::Values(SmoothText{"median", true, Smoothing::median, 0.3},
                    SmoothText{"ema:0.5", true, Smoothing::ema, 0.5},
                    SmoothText{"ema:1", true, Smoothing::ema, 1}, SmoothText{"ema:0", false, {}, 0},
                    SmoothText{"ema:1.5", false, {}, 0}, SmoothText{"ema:", false, {}, 0},
                    SmoothText{"ema:0.3x", false, {}, 0}, SmoothText{"mean", false, {}, 0}));

TEST(FormatSeconds, SixDecimalsTrimmed) {
  EXPECT_EQ(format_seconds(0), "0.0");
  EXPECT_EQ(format_seconds(2), "2.0");
  EXPECT_EQ(format_seconds(1.5), "1.5");
  EXPECT_EQ(format_seconds(0.0000004), "0.0");
  EXPECT_EQ(format_seconds(0.1234567), "0.123457");
  EXPECT_EQ(format_seconds(12345.000001), "12345.000001");
}

TEST(DurationsToJson, PytestSplitFormatOneEntryPerLine) {
  Timings timings;
  timings.tests = {{"a.py::t[\"q\"]", 1.25}, {"b.py::t", 0.0000001}, {"c.py::\xc3\xa9", 3}};
  auto json = durations_to_json(timings);
  ASSERT_TRUE(json.ok());
  EXPECT_EQ(*json,
            "{\n    \"a.py::t[\\\"q\\\"]\": 1.25,\n    \"b.py::t\": 0.0,\n    \"c.py::\xc3\xa9\": "
            "3.0\n}\n");
  auto back = parse_durations(*json, "d");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->tests, (std::vector<TestTiming>{
                             {"a.py::t[\"q\"]", 1.25}, {"b.py::t", 0}, {"c.py::\xc3\xa9", 3}}));
  EXPECT_EQ(*durations_to_json(Timings{}), "{\n}\n");
}

TEST(DurationsToJson, InvalidUtf8IsAnError) {
  Timings timings;
  timings.tests = {{"a.py::\xff", 1}};
  EXPECT_EQ(durations_to_json(timings).error().format(), "test id 'a.py::\xff' is not valid UTF-8");
}

TEST(CheckReportSuite, AReportOfAnotherSuiteIsNamed) {
  const std::vector<std::string> universe = {"tests/test_a.py"};
  EXPECT_FALSE(check_report_suite(report("r.xml", {{"tests/test_a.py::t", 1}}), universe));
  EXPECT_FALSE(check_report_suite(report("r.xml", {{"x.py::t", 1}}), {}));
  auto error = check_report_suite(
      report("r.xml", {{"other/test_b.py::t", 1}, {"other/test_c.py::t", 1}}), universe);
  ASSERT_TRUE(error);
  EXPECT_EQ(error->format(),
            "r.xml:2:3: none of the 2 tests in this report is in a test file under the root (the "
            "first is 'other/test_b.py::t'): is it a report of another suite, or is --root wrong?");
}

}  // namespace
}  // namespace shardplan
