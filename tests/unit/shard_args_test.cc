// A shard's runner arguments and their four renderings: table rows assert the exact text.
#include "core/emit/shard_args.h"

#include <gtest/gtest.h>

namespace shardplan {
namespace {

Shard sample_shard() {
  return Shard{2,
               {"tests/test_a.py", "tests/with space/test_b.py"},
               {Slice{"tests/test_c.py",
                      1,
                      2,
                      true,
                      1.0,
                      {"tests/test_c.py::T::test_x[a b]", "tests/test_c.py::test_y[it's]"}}},
               3.0};
}

TEST(ShardArguments, WholeFilesThenSliceNodeIdsInPlanOrder) {
  EXPECT_EQ(shard_arguments(sample_shard()),
            (std::vector<std::string>{"tests/test_a.py", "tests/with space/test_b.py",
                                      "tests/test_c.py::T::test_x[a b]",
                                      "tests/test_c.py::test_y[it's]"}));
  EXPECT_TRUE(shard_arguments(Shard{}).empty());
}

TEST(ShellQuote, PlainWordsStayAndEverythingElseIsSingleQuoted) {
  const std::pair<const char*, const char*> rows[] = {
      {"tests/test_a.py::test_x", "tests/test_a.py::test_x"},
      {"a-b_c.d/e:f=g@h%i+j,k", "a-b_c.d/e:f=g@h%i+j,k"},
      {"", "''"},
      {"with space", "'with space'"},
      {"test_x[a b]", "'test_x[a b]'"},
      {"it's", "'it'\\''s'"},
      {"$HOME", "'$HOME'"},
      {"a*b", "'a*b'"},
      {"tab\there", "'tab\there'"},
  };
  for (const auto& [word, quoted] : rows) EXPECT_EQ(shell_quote(word), quoted) << word;
}

TEST(RenderArguments, EachFormat) {
  const std::vector<std::string> args{"a.py", "b c.py::t[x]", "it's"};
  EXPECT_EQ(render_arguments(args, ArgsFormat::lines), "a.py\nb c.py::t[x]\nit's\n");
  EXPECT_EQ(render_arguments(args, ArgsFormat::nul), std::string("a.py\0b c.py::t[x]\0it's\0", 23));
  EXPECT_EQ(render_arguments(args, ArgsFormat::shell), "a.py 'b c.py::t[x]' 'it'\\''s'\n");
  EXPECT_EQ(render_arguments(args, ArgsFormat::json), "[\"a.py\",\"b c.py::t[x]\",\"it's\"]\n");
}

TEST(RenderArguments, NoArguments) {
  EXPECT_EQ(render_arguments({}, ArgsFormat::lines), "");
  EXPECT_EQ(render_arguments({}, ArgsFormat::nul), "");
  EXPECT_EQ(render_arguments({}, ArgsFormat::shell), "\n");
  EXPECT_EQ(render_arguments({}, ArgsFormat::json), "[]\n");
}

TEST(RenderArguments, JsonReplacesInvalidUtf8InsteadOfThrowing) {
  EXPECT_EQ(render_arguments({"bad\xff.py"}, ArgsFormat::json), "[\"bad\xEF\xBF\xBD.py\"]\n");
}

}  // namespace
}  // namespace shardplan
