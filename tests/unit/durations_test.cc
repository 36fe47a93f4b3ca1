#include "core/timings/durations.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

#include "core/fs.h"

namespace shardplan {
namespace {

TEST(Durations, ReadsObjectSortedById) {
  auto timings = parse_durations(R"({"b.py::t": 2, "a.py::t": 1.5, "a.py::s": 0})", "d.json");
  ASSERT_TRUE(timings.ok()) << timings.error().format();
  EXPECT_EQ(timings->tests,
            (std::vector<TestTiming>{{"a.py::s", 0}, {"a.py::t", 1.5}, {"b.py::t", 2}}));
  EXPECT_EQ(timings->skipped_invalid, 0u);
}

TEST(SortAndDedupe, OrdersByIdAndTheLaterOfTwoEntriesWins) {
  Timings timings;
  timings.tests = {{"b.py::t", 1}, {"a.py::t", 2}, {"b.py::t", 3}, {"a.py::s", 4}, {"a.py::t", 5}};
  sort_and_dedupe(timings);
  EXPECT_EQ(timings.tests,
            (std::vector<TestTiming>{{"a.py::s", 4}, {"a.py::t", 5}, {"b.py::t", 3}}));
  sort_and_dedupe(timings);  // sorted and unique already: unchanged
  EXPECT_EQ(timings.tests,
            (std::vector<TestTiming>{{"a.py::s", 4}, {"a.py::t", 5}, {"b.py::t", 3}}));
}

TEST(Durations, ReadsOlderListOfPairs) {
  auto timings = parse_durations(R"([["b.py::t", 2], ["a.py::t", 1]])", "d.json");
  ASSERT_TRUE(timings.ok());
  EXPECT_EQ(timings->tests, (std::vector<TestTiming>{{"a.py::t", 1}, {"b.py::t", 2}}));
}

TEST(Durations, SkipsAndCountsInvalidValues) {
  auto timings = parse_durations(
      R"({"a::n": -1, "a::s": "3", "a::x": null, "a::o": {}, "a::ok": 1e-3, "a::nan": NaN, "a::i": -Infinity})",
      "d");
  ASSERT_TRUE(timings.ok());
  EXPECT_EQ(timings->tests, (std::vector<TestTiming>{{"a::ok", 0.001}}));
  EXPECT_EQ(timings->skipped_invalid, 6u);
}

TEST(Durations, DuplicateIdKeepsLastValueLikePython) {
  auto timings = parse_durations(R"({"a::t": 1, "a::t": 3})", "d");
  ASSERT_TRUE(timings.ok());
  EXPECT_EQ(timings->tests, (std::vector<TestTiming>{{"a::t", 3}}));
}

struct BadCase {
  const char* content;
  const char* message;
};

class DurationsErrors : public testing::TestWithParam<BadCase> {};

TEST_P(DurationsErrors, NamesPlaceAndFix) {
  auto timings = parse_durations(GetParam().content, ".test_durations");
  ASSERT_FALSE(timings.ok());
  EXPECT_EQ(timings.error().format(), GetParam().message);
}

constexpr const char* kFix =
    "; fix or delete the file (pytest-split writes it with --store-durations)";

INSTANTIATE_TEST_SUITE_P(
    Table, DurationsErrors,
    testing::Values(
        BadCase{"",
                ".test_durations: empty file: expected a JSON object of test id -> seconds; fix "
                "or delete the file (pytest-split writes it with --store-durations)"},
        BadCase{"{\n  \"a::t\": 1,\n}",
                ".test_durations:3:1: invalid JSON: syntax error while "
                "parsing object key - unexpected '}'; expected string "
                "literal; fix or delete the file (pytest-split writes it "
                "with --store-durations)"},
        BadCase{"{\"a::t\": 1",
                ".test_durations:1:11: invalid JSON: syntax error while parsing "
                "object - unexpected end of input; expected '}'; fix or delete the "
                "file (pytest-split writes it with --store-durations)"},
        BadCase{"42",
                ".test_durations:1:1: expected a JSON object of test id -> seconds; fix or "
                "delete the file (pytest-split writes it with --store-durations)"},
        BadCase{"[[\"a\"]]",
                ".test_durations: entry 1 of the list is not a [\"test id\", seconds] "
                "pair; fix or delete the file (pytest-split writes it with "
                "--store-durations)"},
        BadCase{"\x89PNG\r\n\x1a\n",
                ".test_durations:1:1: invalid JSON: syntax error while "
                "parsing value - invalid literal; last read: '\x89'; fix "
                "or delete the file (pytest-split writes it with "
                "--store-durations)"}));

// RealFileSystem::read leaves simdjson's padding spare, so the CLI parses its buffer in place;
// the result must equal the copying parse for files of any size (sizes around a page and the
// read chunk included), and for a buffer without spare capacity.
TEST(Durations, InPlaceParseOfAFileEqualsTheCopyingParse) {
  const auto path = std::filesystem::temp_directory_path() / "shardplan_durations_in_place.json";
  for (const std::size_t entries : {0u, 1u, 50u, 4096u, 70000u}) {
    std::string json = "{";
    for (std::size_t i = 0; i < entries; ++i) {
      json += (i ? ",\"t" : "\"t") + std::to_string(i % 97) + ".py::test_" + std::to_string(i) +
              "\": " + std::to_string(i % 13) + ".5";
    }
    json += "}";
    std::ofstream(path, std::ios::binary) << json;
    auto content = RealFileSystem().read(path.string());
    ASSERT_TRUE(content.ok());
    EXPECT_EQ(*content, json);
    EXPECT_GE(content->capacity(), content->size() + kReadPadding);
    auto in_place = parse_durations_in_place(*content, "d");
    auto copied = parse_durations(json, "d");
    ASSERT_TRUE(in_place.ok() && copied.ok());
    EXPECT_EQ(in_place->tests, copied->tests);
    EXPECT_EQ(in_place->tests.size(), entries);
    std::string tight = json;
    tight.shrink_to_fit();
    auto unpadded = parse_durations_in_place(tight, "d");
    ASSERT_TRUE(unpadded.ok());
    EXPECT_EQ(unpadded->tests, copied->tests);
    auto consumed = parse_durations_consuming(std::move(*content), "d");
    ASSERT_TRUE(consumed.ok());
    EXPECT_EQ(consumed->tests, copied->tests);
    EXPECT_EQ(content->capacity(), std::string().capacity());  // released once parsed
  }
  std::filesystem::remove(path);
}

// Releasing the text happens only after a successful parse: errors still point into it.
TEST(Durations, ConsumingParseKeepsErrorLocations) {
  std::string text = "{\n  \"a.py::t\": 1,\n  \"b.py::t\": }\n";
  auto consumed = parse_durations_consuming(std::move(text), "d.json");
  auto borrowed = parse_durations("{\n  \"a.py::t\": 1,\n  \"b.py::t\": }\n", "d.json");
  ASSERT_FALSE(consumed.ok());
  ASSERT_FALSE(borrowed.ok());
  EXPECT_EQ(consumed.error().line, borrowed.error().line);
  EXPECT_EQ(consumed.error().column, borrowed.error().column);
  EXPECT_EQ(consumed.error().message, borrowed.error().message);
}

}  // namespace
}  // namespace shardplan
