#include "core/timings/junit.h"

#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/fs.h"
#include "core/glob.h"

namespace shardplan {
namespace {

std::string fixture(const std::string& name) {
  std::ifstream in(std::string(SHARDPLAN_SOURCE_DIR) + "/tests/fixtures/junit/" + name,
                   std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

struct Expected {
  std::string id;
  double seconds;
  Outcome outcome;
};

std::vector<Expected> summary(const JunitReport& report) {
  std::vector<Expected> out;
  for (const JunitCase& c : report.cases) out.push_back({std::string(c.id), c.seconds, c.outcome});
  return out;
}

bool operator==(const Expected& a, const Expected& b) {
  return a.id == b.id && a.seconds == b.seconds && a.outcome == b.outcome;
}

void PrintTo(const Expected& e, std::ostream* os) {
  *os << e.id << " " << e.seconds << " " << outcome_name(e.outcome);
}

const std::vector<std::string> kUniverse = {"tests/other.py", "tests/unit/test_broken.py",
                                            "tests/unit/test_math.py", "tests/v1.2/test_dots.py"};

TEST(ModuleIndex, ResolvesLongestModulePrefix) {
  const ModuleIndex index({"a/b.py", "a/b/c.py", "x/v1.2/t.py"});
  std::string_view rest;
  EXPECT_EQ(index.resolve("a.b.c.TestK.TestL", &rest), "a/b/c.py");
  EXPECT_EQ(rest, "TestK.TestL");
  EXPECT_EQ(index.resolve("a.b.TestK", &rest), "a/b.py");
  EXPECT_EQ(rest, "TestK");
  EXPECT_EQ(index.resolve("x.v1.2.t", &rest), "x/v1.2/t.py");
  EXPECT_EQ(rest, "");
  EXPECT_EQ(index.resolve("a", &rest), std::nullopt);
  EXPECT_EQ(index.resolve("", &rest), std::nullopt);
  EXPECT_EQ(index.resolve("zz.a.b", &rest), std::nullopt);
}

TEST(Junit, PytestXunit1UsesFileAttribute) {
  auto report = parse_junit(fixture("pytest_xunit1.xml"), "r.xml", ModuleIndex{});
  ASSERT_TRUE(report.ok()) << report.error().format();
  EXPECT_EQ(
      summary(*report),
      (std::vector<Expected>{
          {"tests/unit/test_math.py::test_add", 0.001, Outcome::passed},
          {"tests/unit/test_math.py::TestDiv::test_zero[1-0]", 0.25, Outcome::failed},
          {"tests/unit/test_math.py::TestDiv::TestNested::test_deep[a::b c]", 1.0, Outcome::passed},
          {"tests/unit/test_math.py::test_skip", 0, Outcome::skipped},
          {"tests/unit/test_math.py::test_setup_error", 0.002, Outcome::error},
          {"tests/unit/test_broken.py", 0.25, Outcome::error},
      }));
  EXPECT_EQ(report->unresolved, 0u);
  EXPECT_EQ(report->properties.at("shardplan_shard"), "2");
  EXPECT_EQ(report->cases[0].line, 1);
}

TEST(Junit, PytestXunit2ResolvesClassnameAgainstUniverse) {
  auto report = parse_junit(fixture("pytest_xunit2.xml"), "r.xml", ModuleIndex(kUniverse));
  ASSERT_TRUE(report.ok()) << report.error().format();
  EXPECT_EQ(summary(*report),
            (std::vector<Expected>{
                {"tests/unit/test_math.py::test_add", 0.001, Outcome::passed},
                // failed in call, errored in teardown: one test, both times
                {"tests/unit/test_math.py::TestDiv::test_zero[1-0]", 0.3, Outcome::error},
                {"tests/v1.2/test_dots.py::test_x", 0.5, Outcome::passed},
                {"tests/unit/test_math.py::test_skip", 0, Outcome::skipped},
                {"tests/unit/test_broken.py", 0.25, Outcome::error},
            }));
  EXPECT_EQ(report->unresolved, 2u);
  ASSERT_TRUE(report->first_unresolved);
  EXPECT_EQ(
      report->first_unresolved->message.rfind("cannot tell the test file of <testcase "
                                              "classname=\"vendored.test_other\" name=\"test_y\">: "
                                              "no test file under --root has that module name",
                                              0),
      0u)
      << report->first_unresolved->message;
  EXPECT_NE(report->first_unresolved->message.find("-- --doctest-modules"), std::string::npos);
}

TEST(Junit, PytestXunit2WithoutUniverseResolvesNothing) {
  auto report = parse_junit(fixture("pytest_xunit2.xml"), "r.xml", ModuleIndex{});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->cases.empty());
  EXPECT_EQ(report->unresolved, 8u);
}

TEST(Junit, InheritedTestIsFiledWhereItWasCollected) {
  const char* xml =
      R"(<testsuite><testcase classname="tests.test_child.TestChild" name="test_base" file="tests/base.py" time="1"/></testsuite>)";
  auto report = parse_junit(xml, "r.xml", ModuleIndex({"tests/base.py", "tests/test_child.py"}));
  ASSERT_TRUE(report.ok());
  EXPECT_EQ(
      summary(*report),
      (std::vector<Expected>{{"tests/test_child.py::TestChild::test_base", 1, Outcome::passed}}));
}

struct RunnerCase {
  const char* fixture;
  std::vector<Expected> cases;
  std::size_t unresolved;
};

class OtherRunners : public testing::TestWithParam<RunnerCase> {};

TEST_P(OtherRunners, ReadWhereAFileIsKnown) {
  auto report =
      parse_junit(fixture(GetParam().fixture), GetParam().fixture, ModuleIndex(kUniverse));
  ASSERT_TRUE(report.ok()) << report.error().format();
  EXPECT_EQ(summary(*report), GetParam().cases);
  EXPECT_EQ(report->unresolved, GetParam().unresolved);
}

INSTANTIATE_TEST_SUITE_P(
    Fixtures, OtherRunners,
    testing::Values(
        RunnerCase{
            "jest.xml",
            {{"src/__tests__/calc.test.js::Calculator adds", 0.003, Outcome::passed},
             {"src/__tests__/calc.test.js::Calculator divides by zero", 1.097, Outcome::failed},
             {"src/__tests__/strings.test.js::Strings trims", 0.15, Outcome::skipped}},
            0},
        RunnerCase{"go.xml",
                   {{"github.com/acme/shop/cart::TestAdd", 0.01, Outcome::passed},
                    {"github.com/acme/shop/cart::TestTotal/with_tax", 0.5, Outcome::failed},
                    {"github.com/acme/shop/cart::TestSkip", 0, Outcome::skipped}},
                   0},
        RunnerCase{
            "rspec.xml",
            {{"spec/models/user_spec.rb::User is valid with a name", 0.021, Outcome::passed},
             {"spec/models/user_spec.rb::User rejects an empty email", 0.3, Outcome::failed}},
            0},
        RunnerCase{"gtest.xml",
                   {{"src/math_test.cc::MathTest::Addition", 0.007, Outcome::passed},
                    {"src/math_test.cc::MathTest::Division", 0.028, Outcome::failed},
                    {"src/math_test.cc::MathTest::DISABLED_Slow", 0, Outcome::skipped}},
                   0},
        // ctest names no file: its tests cannot be placed, only counted.
        RunnerCase{"ctest.xml", {}, 2}));

TEST(Junit, ChunkedFeedGivesTheSameResult) {
  const std::string xml = fixture("pytest_xunit1.xml");
  JunitReader reader("r.xml", ModuleIndex{});
  for (std::size_t i = 0; i < xml.size(); i += 7)
    ASSERT_TRUE(reader.feed(std::string_view(xml).substr(i, 7)));
  auto chunked = reader.finish();
  auto whole = parse_junit(xml, "r.xml", ModuleIndex{});
  ASSERT_TRUE(chunked.ok() && whole.ok());
  EXPECT_EQ(chunked->cases, whole->cases);
}

TEST(Junit, EmptySuiteIsValid) {
  auto report = parse_junit("<testsuites><testsuite name=\"pytest\" tests=\"0\"/></testsuites>",
                            "r.xml", ModuleIndex{});
  ASSERT_TRUE(report.ok());
  EXPECT_TRUE(report->cases.empty());
}

struct BadCase {
  std::string content;
  std::string message;
};

class JunitErrors : public testing::TestWithParam<BadCase> {};

TEST_P(JunitErrors, NameFileLineAndColumn) {
  auto report = parse_junit(GetParam().content, "reports/shard-3.xml", ModuleIndex(kUniverse));
  ASSERT_FALSE(report.ok());
  EXPECT_EQ(report.error().format(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, JunitErrors,
    testing::Values(
        BadCase{"", "reports/shard-3.xml:1:1: invalid XML: no element found"},
        BadCase{fixture("truncated.xml"), "reports/shard-3.xml:1:191: invalid XML: unclosed token"},
        BadCase{fixture("bomb.xml"),
                "reports/shard-3.xml:3:15: entity declarations are not accepted in a JUnit report "
                "(entity expansion is off)"},
        BadCase{"<?xml version=\"1.0\"?>\n<html><body/></html>",
                "reports/shard-3.xml:2:1: the root element is <html>, expected <testsuites> or "
                "<testsuite>: is this a JUnit XML report?"},
        BadCase{"<testsuite>\n  <testcase classname=\"tests.other\" name=\"t\"/>\n</testsuite>",
                "reports/shard-3.xml:2:3: <testcase> has no 'time' attribute"},
        BadCase{"<testsuite>\n  <testcase classname=\"tests.other\" time=\"1\"/>\n</testsuite>",
                "reports/shard-3.xml:2:3: <testcase> has no 'name' attribute"},
        BadCase{
            "<testsuite><testcase classname=\"tests.other\" name=\"t\" time=\"-0.5\"/></testsuite>",
            "reports/shard-3.xml:1:12: <testcase> time \"-0.5\" is not a non-negative number of "
            "seconds"},
        BadCase{
            "<testsuite><testcase classname=\"tests.other\" name=\"t\" time=\"nan\"/></testsuite>",
            "reports/shard-3.xml:1:12: <testcase> time \"nan\" is not a non-negative number of "
            "seconds"},
        BadCase{
            "<testsuite><testcase classname=\"tests.other\" name=\"t\" time=\"1,5\"/></testsuite>",
            "reports/shard-3.xml:1:12: <testcase> time \"1,5\" is not a non-negative number of "
            "seconds"},
        BadCase{"<testsuite>\n<testcase name=\"&undefined;\" time=\"1\"/></testsuite>",
                "reports/shard-3.xml:2:1: invalid XML: undefined entity"},
        BadCase{"<testsuite><testcase name=\"a\" time=\"1\"></testsuite>",
                "reports/shard-3.xml:1:42: invalid XML: mismatched tag"}));

TEST(Glob, MatchesDoubleStarAndSegments) {
  MemoryFileSystem fs;
  fs.add_file("reports/shard-1/a.xml");
  fs.add_file("reports/shard-2/deep/b.xml");
  fs.add_file("reports/c.xml");
  fs.add_file("reports/c.txt");
  EXPECT_EQ(*expand_glob(fs, "reports/**/*.xml"),
            (std::vector<std::string>{"reports/c.xml", "reports/shard-1/a.xml",
                                      "reports/shard-2/deep/b.xml"}));
  EXPECT_EQ(*expand_glob(fs, "reports/shard-*/*.xml"),
            (std::vector<std::string>{"reports/shard-1/a.xml"}));
  EXPECT_EQ(*expand_glob(fs, "reports/c.txt"), (std::vector<std::string>{"reports/c.txt"}));
  EXPECT_EQ(expand_glob(fs, "reports/*.json").error().format(),
            "reports/*.json: no report file matches this pattern");
  EXPECT_EQ(expand_glob(fs, "reports/none.xml").error().format(),
            "reports/none.xml: no such report file");
}

}  // namespace
}  // namespace shardplan
