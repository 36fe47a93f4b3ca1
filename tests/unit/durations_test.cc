#include "core/timings/durations.h"

#include <gtest/gtest.h>

namespace shardplan {
namespace {

TEST(Durations, ReadsObjectSortedById) {
  auto timings = parse_durations(R"({"b.py::t": 2, "a.py::t": 1.5, "a.py::s": 0})", "d.json");
  ASSERT_TRUE(timings.ok()) << timings.error().format();
  EXPECT_EQ(timings->tests, (std::vector<TestTiming>{{"a.py::s", 0}, {"a.py::t", 1.5}, {"b.py::t", 2}}));
  EXPECT_EQ(timings->skipped_invalid, 0u);
}

TEST(Durations, ReadsOlderListOfPairs) {
  auto timings = parse_durations(R"([["b.py::t", 2], ["a.py::t", 1]])", "d.json");
  ASSERT_TRUE(timings.ok());
  EXPECT_EQ(timings->tests, (std::vector<TestTiming>{{"a.py::t", 1}, {"b.py::t", 2}}));
}

TEST(Durations, SkipsAndCountsInvalidValues) {
  auto timings = parse_durations(
      R"({"a::n": -1, "a::s": "3", "a::x": null, "a::o": {}, "a::ok": 1e-3, "a::nan": NaN, "a::i": -Infinity})", "d");
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

constexpr const char* kFix = "; fix or delete the file (pytest-split writes it with --store-durations)";

INSTANTIATE_TEST_SUITE_P(
    Table, DurationsErrors,
    testing::Values(
        BadCase{"", ".test_durations: empty file: expected a JSON object of test id -> seconds; fix "
                    "or delete the file (pytest-split writes it with --store-durations)"},
        BadCase{"{\n  \"a::t\": 1,\n}", ".test_durations:3:1: invalid JSON: syntax error while "
                                         "parsing object key - unexpected '}'; expected string "
                                         "literal; fix or delete the file (pytest-split writes it "
                                         "with --store-durations)"},
        BadCase{"{\"a::t\": 1", ".test_durations:1:11: invalid JSON: syntax error while parsing "
                                "object - unexpected end of input; expected '}'; fix or delete the "
                                "file (pytest-split writes it with --store-durations)"},
        BadCase{"42", ".test_durations:1:1: expected a JSON object of test id -> seconds; fix or "
                      "delete the file (pytest-split writes it with --store-durations)"},
        BadCase{"[[\"a\"]]", ".test_durations: entry 1 of the list is not a [\"test id\", seconds] "
                             "pair; fix or delete the file (pytest-split writes it with "
                             "--store-durations)"},
        BadCase{"\x89PNG\r\n\x1a\n", ".test_durations:1:1: invalid JSON: syntax error while "
                                     "parsing value - invalid literal; last read: '\x89'; fix "
                                     "or delete the file (pytest-split writes it with "
                                     "--store-durations)"}));

}  // namespace
}  // namespace shardplan
