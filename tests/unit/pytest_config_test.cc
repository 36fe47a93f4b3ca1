#include "core/pytest/config.h"

#include <gtest/gtest.h>

namespace shardplan {
namespace {

using Strings = std::vector<std::string>;

// ---- shell_split (Python's shlex.split) ----

struct SplitCase {
  const char* name;
  std::string text;
  Strings words;
};

class ShellSplit : public testing::TestWithParam<SplitCase> {};

TEST_P(ShellSplit, SplitsLikeShlex) {
  const auto result = shell_split(GetParam().text);
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(*result, GetParam().words);
}

// Expected values were produced by Python 3.11's shlex.split.
INSTANTIATE_TEST_SUITE_P(
    Cases, ShellSplit,
    testing::Values(
        SplitCase{"Whitespace", "a b  c", {"a", "b", "c"}}, SplitCase{"Empty", "", {}},
        SplitCase{"Newlines", "a\n  b", {"a", "b"}},
        SplitCase{"SingleQuotes", "'a b' c", {"a b", "c"}},
        SplitCase{"EscapedQuoteInDoubleQuotes", "\"a \\\" b\"", {"a \" b"}},
        SplitCase{"EscapedBackslashInDoubleQuotes", "\"a\\\\b\"", {"a\\b"}},
        SplitCase{"OtherBackslashInDoubleQuotesKept", "\"a\\nb\"", {"a\\nb"}},
        SplitCase{"BackslashInSingleQuotesKept", "'a\\b'", {"a\\b"}},
        SplitCase{"EscapedSpace", "a\\ b", {"a b"}}, SplitCase{"EscapedQuote", "a\\\"b", {"a\"b"}},
        SplitCase{"QuotesJoinWords", "x\"y z\"w", {"xy zw"}},
        SplitCase{"EmptyQuotesMakeAWord", "''", {""}}, SplitCase{"HashIsNotAComment", "#x", {"#x"}},
        SplitCase{"QuotedOptionValue", "--ignore-glob='*_slow.py'", {"--ignore-glob=*_slow.py"}}),
    [](const auto& test) { return std::string(test.param.name); });

struct SplitErrorCase {
  const char* name;
  std::string text;
  Diagnostic error;
};

class ShellSplitError : public testing::TestWithParam<SplitErrorCase> {};

TEST_P(ShellSplitError, ReportsPositionAndFix) {
  const auto result = shell_split(GetParam().text);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error(), GetParam().error);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ShellSplitError,
    testing::Values(
        SplitErrorCase{
            "SingleQuote", "a 'b",
            error_at("", 1, 3,
                     "unterminated ' quote: add the closing ' or escape this one as \\'")},
        SplitErrorCase{
            "DoubleQuoteOnSecondLine", "x\n \"y",
            error_at("", 2, 2,
                     "unterminated \" quote: add the closing \" or escape this one as \\\"")},
        SplitErrorCase{
            "TrailingBackslash", "a\\",
            error_at("", 1, 2, "a trailing backslash escapes nothing: remove it or write \\\\")}),
    [](const auto& test) { return std::string(test.param.name); });

// ---- parse_ini_config ----

PytestConfig config_from(const std::string& source) {
  PytestConfig config = default_pytest_config();
  config.source = source;
  return config;
}

struct IniCase {
  const char* name;
  std::string content;
  std::string section;
  bool always_counts;
  std::optional<PytestConfig> expected;
};

class ParseIni : public testing::TestWithParam<IniCase> {};

TEST_P(ParseIni, ReadsSettings) {
  const auto& c = GetParam();
  const auto result = parse_ini_config(c.content, "cfg", c.section, c.always_counts);
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(*result, c.expected);
}

PytestConfig with(std::vector<std::string> PytestConfig::*field, Strings values) {
  PytestConfig config = config_from("cfg");
  config.*field = std::move(values);
  return config;
}

PytestConfig with_ignores(Strings ignore, Strings ignore_glob) {
  PytestConfig config = config_from("cfg");
  config.addopts.ignore = std::move(ignore);
  config.addopts.ignore_glob = std::move(ignore_glob);
  return config;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseIni,
    testing::Values(
        IniCase{"Testpaths", "[pytest]\ntestpaths = tests integration\n", "pytest", false,
                with(&PytestConfig::testpaths, {"tests", "integration"})},
        IniCase{"ColonSeparator", "[pytest]\ntestpaths: tests\n", "pytest", false,
                with(&PytestConfig::testpaths, {"tests"})},
        IniCase{"ContinuationLines", "[pytest]\npython_files =\n    check_*.py\n\n    test_*.py\n",
                "pytest", false, with(&PytestConfig::python_files, {"check_*.py", "test_*.py"})},
        IniCase{"Comments",
                "# top\n; other\n[pytest] # trailing\nnorecursedirs = a\n  # indented\n  b\n",
                "pytest", false, with(&PytestConfig::norecursedirs, {"a", "b"})},
        IniCase{"InlineHashIsPartOfTheValue", "[pytest]\ntestpaths = tests # note\n", "pytest",
                false, with(&PytestConfig::testpaths, {"tests", "#", "note"})},
        IniCase{"QuotedPathWithSpace", "[pytest]\ntestpaths = 'my tests' other\n", "pytest", false,
                with(&PytestConfig::testpaths, {"my tests", "other"})},
        IniCase{"EmptyPythonFiles", "[pytest]\npython_files =\n", "pytest", false,
                with(&PytestConfig::python_files, {})},
        IniCase{"CrLf", "[pytest]\r\ntestpaths = t\r\n", "pytest", false,
                with(&PytestConfig::testpaths, {"t"})},
        IniCase{"Addopts",
                "[pytest]\naddopts = -ra --ignore=tests/legacy --ignore tests/old.py -p no:x\n"
                "  --ignore-glob='*_slow.py' --ignore-glob gen/*\n",
                "pytest", false,
                with_ignores({"tests/legacy", "tests/old.py"}, {"*_slow.py", "gen/*"})},
        IniCase{"OtherKeysIgnored", "[pytest]\nmarkers =\n  slow: \"quoted\n", "pytest", false,
                config_from("cfg")},
        IniCase{"NoSectionDoesNotCount", "[tox]\nenvlist = py3\n", "pytest", false, std::nullopt},
        IniCase{"PytestIniAlwaysCounts", "", "pytest", true, config_from("cfg")},
        IniCase{"PytestIniOtherSectionCounts", "[other]\nx = 1\n", "pytest", true,
                config_from("cfg")},
        IniCase{"SetupCfgSection", "[metadata]\nname = x\n[tool:pytest]\ntestpaths = t\n",
                "tool:pytest", false, with(&PytestConfig::testpaths, {"t"})},
        IniCase{"SetupCfgWithoutSection", "[metadata]\nname = x\n", "tool:pytest", false,
                std::nullopt}),
    [](const auto& test) { return std::string(test.param.name); });

struct IniErrorCase {
  const char* name;
  std::string content;
  std::string section;
  std::string message;  // Diagnostic::format()
};

class ParseIniError : public testing::TestWithParam<IniErrorCase> {};

TEST_P(ParseIniError, NamesFileLineAndColumn) {
  const auto& c = GetParam();
  const auto result = parse_ini_config(c.content, "pytest.ini", c.section, true);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().format(), c.message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseIniError,
    testing::Values(
        IniErrorCase{"UnterminatedQuoteInAddopts", "[pytest]\naddopts = -x '--ignore=a\n", "pytest",
                     "pytest.ini:2:14: addopts: unterminated ' quote: add the closing ' or escape "
                     "this one as \\'"},
        IniErrorCase{"UnterminatedQuoteOnContinuationLine",
                     "[pytest]\naddopts =\n  -x\n    \"oops\n", "pytest",
                     "pytest.ini:4:5: addopts: unterminated \" quote: add the closing \" or escape "
                     "this one as \\\""},
        IniErrorCase{"TrailingBackslashInTestpaths", "[pytest]\ntestpaths = a b\\\n", "pytest",
                     "pytest.ini:2:16: testpaths: a trailing backslash escapes nothing: remove it "
                     "or write \\\\"},
        IniErrorCase{"IgnoreWithoutValue", "[pytest]\naddopts = -q --ignore\n", "pytest",
                     "pytest.ini:2:11: addopts: --ignore needs a value: write '--ignore=PATH'"},
        IniErrorCase{"NoSectionHeader", "addopts = -q\n", "pytest",
                     "pytest.ini:1:1: no section header defined: add [pytest] above this line"},
        IniErrorCase{
            "UnexpectedLine", "[pytest]\n\nfoo\n", "pytest",
            "pytest.ini:3:1: unexpected line: expected 'name = value', a [section] header, or an "
            "indented continuation line"},
        IniErrorCase{"DuplicateName", "[pytest]\na = 1\na = 2\n", "pytest",
                     "pytest.ini:3:1: duplicate name 'a': set it only once"},
        IniErrorCase{"DuplicateSection", "[pytest]\n[pytest]\n", "pytest",
                     "pytest.ini:2:1: duplicate section [pytest]: merge the two"},
        IniErrorCase{"EmptySectionName", "[]\n", "pytest",
                     "pytest.ini:1:1: empty section name: write [pytest]"},
        IniErrorCase{
            "ContinuationFirst", "  -x\n", "pytest",
            "pytest.ini:1:3: unexpected value continuation: indented lines continue the value "
            "above them; remove the indentation or put a 'name =' line first"},
        IniErrorCase{
            "ContinuationAfterHeader", "[pytest]\n  -x\n", "pytest",
            "pytest.ini:2:3: unexpected value continuation: indented lines continue the value "
            "above them; remove the indentation or put a 'name =' line first"},
        IniErrorCase{
            "ErrorInAnotherSection", "[tox]\nbroken\n", "pytest",
            "pytest.ini:2:1: unexpected line: expected 'name = value', a [section] header, or an "
            "indented continuation line"},
        IniErrorCase{
            "PlainPytestSectionInSetupCfg", "[pytest]\ntestpaths = t\n", "tool:pytest",
            "pytest.ini: [pytest] section in setup.cfg files is no longer supported, change to "
            "[tool:pytest] instead"}),
    [](const auto& test) { return std::string(test.param.name); });

// ---- parse_pyproject_config ----

struct TomlCase {
  const char* name;
  std::string content;
  std::optional<PytestConfig> expected;
  int major = 8;
};

class ParsePyproject : public testing::TestWithParam<TomlCase> {};

TEST_P(ParsePyproject, ReadsPytestTable) {
  const auto result = parse_pyproject_config(GetParam().content, "cfg", GetParam().major);
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(*result, GetParam().expected);
}

PytestConfig toml_expected() {
  PytestConfig config = config_from("cfg");
  config.testpaths = {"tests", "integration tests"};
  config.python_files = {"check_*.py", "test_*.py"};
  config.norecursedirs = {"legacy"};
  config.addopts.ignore = {"tests/old"};
  config.addopts.ignore_glob = {"*_slow.py"};
  return config;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParsePyproject,
    testing::Values(
        TomlCase{"IniOptions",
                 "[project]\nname = \"x\"\n[tool.pytest.ini_options]\n"
                 "testpaths = [\"tests\", \"integration tests\"]\npython_files = \"check_*.py "
                 "test_*.py\"\n"
                 "norecursedirs = [\"legacy\"]\naddopts = \"--ignore=tests/old --ignore-glob "
                 "'*_slow.py'\"\n"
                 "minversion = 6.0\n",
                 toml_expected()},
        TomlCase{"AddoptsAsList", "[tool.pytest.ini_options]\naddopts = [\"--ignore\", \"a b\"]\n",
                 with_ignores({"a b"}, {})},
        TomlCase{"NativeTable",
                 "[tool.pytest]\ntestpaths = [\"tests\", \"integration tests\"]\n"
                 "python_files = [\"check_*.py\", \"test_*.py\"]\nnorecursedirs = [\"legacy\"]\n"
                 "addopts = [\"--ignore=tests/old\", \"--ignore-glob=*_slow.py\"]\n",
                 toml_expected(), 9},
        TomlCase{"NativeTableNotReadBefore9", "[tool.pytest]\ntestpaths = [\"tests\"]\n",
                 std::nullopt, 8},
        TomlCase{"IniOptionsOnlyBefore9",
                 "[tool.pytest]\ntestpaths = [\"native\"]\n[tool.pytest.ini_options]\ntestpaths = "
                 "\"ini\"\n",
                 with(&PytestConfig::testpaths, {"ini"}), 7},
        TomlCase{"IniOptionsIn9", "[tool.pytest.ini_options]\ntestpaths = \"ini\"\n",
                 with(&PytestConfig::testpaths, {"ini"}), 9},
        TomlCase{"EmptyNativeTableDoesNotCount", "[tool.pytest]\n", std::nullopt, 9},
        TomlCase{"EmptyIniOptionsCounts", "[tool.pytest.ini_options]\n", config_from("cfg")},
        TomlCase{"NoPytestTable", "[tool.black]\nline-length = 100\n", std::nullopt},
        TomlCase{"EmptyFile", "", std::nullopt}),
    [](const auto& test) { return std::string(test.param.name); });

struct TomlErrorCase {
  const char* name;
  std::string content;
  std::string message;
  int major = 8;
};

class ParsePyprojectError : public testing::TestWithParam<TomlErrorCase> {};

TEST_P(ParsePyprojectError, NamesFileLineAndColumn) {
  const auto result =
      parse_pyproject_config(GetParam().content, "pyproject.toml", GetParam().major);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().format(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParsePyprojectError,
    testing::Values(
        TomlErrorCase{"Syntax", "[tool.pytest.ini_options]\ntestpaths = [\"a\"\n",
                      "pyproject.toml:2:18: invalid TOML: Error while parsing array: encountered "
                      "end-of-file; fix the syntax (pytest cannot read this file either)"},
        // toml++ 3.3 asserts on this in debug builds; it must be an error message instead.
        TomlErrorCase{
            "NewlineInTableHeader", "[\nb]\n",
            "pyproject.toml:1:2: invalid TOML: Error while parsing key: expected bare key starting "
            "character or string delimiter, saw '\\n'; fix the syntax (pytest cannot read this "
            "file either)"},
        TomlErrorCase{
            "BareWord", "[tool.pytest.ini_options]\ntestpaths = tests\n",
            "pyproject.toml:2:14: invalid TOML: Error while parsing boolean: expected 'true', "
            "saw 'te'; fix the syntax (pytest cannot read this file either)"},
        TomlErrorCase{"NonStringInList", "[tool.pytest.ini_options]\ntestpaths = [\"a\", 1]\n",
                      "pyproject.toml:2:19: testpaths must be a string or a list of strings, e.g. "
                      "testpaths = [\"tests\"]"},
        TomlErrorCase{
            "Table", "[tool.pytest.ini_options]\npython_files = { a = 1 }\n",
            "pyproject.toml:2:16: python_files must be a string or a list of strings, e.g. "
            "python_files = [\"tests\"]"},
        TomlErrorCase{
            "NativeAndIniOptionsIn9",
            "[tool.pytest]\ntestpaths = [\"native\"]\n[tool.pytest.ini_options]\ntestpaths = "
            "\"ini\"\n",
            "pyproject.toml: cannot use both [tool.pytest] (native TOML types) and "
            "[tool.pytest.ini_options] (string-based INI format) simultaneously (pytest 9 refuses "
            "this file): keep one",
            9},
        TomlErrorCase{"NativeStringIn9", "[tool.pytest]\ntestpaths = \"tests\"\n",
                      "pyproject.toml:2:13: testpaths must be a list of strings in a native TOML "
                      "pytest table "
                      "(pytest 9), e.g. testpaths = [\"tests\"]",
                      9},
        TomlErrorCase{
            "UnterminatedQuote", "[tool.pytest.ini_options]\naddopts = \"--ignore 'x\"\n",
            "pyproject.toml:2:11: addopts: unterminated ' quote: add the closing ' or escape this "
            "one as \\'"}),
    [](const auto& test) { return std::string(test.param.name); });

// ---- read_pytest_config: which file wins ----

struct PrecedenceCase {
  const char* name;
  std::vector<std::pair<std::string, std::string>> files;
  std::string source;  // expected winner, "" for none
  Strings testpaths;   // expected testpaths from the winner
  int major = 8;
};

class ReadPytestConfig : public testing::TestWithParam<PrecedenceCase> {};

TEST_P(ReadPytestConfig, PicksTheFilePytestWould) {
  MemoryFileSystem fs;
  for (const auto& [path, content] : GetParam().files) fs.add_file(path, content);
  const auto result = read_pytest_config(fs, ".", GetParam().major);
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(result->source, GetParam().source);
  EXPECT_EQ(result->testpaths, GetParam().testpaths);
}

const std::string kPyproject = "[tool.pytest.ini_options]\ntestpaths = [\"from_pyproject\"]\n";

INSTANTIATE_TEST_SUITE_P(
    Cases, ReadPytestConfig,
    testing::Values(
        PrecedenceCase{"Nothing", {}, "", {}},
        PrecedenceCase{"EmptyPytestIniWins",
                       {{"pytest.ini", ""},
                        {"pyproject.toml", kPyproject},
                        {"tox.ini", "[pytest]\ntestpaths = t\n"}},
                       "pytest.ini",
                       {}},
        PrecedenceCase{"PytestIniBeforeDotPytestIni",
                       {{"pytest.ini", "[pytest]\ntestpaths = a\n"},
                        {".pytest.ini", "[pytest]\ntestpaths = b\n"}},
                       "pytest.ini",
                       {"a"}},
        PrecedenceCase{
            "DotPytestIniBeforePyproject",
            {{".pytest.ini", "[pytest]\ntestpaths = b\n"}, {"pyproject.toml", kPyproject}},
            ".pytest.ini",
            {"b"}},
        PrecedenceCase{"DotPytestIniWithoutSectionSkipped",
                       {{".pytest.ini", "[other]\n"}, {"pyproject.toml", kPyproject}},
                       "pyproject.toml",
                       {"from_pyproject"}},
        PrecedenceCase{"PyprojectBeforeTox",
                       {{"pyproject.toml", kPyproject}, {"tox.ini", "[pytest]\ntestpaths = t\n"}},
                       "pyproject.toml",
                       {"from_pyproject"}},
        PrecedenceCase{
            "PyprojectWithoutTableSkipped",
            {{"pyproject.toml", "[tool.black]\n"}, {"tox.ini", "[pytest]\ntestpaths = t\n"}},
            "tox.ini",
            {"t"}},
        PrecedenceCase{"ToxWithoutSectionSkipped",
                       {{"tox.ini", "[tox]\nenvlist = py3\n"},
                        {"setup.cfg", "[tool:pytest]\ntestpaths = s\n"}},
                       "setup.cfg",
                       {"s"}},
        PrecedenceCase{
            "SetupCfgWithoutSectionSkipped", {{"setup.cfg", "[metadata]\nname = x\n"}}, "", {}},
        PrecedenceCase{"DotPytestIniWithoutSectionCountsIn9",
                       {{".pytest.ini", "[other]\n"}, {"pyproject.toml", kPyproject}},
                       ".pytest.ini",
                       {},
                       9},
        PrecedenceCase{"PytestTomlFirstIn9",
                       {{"pytest.toml", "[pytest]\ntestpaths = [\"pt\"]\n"}, {"pytest.ini", ""}},
                       "pytest.toml",
                       {"pt"},
                       9},
        PrecedenceCase{"EmptyDotPytestTomlCountsIn9",
                       {{".pytest.toml", ""}, {"pytest.ini", "[pytest]\ntestpaths = a\n"}},
                       ".pytest.toml",
                       {},
                       9},
        PrecedenceCase{"PytestTomlUnknownBefore9",
                       {{"pytest.toml", "[pytest]\ntestpaths = [\"pt\"]\n"},
                        {"tox.ini", "[pytest]\ntestpaths = t\n"}},
                       "tox.ini",
                       {"t"},
                       8},
        PrecedenceCase{
            "NativePyprojectTableIn9",
            {{"pyproject.toml", "[tool.pytest]\ntestpaths = [\"n\"]\n"}, {"tox.ini", "[pytest]\n"}},
            "pyproject.toml",
            {"n"},
            9},
        PrecedenceCase{
            "NativePyprojectTableIgnoredIn7",
            {{"pyproject.toml", "[tool.pytest]\ntestpaths = [\"n\"]\n"}, {"tox.ini", "[pytest]\n"}},
            "tox.ini",
            {},
            7},
        PrecedenceCase{"DirectoryNamedPytestIniIgnored",
                       {{"pytest.ini/x", ""}, {"tox.ini", "[pytest]\ntestpaths = t\n"}},
                       "tox.ini",
                       {"t"}}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(ReadPytestConfig, DefaultsWhenNothingConfigures) {
  MemoryFileSystem fs;
  const auto result = read_pytest_config(fs, ".");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(*result, default_pytest_config());
  EXPECT_EQ(result->python_files, (Strings{"test_*.py", "*_test.py"}));
  EXPECT_EQ(result->norecursedirs, (Strings{"*.egg", ".*", "_darcs", "build", "CVS", "dist",
                                            "node_modules", "venv", "{arch}"}));
}

TEST(ReadPytestConfig, SourceIsJoinedWithTheRoot) {
  MemoryFileSystem fs;
  fs.add_file("proj/setup.cfg", "[tool:pytest]\ntestpaths = t\n");
  const auto result = read_pytest_config(fs, "proj");
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->source, "proj/setup.cfg");
}

TEST(ReadPytestConfig, MalformedCandidateIsAnErrorEvenWithoutPytestSection) {
  MemoryFileSystem fs;
  fs.add_file("tox.ini", "[tox]\nnot a setting\n");
  fs.add_file("setup.cfg", "[tool:pytest]\n");
  const auto result = read_pytest_config(fs, ".");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(
      result.error().format(),
      "tox.ini:2:1: unexpected line: expected 'name = value', a [section] header, or an indented "
      "continuation line");
}

// ---- parse_pytest_args ----

struct ArgsCase {
  const char* name;
  Strings args;
  PytestArgs expected;
};

class ParsePytestArgs : public testing::TestWithParam<ArgsCase> {};

TEST_P(ParsePytestArgs, TakesWhatDecidesCollection) {
  const auto result = parse_pytest_args(GetParam().args);
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(*result, GetParam().expected);
}

PytestArgs paths(Strings values) {
  PytestArgs args;
  args.paths = std::move(values);
  return args;
}

PytestArgs all_options() {
  PytestArgs args = paths({"tests", "b"});
  args.overrides = {"python_files=check_*.py", "testpaths=x"};
  args.config_file = "ci.ini";
  args.rootdir = "..";
  args.ignore = {"a", "b c"};
  args.ignore_glob = {"*_slow.py"};
  args.doctest_glob = {"*.rst"};
  args.doctest_modules = true;
  args.doctest_disabled = true;
  return args;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParsePytestArgs,
    testing::Values(
        ArgsCase{"Empty", {}, {}},
        ArgsCase{"PathsAndNodeIds",
                 {"tests", "tests/test_a.py::TestX::test_y[1]"},
                 paths({"tests", "tests/test_a.py"})},
        ArgsCase{
            "ValueOptionsConsumeTheirValue",
            {"-k", "slow", "-m", "not e2e", "-n", "4", "--junitxml", "out.xml", "--dist", "load",
             "-W", "error", "--durations", "10", "--cov", "src", "-x", "--tb=short", "tests"},
            paths({"tests"})},
        ArgsCase{"ShardplanOptionsConsumeTheirValue",
                 {"--shardplan-splits", "4", "--shardplan-group", "2", "--shardplan-durations",
                  "t.json", "--shardplan-write-plan", "p.json", "--shardplan-binary", "sp",
                  "--shardplan", "plan.json", "--shardplan-shard", "1", "tests"},
                 paths({"tests"})},
        ArgsCase{"ShortClusters", {"-vxk", "expr", "-n4", "-rA", "-qq", "a"}, paths({"a"})},
        ArgsCase{"UnknownOptionsSkipped",
                 {"--frobnicate", "--strict-markers", "--foo=bar", "x"},
                 paths({"x"})},
        ArgsCase{"DoubleDashMakesPaths", {"--", "-weird", "x"}, paths({"-weird", "x"})},
        ArgsCase{"EveryKnownOption",
                 {"-o", "python_files=check_*.py", "--override-ini=testpaths=x", "-c", "ci.ini",
                  "--rootdir=..", "--ignore", "a", "--ignore=b c", "--ignore-glob", "*_slow.py",
                  "--doctest-glob=*.rst", "--doctest-modules", "-p", "no:doctest", "tests", "b"},
                 all_options()},
        ArgsCase{"AttachedShortValues",
                 {"-ono:x=1", "-pno:doctest"},
                 [] {
                   PytestArgs args;
                   args.overrides = {"no:x=1"};
                   args.doctest_disabled = true;
                   return args;
                 }()}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(ParsePytestArgs, AppendsToEarlierArgs) {
  PytestArgs first = paths({"a"});
  first.config_file = "one.ini";
  const auto result = parse_pytest_args({"-c", "two.ini", "b"}, first);
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->paths, (Strings{"a", "b"}));
  EXPECT_EQ(result->config_file, "two.ini");
}

TEST(ParsePytestArgs, MissingValueIsAnError) {
  const auto result = parse_pytest_args({"tests", "-o"});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message, "-o needs a value: write '-o=NAME=VALUE'");
}

// ---- apply_override ----

TEST(ApplyOverride, ReplacesSettingsAndSplitsLikeIni) {
  PytestConfig config = default_pytest_config();
  ASSERT_TRUE(apply_override(config, "python_files=check_*.py 'a b.py'").ok());
  ASSERT_TRUE(apply_override(config, "testpaths=").ok());
  ASSERT_TRUE(apply_override(config, "addopts=--ignore=x --doctest-modules").ok());
  ASSERT_TRUE(apply_override(config, "markers=slow").ok());
  EXPECT_EQ(config.python_files, (Strings{"check_*.py", "a b.py"}));
  EXPECT_TRUE(config.testpaths.empty());
  EXPECT_EQ(config.addopts.ignore, (Strings{"x"}));
  EXPECT_TRUE(config.addopts.doctest_modules);
}

TEST(ApplyOverride, NeedsAnEqualsSign) {
  PytestConfig config = default_pytest_config();
  const auto result = apply_override(config, "python_files");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().message,
            "-o/--override-ini expects option=value style (got: 'python_files')");
}

}  // namespace
}  // namespace shardplan
