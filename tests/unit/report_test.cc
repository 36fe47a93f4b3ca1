#include "core/emit/report.h"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/emit/plan_json.h"
#include "core/emit/report_model.h"
#include "core/emit/report_svg.h"
#include "core/plan/planner.h"
#include "core/plan/workload.h"

namespace shardplan {
namespace {

const std::string kOdd = "tests/odd/test_<a&b>\"q'é.py";  // sorts after tests/b.py

// Shard 1: a.py whole + slice 1/2 of big.py (owner); shard 2: b.py and kOdd whole + slice 2/2.
Plan two_shard_plan() {
  Plan plan;
  plan.shard_count = 2;
  plan.file_overhead = 0.25;
  plan.lower_bound = 9.5;
  plan.makespan = 9.75;
  plan.universe_digest = "fnv1a64:0123456789abcdef";
  plan.inputs_digest = "fnv1a64:fedcba9876543210";
  plan.stats = PlanStats{4, 3, 1, 2, 0, 6};
  Shard one{1,
            {"tests/a.py"},
            {Slice{"tests/big.py", 1, 2, true, 4, {"tests/big.py::t1", "tests/big.py::t2"}}},
            9.75};
  Shard two{2,
            {"tests/b.py", kOdd},
            {Slice{"tests/big.py", 2, 2, false, 3.25, {"tests/big.py::t3"}}},
            8.75};
  plan.shards = {one, two};
  return plan;
}

// The work the plan above was made from: a.py 5.5 s, b.py 2 s, kOdd 3 s (estimated).
std::vector<FileWork> two_shard_work() {
  return {FileWork{"tests/a.py", 5.5, false, {{"tests/a.py::x", 5.5}}},
          FileWork{"tests/b.py", 2, false, {{"tests/b.py::y", 1.5}, {"tests/b.py::z", 0.5}}},
          FileWork{"tests/big.py",
                   6.75,
                   false,
                   {{"tests/big.py::t1", 2}, {"tests/big.py::t2", 1.75}, {"tests/big.py::t3", 3}}},
          FileWork{kOdd, 3, true, {}}};
}

std::string render(const Plan& plan, ReportFormat format, std::vector<FileWork> work = {},
                   std::optional<Measured> measured = std::nullopt) {
  ReportInput input;
  input.plan = &plan;
  input.files = std::move(work);
  input.measured = std::move(measured);
  return render_report(input, format);
}

std::size_t count(const std::string& text, const std::string& needle) {
  std::size_t found = 0;
  for (auto at = text.find(needle); at != std::string::npos;
       at = text.find(needle, at + needle.size()))
    ++found;
  return found;
}

// The markup of shard I's bar group.
std::string shard_group(const std::string& html, int shard) {
  const std::string open = fmt::format("<g class=\"shard\" data-shard=\"{}\"", shard);
  const auto start = html.find(open);
  if (start == std::string::npos) return "";
  return html.substr(start, html.find("</g>", start) - start);
}

TEST(Report, DrawsOneBarGroupPerShardWithItsSegments) {
  const std::string html = render(two_shard_plan(), ReportFormat::html);
  EXPECT_EQ(count(html, "<g class=\"shard\""), 2u);
  // overhead, the whole file, the slice
  EXPECT_EQ(count(shard_group(html, 1), "<rect class=\"bar-"), 3u);
  EXPECT_EQ(count(shard_group(html, 1), "<rect class=\"bar-overhead\""), 1u);
  EXPECT_EQ(count(shard_group(html, 1), "<rect class=\"bar-slice"), 1u);
  // two whole files without per-file times: one segment for both
  EXPECT_EQ(count(shard_group(html, 2), "<rect class=\"bar-files\""), 1u);
  EXPECT_EQ(count(shard_group(html, 2), "<rect class=\"bar-"), 3u);
  EXPECT_EQ(count(html, "<rect class=\"bar-measured"), 0u);
  EXPECT_EQ(count(html, "<rect class=\"bar-job"), 0u);  // plans carry no job overhead yet
}

TEST(Report, PerFileTimesGiveOneSegmentPerFile) {
  const std::string html = render(two_shard_plan(), ReportFormat::html, two_shard_work());
  EXPECT_EQ(count(shard_group(html, 2), "<rect class=\"bar-file"), 2u);
  EXPECT_EQ(count(shard_group(html, 2), "<rect class=\"bar-"), 4u);
  EXPECT_NE(html.find("<title>tests/b.py: 2.00 s</title>"), std::string::npos);
  EXPECT_NE(html.find("(estimated: no timing)</title>"), std::string::npos);
  EXPECT_NE(html.find("20 slowest tests (from the timings)"), std::string::npos);
  EXPECT_EQ(html.find("do not add up"), std::string::npos);  // the work matches the plan
}

TEST(Report, JobOverheadIsTheFirstSegment) {
  const Plan plan = two_shard_plan();
  ReportInput input;
  input.plan = &plan;
  input.job_overhead = 30;
  const std::string group = shard_group(render_report(input, ReportFormat::html), 1);
  EXPECT_EQ(group.find("<rect class=\"bar-"), group.find("<rect class=\"bar-job\""));
}

TEST(Report, TitlesNameTheFileAndItsSeconds) {
  const std::string html = render(two_shard_plan(), ReportFormat::html);
  EXPECT_NE(html.find("<title>tests/big.py: 3.75 s (slice 1/2, owner, 2 tests)</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<title>tests/a.py: 5.50 s</title>"), std::string::npos);
  EXPECT_NE(html.find("<title>file overhead: 0.50 s (2 files and slices × 0.25 s)</title>"),
            std::string::npos);
  EXPECT_NE(html.find("<title>lower bound: 9.50 s</title>"), std::string::npos);
}

TEST(Report, DrawsTheLowerBoundAndTheMean) {
  for (const ReportFormat format : {ReportFormat::html, ReportFormat::svg}) {
    const std::string out = render(two_shard_plan(), format);
    EXPECT_EQ(count(out, "<line class=\"lower-bound\""), 1u);
    EXPECT_EQ(count(out, "<line class=\"mean\""), 1u);
    EXPECT_NE(out.find("<title>mean: 9.25 s</title>"), std::string::npos);
  }
}

TEST(Report, EscapesEveryPath) {
  const std::string html = render(two_shard_plan(), ReportFormat::html, two_shard_work());
  EXPECT_EQ(html.find("test_<a"), std::string::npos);
  EXPECT_EQ(html.find("&b>"), std::string::npos);
  EXPECT_NE(html.find("tests/odd/test_&lt;a&amp;b&gt;&quot;q&#39;é.py"), std::string::npos);
  const std::string markdown = render(two_shard_plan(), ReportFormat::markdown, two_shard_work());
  EXPECT_NE(markdown.find("tests/odd/test\\_\\<a\\&b\\>\"q'é.py"), std::string::npos);
}

TEST(Report, MarkdownEscapesTableSeparators) {
  Plan plan = two_shard_plan();
  plan.shards[0].files = {"tests/a|b.py"};
  const std::string markdown = render(plan, ReportFormat::markdown);
  EXPECT_NE(markdown.find("tests/a\\|b.py"), std::string::npos);
  EXPECT_EQ(markdown.find("a|b"), std::string::npos);
}

TEST(Report, IsSelfContained) {
  const std::string html = render(two_shard_plan(), ReportFormat::html, two_shard_work());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_EQ(html.find("<script"), std::string::npos);
  EXPECT_EQ(html.find("https:"), std::string::npos);
  EXPECT_EQ(html.find(" src="), std::string::npos);
  EXPECT_EQ(html.find(" href="), std::string::npos);
  // the only URL is the SVG namespace
  EXPECT_EQ(count(html, "http:"), 1u);
  EXPECT_NE(html.find("xmlns=\"http://www.w3.org/2000/svg\""), std::string::npos);
}

TEST(Report, ShowsDigestsAndInputCounts) {
  for (const ReportFormat format : {ReportFormat::html, ReportFormat::markdown}) {
    const std::string out = render(two_shard_plan(), format);
    EXPECT_NE(out.find("fnv1a64:0123456789abcdef"), std::string::npos);
    EXPECT_NE(out.find("fnv1a64:fedcba9876543210"), std::string::npos);
    EXPECT_NE(out.find("stale timing entries (files gone)"), std::string::npos);
    EXPECT_NE(out.find("untimed files (estimated)"), std::string::npos);
  }
}

TEST(Report, SvgFormatIsTheChartAlone) {
  const std::string svg = render(two_shard_plan(), ReportFormat::svg);
  EXPECT_EQ(svg.rfind("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<svg xmlns=", 0), 0u);
  EXPECT_EQ(svg.find("<html"), std::string::npos);
  EXPECT_EQ(svg.find("<table"), std::string::npos);
  EXPECT_EQ(count(svg, "<g class=\"shard\""), 2u);
}

TEST(Report, MarkdownHasTheSameTables) {
  const std::string markdown = render(two_shard_plan(), ReportFormat::markdown);
  EXPECT_NE(
      markdown.find(
          "| shard | files | slices | predicted s | load |\n| ---: | ---: | ---: | ---: | --- |\n"),
      std::string::npos);
  EXPECT_NE(markdown.find("| 1 | 1 | 1 | 9.75 | "), std::string::npos);
  EXPECT_NE(markdown.find("## Sliced files"), std::string::npos);
  EXPECT_NE(markdown.find("| tests/big.py | 2 slices: shards 1, 2 | 6.75 |"), std::string::npos);
  EXPECT_NE(markdown.find("## 20 slowest slices"), std::string::npos);
}

TEST(Report, SameInputsGiveByteIdenticalOutput) {
  const Plan plan = two_shard_plan();
  auto json = plan_to_json(plan);
  ASSERT_TRUE(json);
  auto reread = plan_from_json(*json, "plan.json");
  ASSERT_TRUE(reread) << reread.error().format();
  for (const ReportFormat format :
       {ReportFormat::html, ReportFormat::markdown, ReportFormat::svg}) {
    EXPECT_EQ(render(plan, format, two_shard_work()), render(*reread, format, two_shard_work()));
  }
}

struct AttributionCase {
  const char* id;
  int shard;  // 0: the unknown-file rule
};

class MeasureRun : public testing::TestWithParam<AttributionCase> {};

TEST_P(MeasureRun, AttributesTestsToTheirPlannedShard) {
  const Plan plan = two_shard_plan();
  const Measured measured = measure_run(plan, {{GetParam().id, 2.5}});
  const int shard =
      GetParam().shard > 0 ? GetParam().shard : shard_for_unknown_file(file_of(GetParam().id), 2);
  ASSERT_EQ(measured.shard_seconds.size(), 2u);
  EXPECT_DOUBLE_EQ(measured.shard_seconds[static_cast<std::size_t>(shard - 1)], 2.5);
  EXPECT_EQ(measured.shard_tests[static_cast<std::size_t>(shard - 1)], 1u);
  EXPECT_EQ(measured.unplanned_tests, GetParam().shard > 0 ? 0u : 1u);
}

INSTANTIATE_TEST_SUITE_P(
    Table, MeasureRun,
    testing::Values(AttributionCase{"tests/a.py::x", 1},        // whole file
                    AttributionCase{"tests/b.py", 2},           // bare path
                    AttributionCase{"tests/big.py::t3", 2},     // listed in slice 2
                    AttributionCase{"tests/big.py::t1", 1},     // listed in slice 1
                    AttributionCase{"tests/big.py::t_new", 1},  // unlisted: owner
                    AttributionCase{"tests/new.py::t", 0}));    // unknown file

TEST(MeasureRun, SumsRepeatedTestsAndSortsThem) {
  const Measured measured = measure_run(
      two_shard_plan(), {{"tests/b.py::y", 1}, {"tests/a.py::x", 2}, {"tests/b.py::y", 0.5}});
  EXPECT_EQ(measured.tests,
            (std::vector<TestTiming>{{"tests/a.py::x", 2}, {"tests/b.py::y", 1.5}}));
  EXPECT_DOUBLE_EQ(measured.shard_seconds[1], 1.5);
}

TEST(Report, MeasuredRunAddsAMarkerAndTheErrorPerShard) {
  const Plan plan = two_shard_plan();
  const Measured measured = measure_run(plan, {{"tests/a.py::x", 11.5}, {"tests/b.py::y", 7.25}});
  const std::string html = render(plan, ReportFormat::html, {}, measured);
  EXPECT_EQ(count(shard_group(html, 1), "<rect class=\"bar-measured\""), 1u);
  EXPECT_EQ(count(shard_group(html, 2), "<rect class=\"bar-measured\""), 1u);
  EXPECT_NE(
      html.find(
          "<title>shard 1: measured 11.50 s, predicted 9.75 s, error +1.75 s (+17.9%)</title>"),
      std::string::npos);
  EXPECT_NE(html.find("<td class=\"num\">-1.50</td><td class=\"num\">-17.1</td>"),
            std::string::npos);
  EXPECT_NE(html.find("20 slowest tests (measured)"), std::string::npos);
  const std::string markdown = render(plan, ReportFormat::markdown, {}, measured);
  EXPECT_NE(markdown.find("| 2 | 2 | 1 | 8.75 | 7.25 | -1.50 | -17.1 |"), std::string::npos);
}

TEST(Report, FixedNeverPrintsNegativeZero) {
  EXPECT_EQ(report::fixed(-0.001), "0.00");
  EXPECT_EQ(report::fixed(-0.01), "-0.01");
  EXPECT_EQ(report::fixed(2.345, 1), "2.3");
}

TEST(ChartGeometry, LabelsNeverCloserThanTheirFont) {
  for (int shards = 1; shards <= 2000; ++shards) {
    const report::ChartGeometry geometry = report::chart_geometry(shards);
    ASSERT_GE(geometry.label_every * geometry.row_pitch, 13.0) << shards;
    ASSERT_GT(geometry.bar_height, 0.0) << shards;
    ASSERT_LT(geometry.bar_height, geometry.row_pitch) << shards;
  }
}

// A suite of `files` test files with pseudo-random test times and one heavy file, planned.
Plan synthetic_plan(int shards, int files, std::vector<FileWork>* work_out = nullptr) {
  std::uint64_t state = 42;
  auto next = [&state] {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    return static_cast<double>(state >> 11) / static_cast<double>(1ULL << 53);
  };
  Timings timings;
  std::vector<std::string> universe;
  for (int i = 0; i < files; ++i) {
    const std::string file = fmt::format("tests/pkg{}/test_mod{:03}.py", i % 7, i);
    universe.push_back(file);
    const int tests = 1 + static_cast<int>(next() * 25);
    for (int t = 0; t < tests; ++t)
      timings.tests.push_back({fmt::format("{}::test_{:02}", file, t), 0.05 + next() * 2});
  }
  universe.push_back("tests/heavy/test_big.py");
  for (int t = 0; t < 300; ++t)
    timings.tests.push_back(
        {fmt::format("tests/heavy/test_big.py::test[{:03}]", t), 0.5 + next() * 2});
  std::sort(universe.begin(), universe.end());
  std::sort(timings.tests.begin(), timings.tests.end(),
            [](const auto& a, const auto& b) { return a.id < b.id; });
  Workload work = build_workload(universe, &timings);
  auto plan = make_plan(work, PlanOptions{shards, kDefaultFileOverhead, true});
  if (work_out) *work_out = work.files;
  return plan ? *plan : Plan{};
}

std::vector<double> label_ys(const std::string& markup) {
  std::vector<double> ys;
  const std::regex label(R"re(<text class="shard-label"[^>]* y="([0-9.]+)" data-y="([0-9.]+)")re");
  for (std::sregex_iterator it(markup.begin(), markup.end(), label), end; it != end; ++it) {
    EXPECT_EQ((*it)[1].str(), (*it)[2].str());
    ys.push_back(std::stod((*it)[1].str()));
  }
  return ys;
}

void expect_labels_apart(const std::vector<double>& ys) {
  for (std::size_t i = 1; i < ys.size(); ++i)
    EXPECT_GE(ys[i] - ys[i - 1], 12.9) << "labels " << i - 1 << " and " << i;
}

TEST(Report, TwoHundredShardsKeepLabelsApart) {
  const Plan plan = synthetic_plan(200, 400);
  ASSERT_EQ(plan.shard_count, 200);
  const std::string svg = render(plan, ReportFormat::svg);
  EXPECT_EQ(count(svg, "<g class=\"shard\""), 200u);
  const std::vector<double> ys = label_ys(svg);
  EXPECT_GE(ys.size(), 20u);
  EXPECT_LT(ys.size(), 200u);
  expect_labels_apart(ys);
}

// ---- browser: headless Chromium renders the page; the DOM it built is checked ----

const char* kChromium = "/usr/bin/chromium";

std::string read_text(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Runs Chromium on `page` with `mode` ("--screenshot=..." or "--dump-dom"), stdout to `out`.
int run_chromium(const std::filesystem::path& page, const std::string& mode,
                 const std::filesystem::path& out) {
  const std::filesystem::path profile = out.parent_path() / (out.filename().string() + ".profile");
  std::filesystem::remove_all(profile);
  const std::string command = fmt::format(
      "timeout 120 {} --headless --no-sandbox --disable-gpu --no-first-run "
      "--disable-background-networking "
      "--disable-component-update --disable-sync --user-data-dir='{}' --window-size=1400,1000 {} "
      "'file://{}' "
      ">'{}' 2>/dev/null",
      kChromium, profile.string(), mode, page.string(), out.string());
  const int status = std::system(command.c_str());
  std::filesystem::remove_all(profile);
  return status;
}

std::filesystem::path output_dir() {
  const char* dir = std::getenv("SHARDPLAN_REPORT_DIR");
  return std::filesystem::absolute(dir && *dir ? dir : ".");
}

class ReportBrowser : public testing::TestWithParam<int> {};

TEST_P(ReportBrowser, RendersOneBarPerShardWithBoundsAndApartLabels) {
  if (!std::filesystem::exists(kChromium)) GTEST_SKIP() << kChromium << " is not installed";
  const int shards = GetParam();
  std::vector<FileWork> work;
  const Plan plan = synthetic_plan(shards, shards == 4 ? 60 : 400, &work);
  ASSERT_EQ(plan.shard_count, shards);
  std::vector<TestTiming> run;  // every timed test, 15% off either way
  for (const FileWork& file : work) {
    for (const TestTiming& test : file.tests)
      run.push_back({test.id, test.seconds * (0.85 + 0.03 * static_cast<double>(run.size() % 11))});
  }
  const Measured measured = measure_run(plan, run);
  const std::filesystem::path dir = output_dir();
  const std::filesystem::path page = dir / fmt::format("report-{}.html", shards);
  const std::filesystem::path png = dir / fmt::format("report-{}.png", shards);
  const std::filesystem::path dom = dir / fmt::format("report-{}.dom.html", shards);
  std::ofstream(page, std::ios::binary) << render(plan, ReportFormat::html, work, measured);
  std::filesystem::remove(png);
  ASSERT_EQ(run_chromium(page, "--screenshot=" + png.string(),
                         dir / fmt::format("report-{}.log", shards)),
            0);
  ASSERT_TRUE(std::filesystem::exists(png));
  EXPECT_GT(std::filesystem::file_size(png), 10000u);
  ASSERT_EQ(run_chromium(page, "--dump-dom", dom), 0);
  const std::string html = read_text(dom);
  ASSERT_NE(html.find("</svg>"), std::string::npos) << "Chromium did not render the page";
  EXPECT_EQ(count(html, "<g class=\"shard\""), static_cast<std::size_t>(shards));
  for (int shard = 1; shard <= shards; ++shard)
    EXPECT_NE(shard_group(html, shard).find("<rect class=\"bar-"), std::string::npos);
  EXPECT_EQ(count(html, "<line class=\"lower-bound\""), 1u);
  EXPECT_EQ(count(html, "<line class=\"mean\""), 1u);
  const std::vector<double> ys = label_ys(html);
  EXPECT_EQ(ys.size() == static_cast<std::size_t>(shards), shards == 4);
  expect_labels_apart(ys);
}

INSTANTIATE_TEST_SUITE_P(Shards, ReportBrowser, testing::Values(4, 200));

}  // namespace
}  // namespace shardplan
