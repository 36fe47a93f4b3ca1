// core/text: line splitting (the one place that decides what a line is for config files, file
// lists and `--collect-only -q` output) and the UTF-8 helpers.
#include "core/text.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>

namespace shardplan {
namespace {

std::vector<std::string> lines_of(std::string_view text) {
  std::vector<std::string> lines;
  while (!text.empty()) lines.emplace_back(next_line(text));
  return lines;
}

TEST(NextLine, UnixAndWindowsEndingsReadTheSame) {
  using Lines = std::vector<std::string>;
  EXPECT_EQ(lines_of("a\nb\n"), (Lines{"a", "b"}));
  EXPECT_EQ(lines_of("a\r\nb\r\n"), (Lines{"a", "b"}));
  EXPECT_EQ(lines_of("a\nlast"), (Lines{"a", "last"}));  // no newline at the end
  EXPECT_EQ(lines_of("\n\nx"), (Lines{"", "", "x"}));    // empty lines stay lines
  EXPECT_EQ(lines_of("a\rb\n"), (Lines{"a\rb"}));        // a lone '\r' is not a line end
  EXPECT_EQ(lines_of(""), Lines{});
}

TEST(Utf8, ValidityAndEscapes) {
  EXPECT_TRUE(is_valid_utf8("caf\xC3\xA9"));
  EXPECT_FALSE(is_valid_utf8("caf\xE9"));
  EXPECT_EQ(escape_invalid_utf8("caf\xE9"), "caf\\xe9");
  EXPECT_EQ(decode_code_points("\xE9"), std::u32string(1, U'\xDCE9'));
}

}  // namespace
}  // namespace shardplan
