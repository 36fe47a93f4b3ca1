// The fast JUnit parser must agree with expat: same cases, seconds, outcomes, positions and
// properties on every document it accepts, and it must give up (never decide) on the rest.
#include "core/timings/junit_scan.h"

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

#include "core/timings/junit.h"

namespace shardplan {
namespace {

const std::vector<std::string> kUniverse = {"tests/test_a.py", "tests/sub/test_b.py"};

std::string describe(const Result<JunitReport>& report) {
  if (!report) return "error: " + report.error().format();
  std::string out;
  for (const JunitCase& c : report->cases) {
    out += std::string(c.id) + " " + std::to_string(c.seconds) + " " +
           std::string(outcome_name(c.outcome)) + " " + std::to_string(c.line) + ":" +
           std::to_string(c.column) + "\n";
  }
  for (const auto& [key, value] : report->properties) out += key + "=" + value + "\n";
  out += "unresolved " + std::to_string(report->unresolved) + "\n";
  if (report->first_unresolved) out += report->first_unresolved->format() + "\n";
  return out;
}

// Fed in pieces of `chunk` bytes: the fast reader, or "gave up".
std::string fast(std::string_view text, std::size_t chunk) {
  const ModuleIndex index(kUniverse);
  JunitReader reader("r.xml", index, XmlParser::fast);
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    if (!reader.feed(text.substr(at, chunk))) break;
  }
  auto report = reader.finish();
  return reader.gave_up() ? "gave up" : describe(report);
}

std::string expat(std::string_view text) {
  return describe(parse_junit_with(text, "r.xml", ModuleIndex(kUniverse), XmlParser::expat));
}

void expect_agrees(const std::string& text, bool may_give_up) {
  const std::string slow = expat(text);
  for (const std::size_t chunk :
       {std::size_t{1}, std::size_t{3}, std::size_t{64}, text.size() + 1}) {
    const std::string quick = fast(text, std::max<std::size_t>(chunk, 1));
    if (quick == "gave up") {
      EXPECT_TRUE(may_give_up) << "chunk " << chunk << ":\n" << text;
      continue;
    }
    EXPECT_EQ(quick, slow) << "chunk " << chunk << ":\n" << text;
  }
}

TEST(JunitScan, AgreesWithExpatOnEveryFixture) {
  const std::string dir = std::string(SHARDPLAN_SOURCE_DIR) + "/tests/fixtures/junit";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::stringstream text;
    text << in.rdbuf();
    expect_agrees(text.str(), true);
  }
}

const std::string kHead = "<?xml version=\"1.0\" encoding=\"utf-8\"?>\n<testsuites>\n";

TEST(JunitScan, ReadsTheUsualShapesItself) {
  for (const std::string body : {
           "<testsuite name=\"pytest\"><testcase classname=\"tests.test_a\" name=\"t[a&amp;b]\" "
           "file=\"tests/test_a.py\" time=\"0.5\"/></testsuite>",
           "<testsuite><testcase classname=\"tests.sub.test_b.TestC\" name=\"t[&#233;&#x1F600;]\" "
           "time=\"1\">\n  <failure message=\"boom &lt;x&gt;\">trace\n\tline ]] &gt; é</failure>"
           "\n<system-out><![CDATA[<raw> & ]] text]]></system-out></testcase></testsuite>",
           "<!-- a comment --><testsuite name='x'>\n<properties><property name=\"k\" "
           "value=\"v\tw\"/></properties><testcase classname='tests.test_a' name='a\nb' "
           "time=' 2 '><skipped/></testcase>\n</testsuite>",
           "<testsuite><testcase classname=\"nowhere.mod\" name=\"t\" time=\"1\"/>"
           "<testcase classname=\"tests.test_a\" name=\"dup\" time=\"1\"><failure/></testcase>"
           "<testcase classname=\"tests.test_a\" name=\"dup\" time=\"2\"><error/></testcase>"
           "</testsuite>",
       }) {
    const std::string text = kHead + body + "\n</testsuites>\n";
    expect_agrees(text, false);
  }
}

TEST(JunitScan, GivesUpOnWhatOnlyExpatReads) {
  for (const std::string& text : {
           std::string("<!DOCTYPE x [<!ENTITY e \"v\">]><testsuites/>"),
           std::string("<testsuites>\r\n</testsuites>"),
           std::string("\xEF\xBB\xBF<testsuites/>"),
           std::string("<?xml version=\"1.0\" encoding=\"latin-1\"?><testsuites/>"),
           kHead + "<testsuite><testcase name=\"&nbsp;\" time=\"1\"/></testsuite></testsuites>",
           kHead + "<testsuite a=\"1\" a=\"2\"></testsuite></testsuites>",
           kHead + "<testsuite></testsuites>",
           kHead + "<testsuite>]]></testsuite></testsuites>",
           kHead + "<testsuite>\x01</testsuite></testsuites>",
           kHead + "<testsuite>\xC3</testsuite></testsuites>",
           kHead + "<testsuite><?pi x?></testsuite></testsuites>",
           kHead + "</testsuites><junk/>",
           kHead + "<testsuite>",
           std::string(""),
           std::string("<testsuites a=\"<\"/>"),
           std::string("<testsuites><!-- a -- b --></testsuites>"),
       }) {
    EXPECT_EQ(fast(text, text.size() + 1), "gave up") << text;
    EXPECT_EQ(fast(text, 2), "gave up") << text;
  }
}

TEST(JunitScan, HandlerErrorsComeFromTheSamePlace) {
  expect_agrees(kHead + "<testsuite>\n  <testcase name=\"a\"/></testsuite></testsuites>", false);
  expect_agrees("<root/>", false);
  expect_agrees(kHead + "<testsuite><testcase name=\"a\" time=\"-1\"/></testsuite></testsuites>",
                false);
}

}  // namespace
}  // namespace shardplan
