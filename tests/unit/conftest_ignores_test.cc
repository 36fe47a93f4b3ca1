#include "core/pytest/conftest_ignores.h"

#include <gtest/gtest.h>

#include <optional>

namespace shardplan {
namespace {

using Strings = std::vector<std::string>;
using List = std::optional<Strings>;

struct IgnoresCase {
  const char* name;
  std::string content;
  List collect_ignore;
  List collect_ignore_glob = std::nullopt;
  Strings warnings = {};
};

class ConftestIgnoresRead : public testing::TestWithParam<IgnoresCase> {};

TEST_P(ConftestIgnoresRead, ReadsLiteralLists) {
  const auto& c = GetParam();
  const ConftestIgnores result = parse_conftest_ignores(c.content, "tests/conftest.py");
  EXPECT_EQ(result.collect_ignore, c.collect_ignore);
  EXPECT_EQ(result.collect_ignore_glob, c.collect_ignore_glob);
  Strings warnings;
  for (const auto& warning : result.warnings) warnings.push_back(warning.format());
  EXPECT_EQ(warnings, c.warnings);
}

const std::string kComputed =
    "; shardplan cannot evaluate it: this statement is ignored, pass the same paths with --exclude";

INSTANTIATE_TEST_SUITE_P(
    Cases, ConftestIgnoresRead,
    testing::Values(
        IgnoresCase{"Nothing", "import pytest\n\ndef pytest_configure(config):\n    pass\n",
                    std::nullopt},
        IgnoresCase{"List", "collect_ignore = [\"setup.py\", 'old']\n", Strings{"setup.py", "old"}},
        IgnoresCase{"EmptyList", "collect_ignore = []\n", Strings{}},
        IgnoresCase{"Tuple", "collect_ignore = (\"a.py\", \"b\")\n", Strings{"a.py", "b"}},
        IgnoresCase{"OneElementTuple", "collect_ignore = (\"a.py\",)\n", Strings{"a.py"}},
        IgnoresCase{
            "MultiLineWithComments",
            "collect_ignore = [\n    \"a.py\",  # old\n    # \"b.py\",\n    'c',\n]  # end\n",
            Strings{"a.py", "c"}},
        IgnoresCase{"GlobAndPlain",
                    "collect_ignore_glob = [\"*_py2.py\"]\ncollect_ignore = [\"x\"]\n",
                    Strings{"x"}, Strings{"*_py2.py"}},
        IgnoresCase{
            "PlusEqualsAppendExtend",
            "collect_ignore = [\"a\"]\ncollect_ignore += [\"b\"]\ncollect_ignore.append(\"c\")\n"
            "collect_ignore.extend(['d', 'e'])\n",
            Strings{"a", "b", "c", "d", "e"}},
        IgnoresCase{"ReassignmentResets", "collect_ignore = [\"a\"]\ncollect_ignore = [\"b\"]\n",
                    Strings{"b"}},
        IgnoresCase{"Escapes", "collect_ignore = [\"a\\\\b\", r\"c\\d\", 'it\\'s']\n",
                    Strings{"a\\b", "c\\d", "it's"}},
        IgnoresCase{"OtherNamesIgnored", "my_collect_ignore = 3\ncollect_ignore_x = [1]\n",
                    std::nullopt},
        IgnoresCase{"DocstringMentionIgnored", "\"\"\"\ncollect_ignore = glob('x')\n\"\"\"\n",
                    std::nullopt},
        IgnoresCase{"Computed",
                    "import glob\ncollect_ignore = glob.glob(\"*.py\")\n",
                    std::nullopt,
                    std::nullopt,
                    {"tests/conftest.py:2:1: collect_ignore is computed" + kComputed}},
        IgnoresCase{"ConcatenationIsComputed",
                    "collect_ignore = [\"a\"] + extra\n",
                    std::nullopt,
                    std::nullopt,
                    {"tests/conftest.py:1:1: collect_ignore is computed" + kComputed}},
        IgnoresCase{
            "InsideIf",
            "import sys\ncollect_ignore = [\"a\"]\nif sys.version_info < (3, 10):\n"
            "    collect_ignore.append(\"b\")\n",
            Strings{"a"},
            std::nullopt,
            {"tests/conftest.py:4:1: collect_ignore is set inside a block (if, for, def, ...)" +
             kComputed}},
        IgnoresCase{"LineNumbersAfterMultiLineList",
                    "collect_ignore_glob = [\n  \"a\",\n]\ncollect_ignore_glob.append(name)\n",
                    std::nullopt,
                    Strings{"a"},
                    {"tests/conftest.py:4:1: collect_ignore_glob is computed" + kComputed}},
        IgnoresCase{"UnterminatedList",
                    "collect_ignore = [\"a\",\n",
                    std::nullopt,
                    std::nullopt,
                    {"tests/conftest.py:1:1: collect_ignore is computed" + kComputed}},
        IgnoresCase{"CollectionHookIsAWarning",
                    "import pytest\n\ndef pytest_ignore_collect(collection_path, config):\n    "
                    "return None\n"
                    "def pytest_collection_modifyitems(items):\n    pass\n",
                    std::nullopt,
                    std::nullopt,
                    {"tests/conftest.py:3:1: defines pytest_ignore_collect; shardplan does not run "
                     "hooks, so the "
                     "files it ignores or adds are not known: compare 'shardplan files' with "
                     "'pytest --collect-only "
                     "-q' and use --exclude/--include"}},
        IgnoresCase{"ParenthesizedStringIsNotATuple",
                    "collect_ignore = (\"ab\")\n",
                    std::nullopt,
                    std::nullopt,
                    {"tests/conftest.py:1:1: collect_ignore is computed" + kComputed}}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(ConftestIgnoresRead, ArbitraryBytesNeverCrash) {
  const std::string inputs[] = {"collect_ignore = [\"\\", "collect_ignore = [r\"\\",
                                "collect_ignore.append(", "collect_ignore = (",
                                "collect_ignore",         "collect_ignore\\\n= []"};
  for (const auto& input : inputs) (void)parse_conftest_ignores(input, "c.py");
}

}  // namespace
}  // namespace shardplan
