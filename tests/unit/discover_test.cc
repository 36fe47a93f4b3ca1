#include "core/pytest/discover.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace shardplan {
namespace {

using Strings = std::vector<std::string>;
using Files = std::vector<std::pair<std::string, std::string>>;  // path, content

std::string ini(const std::string& body) {
  return "[pytest]\n" + body + "\n";
}

// A doctest file or module needs an example to yield an item.
const std::string kDoctest = "\"\"\"\n>>> 1 + 1\n2\n\"\"\"\n";

MemoryFileSystem make_fs(const Files& files) {
  MemoryFileSystem fs;
  for (const auto& [path, content] : files) fs.add_file(path, content);
  return fs;
}

DiscoverOptions at(std::string root, Strings args = {}, int major = 8) {
  DiscoverOptions options;
  options.root = std::move(root);
  options.pytest_args = std::move(args);
  options.pytest_major = major;
  return options;
}

Strings messages(const Warnings& warnings) {
  Strings out;
  for (const auto& warning : warnings) out.push_back(warning.format());
  return out;
}

// ---- discover on an in-memory tree ----

struct DiscoverCase {
  const char* name;
  Files files;
  Strings expected;
  Strings warnings = {};
  Strings include = {};
  Strings exclude = {};
  Strings args = {};  // pytest args after `--`
  int major = 8;
};

class Discover : public testing::TestWithParam<DiscoverCase> {};

TEST_P(Discover, CollectsWhatPytestWould) {
  const auto& c = GetParam();
  const MemoryFileSystem fs = make_fs(c.files);
  DiscoverOptions options = at(".", c.args, c.major);
  options.include = c.include;
  options.exclude = c.exclude;
  const auto result = discover(fs, options);
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(result->files, c.expected);
  EXPECT_EQ(messages(result->warnings), c.warnings);
}

INSTANTIATE_TEST_SUITE_P(
    Defaults, Discover,
    testing::Values(
        DiscoverCase{"PythonFilesDefaults",
                     {{"test_a.py", ""},
                      {"a_test.py", ""},
                      {"helper.py", ""},
                      {"conftest.py", ""},
                      {"tests/__init__.py", ""},
                      {"tests/test_b.py", ""},
                      {"data/test_c.txt", kDoctest},
                      {"data/test_d.txt", "requirements, not a doctest\n"},
                      {"test_.py", ""},
                      {"tests/testing.py", ""}},
                     {"a_test.py", "data/test_c.txt", "test_.py", "test_a.py", "tests/test_b.py"}},
        DiscoverCase{"NorecursedirsDefaults",
                     {{"build/test_a.py", ""},
                      {"dist/test_a.py", ""},
                      {".git/test_a.py", ""},
                      {"node_modules/test_a.py", ""},
                      {"venv/test_a.py", ""},
                      {"x.egg/test_a.py", ""},
                      {"_darcs/test_a.py", ""},
                      {"CVS/test_a.py", ""},
                      {"{arch}/test_a.py", ""},
                      {"__pycache__/test_a.py", ""},
                      {"tests/build/test_a.py", ""},
                      {"builder/test_a.py", ""},
                      {"cvs/test_a.py", ""}},
                     {"builder/test_a.py", "cvs/test_a.py"}},
        DiscoverCase{"VirtualenvsPytest8",
                     {{"env1/pyvenv.cfg", ""},
                      {"env1/test_a.py", ""},
                      {"env2/bin/activate", ""},
                      {"env2/test_b.py", ""},
                      {"env3/conda-meta/history", ""},
                      {"env3/test_c.py", ""},
                      {"env4/bin/python", ""},
                      {"env4/test_d.py", ""}},
                     {"env2/test_b.py", "env4/test_d.py"}},
        DiscoverCase{"VirtualenvsPytest7",
                     {{"env1/pyvenv.cfg", ""},
                      {"env1/test_a.py", ""},
                      {"env2/bin/activate", ""},
                      {"env2/test_b.py", ""},
                      {"env3/bin/Activate.ps1", ""},
                      {"env3/test_c.py", ""},
                      {"env4/bin/python", ""},
                      {"env4/test_d.py", ""}},
                     {"env1/test_a.py", "env4/test_d.py"},
                     {},
                     {},
                     {},
                     {},
                     7},
        DiscoverCase{
            "SpacesAndUnicodeInNames",
            {{"my tests/test_a b.py", ""}, {"my tests/test a.py", ""}, {"tésts/test_ü.py", ""}},
            {"my tests/test_a b.py", "tésts/test_ü.py"}},
        DiscoverCase{
            "NonUtf8NameSkippedWithWarning",
            {{"tests/test_\xff.py", ""}, {"tests/test_ok.py", ""}, {"tests/\xfe_data.txt", ""}},
            {"tests/test_ok.py"},
            {"tests/test_\\xff.py: name is not valid UTF-8: skipped (it cannot be written to a "
             "plan)"}},
        DiscoverCase{"ByteOrder",
                     {{"tests/test_B.py", ""}, {"tests/test_a.py", ""}, {"Test/test_z.py", ""}},
                     {"Test/test_z.py", "tests/test_B.py", "tests/test_a.py"}}),
    [](const auto& test) { return std::string(test.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Config, Discover,
    testing::Values(
        DiscoverCase{"CustomNorecursedirsReplaceDefaults",
                     {{"pytest.ini", ini("norecursedirs = legacy*")},
                      {"build/test_a.py", ""},
                      {"legacy_x/test_b.py", ""},
                      {"x/legacy/test_c.py", ""}},
                     {"build/test_a.py"}},
        DiscoverCase{"NorecursedirsWithSlashMatchesPathTail",
                     {{"pytest.ini", ini("norecursedirs = tests/slow")},
                      {"tests/slow/test_a.py", ""},
                      {"other/tests/slow/test_b.py", ""},
                      {"tests/fast/test_c.py", ""}},
                     {"tests/fast/test_c.py"}},
        DiscoverCase{"CustomPythonFiles",
                     {{"setup.cfg", "[tool:pytest]\npython_files = check_*.py\n"},
                      {"check_a.py", ""},
                      {"test_b.py", ""}},
                     {"check_a.py"}},
        DiscoverCase{"PythonFilesAllModules",
                     {{"pytest.ini", ini("python_files = *.py")},
                      {"pkg/__init__.py", ""},
                      {"pkg/conftest.py", ""},
                      {"pkg/mod.py", ""},
                      {"pkg/data.txt", ""},
                      {"pkg/.py", ""}},
                     {"pkg/__init__.py", "pkg/conftest.py", "pkg/mod.py"}},
        DiscoverCase{"InitCollectedOnlyWhenMatching",
                     {{"pytest.ini", ini("python_files = test_*.py __init__.py")},
                      {"pkg/__init__.py", ""},
                      {"pkg/test_a.py", ""}},
                     {"pkg/__init__.py", "pkg/test_a.py"}},
        DiscoverCase{"PythonFilesWithSlash",
                     {{"pytest.ini", ini("python_files = tests/unit/*.py")},
                      {"tests/unit/helpers.py", ""},
                      {"tests/unit/sub/deep.py", ""},
                      {"tests/other/test_a.py", ""}},
                     {"tests/unit/helpers.py", "tests/unit/sub/deep.py"}},
        DiscoverCase{
            "IgnoreFromAddopts",
            {{"pytest.ini", ini("addopts = --ignore=tests/legacy --ignore ./tests/test_old.py")},
             {"tests/legacy/test_a.py", ""},
             {"tests/test_old.py", ""},
             {"tests/test_new.py", ""},
             {"tests/legacy_more/test_b.py", ""}},
            {"tests/legacy_more/test_b.py", "tests/test_new.py"}},
        DiscoverCase{
            "IgnoreGlobFromAddopts",
            {{"pyproject.toml",
              "[tool.pytest.ini_options]\naddopts = \"--ignore-glob=*_slow_test.py --ignore-glob "
              "'tests/gen*'\"\n"},
             {"tests/a_slow_test.py", ""},
             {"tests/deep/b_slow_test.py", ""},
             {"tests/gen1/test_a.py", ""},
             {"tests/generated_test.py", ""},
             {"tests/test_keep.py", ""}},
            {"tests/test_keep.py"}},
        DiscoverCase{
            "QuotedPathWithSpaces",
            {{"pytest.ini", ini("testpaths = 'my tests'\naddopts = --ignore='my tests/old stuff'")},
             {"my tests/test_a.py", ""},
             {"my tests/old stuff/test_b.py", ""},
             {"test_root.py", ""}},
            {"my tests/test_a.py"}}),
    [](const auto& test) { return std::string(test.param.name); });

INSTANTIATE_TEST_SUITE_P(
    Testpaths, Discover,
    testing::Values(
        DiscoverCase{"Directory",
                     {{"pytest.ini", ini("testpaths = tests")},
                      {"tests/test_a.py", ""},
                      {"test_root.py", ""}},
                     {"tests/test_a.py"}},
        DiscoverCase{"SeveralWithContinuation",
                     {{"tox.ini", "[pytest]\ntestpaths =\n  unit\n  integration\n"},
                      {"unit/test_a.py", ""},
                      {"integration/test_b.py", ""},
                      {"other/test_c.py", ""}},
                     {"integration/test_b.py", "unit/test_a.py"}},
        DiscoverCase{"FileCollectedEvenIfNotMatching",
                     {{"pytest.ini", ini("testpaths = tests/helper.py tests/notes.txt")},
                      {"tests/helper.py", ""},
                      {"tests/notes.txt", kDoctest},
                      {"tests/test_a.py", ""}},
                     {"tests/helper.py", "tests/notes.txt"}},
        DiscoverCase{"Glob",
                     {{"pytest.ini", ini("testpaths = pkg*/tests")},
                      {"pkg1/tests/test_a.py", ""},
                      {"pkg2/tests/test_b.py", ""},
                      {"other/tests/test_c.py", ""},
                      {"pkg3/tests", ""}},
                     {"pkg1/tests/test_a.py", "pkg2/tests/test_b.py"},
                     {"pkg3/tests: is not a Python file, a doctest file or a directory: pytest "
                      "collects nothing from it"}},
        DiscoverCase{"RecursiveGlob",
                     {{"pytest.ini", ini("testpaths = src/**/tests")},
                      {"src/tests/test_a.py", ""},
                      {"src/x/y/tests/test_b.py", ""},
                      {"src/.hidden/tests/test_c.py", ""},
                      {"src/x/test_d.py", ""}},
                     {"src/tests/test_a.py", "src/x/y/tests/test_b.py"}},
        DiscoverCase{"TrailingDoubleStarNamesEveryFile",
                     {{"pytest.ini", ini("testpaths = tests/**")},
                      {"tests/test_a.py", ""},
                      {"tests/helper.py", ""},
                      {"tests/build/test_b.py", ""},
                      {"tests/.hidden/test_c.py", ""}},
                     {"tests/build/test_b.py", "tests/helper.py", "tests/test_a.py"}},
        DiscoverCase{
            "ArgumentDirectoryIsNotCheckedAgainstNorecursedirs",
            {{"pytest.ini", ini("testpaths = build/tests")}, {"build/tests/test_a.py", ""}},
            {"build/tests/test_a.py"}},
        DiscoverCase{"ArgumentUnderIgnoredDirectoryIsStillCollected",
                     {{"pytest.ini", ini("testpaths = tests/sub\naddopts = --ignore=tests")},
                      {"tests/sub/test_a.py", ""},
                      {"tests/test_b.py", ""}},
                     {"tests/sub/test_a.py"}},
        DiscoverCase{
            "MissingFallsBackToRoot",
            {{"pytest.ini", ini("testpaths = nope no*")}, {"test_a.py", ""}, {"sub/test_b.py", ""}},
            {"sub/test_b.py", "test_a.py"},
            {"pytest.ini: testpaths entry 'nope' matches nothing",
             "pytest.ini: testpaths entry 'no*' matches nothing"}},
        DiscoverCase{"PartlyMissing",
                     {{"pytest.ini", ini("testpaths = tests nope")},
                      {"tests/test_a.py", ""},
                      {"test_b.py", ""}},
                     {"tests/test_a.py"},
                     {"pytest.ini: testpaths entry 'nope' matches nothing"}},
        DiscoverCase{"OutsideRoot",
                     {{"pytest.ini", ini("testpaths = ../elsewhere")}, {"test_a.py", ""}},
                     {"test_a.py"},
                     {"pytest.ini: testpaths entry '../elsewhere' is outside the root: skipped"}},
        DiscoverCase{"InitFileNamedDirectlyIsAModuleIn8",
                     {{"pytest.ini", ini("testpaths = pkg/__init__.py other.py")},
                      {"pkg/__init__.py", ""},
                      {"other.py", ""}},
                     {"other.py", "pkg/__init__.py"}},
        DiscoverCase{"InitFileNamedDirectlyIn7GivesTheFirstItemOfItsPackage",
                     {{"pytest.ini", ini("testpaths = pkg/__init__.py other.py")},
                      {"pkg/__init__.py", ""},
                      {"pkg/sub/__init__.py", ""},
                      {"pkg/sub/test_s.py", ""},
                      {"pkg/test_b.py", ""},
                      {"pkg/test_c.py", ""},
                      {"other.py", ""}},
                     {"other.py", "pkg/test_b.py"},
                     {},
                     {},
                     {},
                     {},
                     7},
        DiscoverCase{"InitFileNamedDirectlyIn7SubpackageFirst",
                     {{"pytest.ini", ini("testpaths = pkg/__init__.py")},
                      {"pkg/__init__.py", ""},
                      {"pkg/sub/__init__.py", ""},
                      {"pkg/sub/test_s.py", ""},
                      {"pkg/sub/test_t.py", ""},
                      {"pkg/zz/test_z.py", ""}},
                     {"pkg/sub/test_s.py", "pkg/sub/test_t.py"},
                     {},
                     {},
                     {},
                     {},
                     7},
        DiscoverCase{
            "OverlappingEntriesDeduplicated",
            {{"pytest.ini", ini("testpaths = tests tests/test_a.py")}, {"tests/test_a.py", ""}},
            {"tests/test_a.py"}}),
    [](const auto& test) { return std::string(test.param.name); });

INSTANTIATE_TEST_SUITE_P(IncludeExclude, Discover,
                         testing::Values(DiscoverCase{"Include",
                                                      {{"tests/unit/test_a.py", ""},
                                                       {"tests/unit_extra/test_b.py", ""},
                                                       {"test_c.py", ""},
                                                       {"tests/e2e/test_d.py", ""}},
                                                      {"test_c.py", "tests/unit/test_a.py"},
                                                      {},
                                                      {"./tests/unit/", "test_c.py"}},
                                         DiscoverCase{"ExcludePathAndGlob",
                                                      {{"tests/slow/test_a.py", ""},
                                                       {"tests/test_b_flaky.py", ""},
                                                       {"tests/test_c.py", ""},
                                                       {"tests/slower/test_d.py", ""},
                                                       {"gen_1/x/test_e.py", ""}},
                                                      {"tests/slower/test_d.py", "tests/test_c.py"},
                                                      {},
                                                      {},
                                                      {"tests/slow/", "*_flaky.py", "gen_?"}},
                                         DiscoverCase{"IncludeThenExclude",
                                                      {{"tests/a/test_a.py", ""},
                                                       {"tests/a/test_b.py", ""},
                                                       {"other/test_c.py", ""}},
                                                      {"tests/a/test_b.py"},
                                                      {},
                                                      {"tests"},
                                                      {"tests/a/test_a.py"}}),
                         [](const auto& test) { return std::string(test.param.name); });

TEST(Discover, SymlinkLoopIsSkippedWithWarning) {
  MemoryFileSystem fs;
  fs.add_file("tests/test_a.py");
  fs.add_file("tests/sub/test_b.py");
  fs.add_dir_alias("tests/sub/loop", "tests");
  const auto result = discover(fs, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->files, (Strings{"tests/sub/test_b.py", "tests/test_a.py"}));
  EXPECT_EQ(messages(result->warnings), (Strings{"tests/sub/loop: symlink loop: skipped"}));
}

TEST(Discover, SymlinkToSiblingIsWalkedLikePytest) {
  MemoryFileSystem fs;
  fs.add_file("shared/test_a.py");
  fs.add_dir_alias("tests/shared", "shared");
  const auto result = discover(fs, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->files, (Strings{"shared/test_a.py", "tests/shared/test_a.py"}));
  EXPECT_TRUE(result->warnings.empty());
}

// Fails to list one directory, as a real filesystem does without read permission.
class UnreadableDirFileSystem final : public FileSystem {
 public:
  UnreadableDirFileSystem(const MemoryFileSystem& inner, std::string bad)
      : inner_(inner), bad_(std::move(bad)) {}
  Result<std::string> read(const std::string& path) const override { return inner_.read(path); }
  EntryKind kind(const std::string& path) const override { return inner_.kind(path); }
  Result<std::vector<DirEntry>> list(const std::string& dir) const override {
    if (dir == bad_) return error_in(dir, "cannot list directory: Permission denied");
    return inner_.list(dir);
  }
  std::string identity(const std::string& dir) const override { return inner_.identity(dir); }
  std::string current_directory() const override { return inner_.current_directory(); }

 private:
  const MemoryFileSystem& inner_;
  std::string bad_;
};

TEST(Discover, UnreadableDirectoryIsAWarning) {
  const MemoryFileSystem inner = make_fs({{"secret/test_a.py", ""}, {"tests/test_b.py", ""}});
  const UnreadableDirFileSystem fs(inner, "secret");
  const auto result = discover(fs, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->files, (Strings{"tests/test_b.py"}));
  EXPECT_EQ(messages(result->warnings),
            (Strings{"secret: cannot list directory: Permission denied; skipped"}));
}

TEST(Discover, RootBelowCurrentDirectory) {
  const MemoryFileSystem fs = make_fs({{"proj/pytest.ini", ini("testpaths = tests")},
                                       {"proj/tests/test_a.py", ""},
                                       {"proj/test_b.py", ""},
                                       {"test_c.py", ""}});
  const auto result = discover(fs, at("proj"));
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(result->files, (Strings{"tests/test_a.py"}));
  EXPECT_EQ(result->config.source, "proj/pytest.ini");
  EXPECT_EQ(result->config.testpaths, (Strings{"tests"}));
}

TEST(Discover, AbsoluteIgnoreGlobAndPathUnderRoot) {
  const std::string cwd = "/srv/checkout";  // the filesystem's, not this process's
  MemoryFileSystem fs = make_fs({{"pytest.ini", ini("addopts = '--ignore-glob=" + cwd +
                                                    "/tests/x*' '--ignore=" + cwd + "/tests/y'")},
                                 {"tests/x1/test_a.py", ""},
                                 {"tests/y/test_b.py", ""},
                                 {"tests/test_c.py", ""}});
  fs.set_current_directory(cwd);
  const auto result = discover(fs, {});
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(result->files, (Strings{"tests/test_c.py"}));
}

TEST(Discover, ConfigErrorIsReturned) {
  const MemoryFileSystem fs =
      make_fs({{"pytest.ini", "[pytest]\naddopts = \"-x\n"}, {"test_a.py", ""}});
  const auto result = discover(fs, {});
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().format(),
            "pytest.ini:2:11: addopts: unterminated \" quote: add the closing \" or escape this "
            "one as \\\"");
}

TEST(Discover, MissingRootIsAnError) {
  const MemoryFileSystem fs;
  const auto result = discover(fs, at("nowhere"));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().format(),
            "nowhere: not a directory: --root must name the directory pytest runs in");
}

TEST(Discover, ReportsTheAppliedConfig) {
  const MemoryFileSystem fs = make_fs({{"test_a.py", ""}});
  const auto result = discover(fs, {});
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->config, default_pytest_config());
}

// ---- rootdir and config in parent directories, pytest args, doctests, conftest ignores ----

struct SetupCase {
  const char* name;
  Files files;
  std::string root;
  Strings args;
  int major;
  Strings expected;
  std::string config_path;
  std::string root_from_config = ".";
  Strings doctest_modules = {};
  Strings paths = {};
  std::string env_addopts = "";
};

class DiscoverSetup : public testing::TestWithParam<SetupCase> {};

TEST_P(DiscoverSetup, FindsRootdirConfigAndArgsLikePytest) {
  const auto& c = GetParam();
  const MemoryFileSystem fs = make_fs(c.files);
  DiscoverOptions options = at(c.root, c.args, c.major);
  options.env_addopts = c.env_addopts;
  const auto result = discover(fs, options);
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(result->files, c.expected);
  EXPECT_EQ(result->config_path, c.config_path);
  EXPECT_EQ(result->root_from_config, c.root_from_config);
  EXPECT_EQ(result->doctest_modules, c.doctest_modules);
  EXPECT_EQ(result->paths, c.paths);
}

const std::string kCheck = ini("python_files = check_*.py");

INSTANTIATE_TEST_SUITE_P(
    Cases, DiscoverSetup,
    testing::Values(
        SetupCase{"ConfigInParent",
                  {{"proj/pytest.ini", kCheck},
                   {"proj/pkg/check_a.py", ""},
                   {"proj/pkg/test_b.py", ""},
                   {"proj/check_c.py", ""}},
                  "proj/pkg",
                  {},
                  8,
                  {"check_a.py"},
                  "../pytest.ini",
                  "pkg"},
        SetupCase{"ConfigTwoLevelsUp",
                  {{"setup.cfg", "[tool:pytest]\npython_files = check_*.py\n"},
                   {"proj/pkg/check_a.py", ""}},
                  "proj/pkg",
                  {},
                  8,
                  {"check_a.py"},
                  "../../setup.cfg",
                  "proj/pkg"},
        SetupCase{"NearestConfigWins",
                  {{"proj/pytest.ini", kCheck},
                   {"proj/pkg/tox.ini", "[pytest]\n"},
                   {"proj/pkg/check_a.py", ""},
                   {"proj/pkg/test_b.py", ""}},
                  "proj/pkg",
                  {},
                  8,
                  {"test_b.py"},
                  "tox.ini"},
        SetupCase{"TestpathsIgnoredBelowTheRootdir",
                  {{"proj/pytest.ini", ini("testpaths = other")},
                   {"proj/pkg/test_a.py", ""},
                   {"proj/other/test_b.py", ""}},
                  "proj/pkg",
                  {},
                  8,
                  {"test_a.py"},
                  "../pytest.ini",
                  "pkg"},
        SetupCase{"BarePyprojectSetsRootdirIn8",
                  {{"proj/pyproject.toml", "[tool.black]\n"}, {"proj/pkg/test_a.py", ""}},
                  "proj/pkg",
                  {},
                  8,
                  {"test_a.py"},
                  "../pyproject.toml",
                  "pkg"},
        SetupCase{"BarePyprojectDoesNotCountIn7",
                  {{"proj/pyproject.toml", "[tool.black]\n"}, {"proj/pkg/test_a.py", ""}},
                  "proj/pkg",
                  {},
                  7,
                  {"test_a.py"},
                  ""},
        SetupCase{"BarePyprojectLosesToAConfigAbove",
                  {{"proj/pyproject.toml", "[tool.black]\n"},
                   {"tox.ini", "[pytest]\npython_files = check_*.py\n"},
                   {"proj/check_a.py", ""}},
                  "proj",
                  {},
                  8,
                  {"check_a.py"},
                  "../tox.ini",
                  "proj"},
        SetupCase{"PytestTomlOnlyIn9",
                  {{"pytest.toml", "[pytest]\npython_files = [\"check_*.py\"]\n"},
                   {"check_a.py", ""},
                   {"test_b.py", ""}},
                  ".",
                  {},
                  9,
                  {"check_a.py"},
                  "pytest.toml"},
        SetupCase{"PytestTomlUnknownIn8",
                  {{"pytest.toml", "[pytest]\npython_files = [\"check_*.py\"]\n"},
                   {"check_a.py", ""},
                   {"test_b.py", ""}},
                  ".",
                  {},
                  8,
                  {"test_b.py"},
                  ""},
        SetupCase{"OverrideAndPositionalPath",
                  {{"pytest.ini", ""},
                   {"unit/check_a.py", ""},
                   {"unit/test_b.py", ""},
                   {"e2e/check_c.py", ""}},
                  ".",
                  {"-o", "python_files=check_*.py", "./unit/"},
                  8,
                  {"unit/check_a.py"},
                  "pytest.ini",
                  ".",
                  {},
                  {"unit"}},
        SetupCase{"OverrideInIniAddoptsOnlyIn9",
                  {{"pytest.ini", ini("addopts = -o python_files=check_*.py")},
                   {"check_a.py", ""},
                   {"test_b.py", ""}},
                  ".",
                  {},
                  9,
                  {"check_a.py"},
                  "pytest.ini"},
        SetupCase{"OverrideInIniAddoptsIgnoredIn8",
                  {{"pytest.ini", ini("addopts = -o python_files=check_*.py")},
                   {"check_a.py", ""},
                   {"test_b.py", ""}},
                  ".",
                  {},
                  8,
                  {"test_b.py"},
                  "pytest.ini"},
        SetupCase{"PathsFromAddoptsReplaceTestpaths",
                  {{"pytest.ini", ini("addopts = unit\ntestpaths = e2e")},
                   {"unit/test_a.py", ""},
                   {"e2e/test_b.py", ""}},
                  ".",
                  {},
                  8,
                  {"unit/test_a.py"},
                  "pytest.ini",
                  ".",
                  {},
                  {"unit"}},
        SetupCase{"EnvAddopts",
                  {{"pytest.ini", ""}, {"unit/test_a.py", ""}, {"e2e/test_b.py", ""}},
                  ".",
                  {},
                  8,
                  {"unit/test_a.py"},
                  "pytest.ini",
                  ".",
                  {},
                  {},
                  "--ignore=e2e -k 'not slow'"},
        SetupCase{"NamedFileWhateverItsName",
                  {{"pytest.ini", ""},
                   {"unit/helper.py", ""},
                   {"unit/test_b.py", ""},
                   {"notes.rst", kDoctest}},
                  ".",
                  {"unit/helper.py", "notes.rst"},
                  8,
                  {"notes.rst", "unit/helper.py"},
                  "pytest.ini",
                  ".",
                  {},
                  {"notes.rst", "unit/helper.py"}},
        SetupCase{
            "ConfigFileOption",
            {{"pytest.ini", ""}, {"ci/ci.ini", kCheck}, {"check_a.py", ""}, {"test_b.py", ""}},
            ".",
            {"-c", "ci/ci.ini"},
            8,
            {"check_a.py"},
            "ci/ci.ini",
            ".."},
        SetupCase{"RootdirOptionDisablesTestpaths",
                  {{"pytest.ini", ini("testpaths = a")}, {"a/test_1.py", ""}, {"b/test_2.py", ""}},
                  ".",
                  {"--rootdir=b"},
                  8,
                  {"a/test_1.py", "b/test_2.py"},
                  "pytest.ini"},
        SetupCase{"DoctestTextFiles",
                  {{"pytest.ini", ini("addopts = --doctest-glob=*.rst")},
                   {"docs/test_x.txt", kDoctest},
                   {"docs/x.rst", kDoctest},
                   {"docs/y.rst", "no examples here\n"}},
                  ".",
                  {},
                  8,
                  {"docs/x.rst"},
                  "pytest.ini"},
        SetupCase{"DoctestDisabled",
                  {{"pytest.ini", ""}, {"docs/test_x.txt", ""}, {"test_a.py", ""}},
                  ".",
                  {"-p", "no:doctest", "--doctest-modules"},
                  8,
                  {"test_a.py"},
                  "pytest.ini"},
        SetupCase{"DoctestModules",
                  {{"pytest.ini", ""},
                   {"pkg/__init__.py", kDoctest},
                   {"pkg/conftest.py", kDoctest},
                   {"pkg/__main__.py", kDoctest},
                   {"pkg/mod.py", kDoctest},
                   {"pkg/plain.py", "def f():\n    return 1\n"},
                   {"pkg/test_a.py", ""},
                   {"setup.py", "from setuptools import setup\n\"\"\">>> 1\n1\"\"\"\n"},
                   {"tools/setup.py", "print(1)\n\"\"\">>> 1\n1\"\"\"\n"}},
                  ".",
                  {"--doctest-modules"},
                  8,
                  {"pkg/test_a.py"},
                  "pytest.ini",
                  ".",
                  {"pkg/__init__.py", "pkg/conftest.py", "pkg/mod.py", "tools/setup.py"}},
        SetupCase{"ConftestIgnoresNearestWins",
                  {{"pytest.ini", ""},
                   {"conftest.py",
                    "collect_ignore = [\"a/b/test_3.py\"]\ncollect_ignore_glob = [\"*_1.py\"]\n"},
                   {"a/conftest.py", "collect_ignore = [\"b/test_2.py\"]\n"},
                   {"a/test_1.py", ""},
                   {"a/b/test_2.py", ""},
                   {"a/b/test_3.py", ""},
                   {"test_9.py", ""}},
                  ".",
                  {},
                  8,
                  {"a/b/test_3.py", "test_9.py"},
                  "pytest.ini"},
        SetupCase{"ConftestAboveTheRootApplies",
                  {{"proj/pytest.ini", ""},
                   {"proj/conftest.py", "collect_ignore = [\"pkg/old\"]\n"},
                   {"proj/pkg/old/test_1.py", ""},
                   {"proj/pkg/test_2.py", ""}},
                  "proj/pkg",
                  {},
                  8,
                  {"test_2.py"},
                  "../pytest.ini",
                  "pkg"},
        SetupCase{"ConftestAboveTheRootdirAppliesOnlyIn7",
                  {{"proj/conftest.py", "collect_ignore = [\"pkg/test_1.py\"]\n"},
                   {"proj/pkg/test_1.py", ""},
                   {"proj/pkg/test_2.py", ""}},
                  "proj/pkg",
                  {},
                  7,
                  {"test_2.py"},
                  ""},
        SetupCase{"ConftestAboveTheRootdirIgnoredIn8",
                  {{"proj/conftest.py", "collect_ignore = [\"pkg/test_1.py\"]\n"},
                   {"proj/pkg/test_1.py", ""},
                   {"proj/pkg/test_2.py", ""}},
                  "proj/pkg",
                  {},
                  8,
                  {"test_1.py", "test_2.py"},
                  ""},
        SetupCase{"NamedArgsAreNeverIgnored",
                  {{"pytest.ini", ini("addopts = --ignore=build")},
                   {"conftest.py", "collect_ignore = [\"test_b.py\"]\n"},
                   {"build/test_a.py", ""},
                   {"test_b.py", ""}},
                  ".",
                  {"build", "test_b.py"},
                  8,
                  {"build/test_a.py", "test_b.py"},
                  "pytest.ini",
                  ".",
                  {},
                  {"build", "test_b.py"}}),
    [](const auto& test) { return std::string(test.param.name); });

TEST(DiscoverSetup, ComputedCollectIgnoreIsAWarning) {
  const MemoryFileSystem fs =
      make_fs({{"pytest.ini", ""},
               {"tests/conftest.py", "import glob\ncollect_ignore = glob.glob('x*')\n"},
               {"tests/test_a.py", ""}});
  const auto result = discover(fs, at("."));
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(result->files, (Strings{"tests/test_a.py"}));
  EXPECT_EQ(
      messages(result->warnings),
      (Strings{
          "tests/conftest.py:2:1: collect_ignore is computed; shardplan cannot evaluate it: this "
          "statement is ignored, pass the same paths with --exclude"}));
}

TEST(DiscoverSetup, MissingArgumentIsAnError) {
  const MemoryFileSystem fs = make_fs({{"test_a.py", ""}});
  const auto result = discover(fs, at(".", {"tests/nope.py::test_x"}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().format(),
            "tests/nope.py: file or directory not found (pytest stops with this error too)");
}

TEST(DiscoverSetup, ArgumentOutsideTheRootIsSkipped) {
  const MemoryFileSystem fs = make_fs({{"proj/test_a.py", ""}, {"other/test_b.py", ""}});
  const auto result = discover(fs, at("proj", {"../other", "test_a.py"}));
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(result->files, (Strings{"test_a.py"}));
  EXPECT_EQ(
      messages(result->warnings),
      (Strings{"../other: is outside --root: skipped (a plan holds only files under its root)"}));
}

TEST(DiscoverSetup, BadOverrideIsAnError) {
  const MemoryFileSystem fs = make_fs({{"test_a.py", ""}});
  const auto result = discover(fs, at(".", {"-o", "python_files"}));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().format(),
            "-o/--override-ini expects option=value style (got: 'python_files')");
}

// ---- the real filesystem ----

class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "shardplan-discover-XXXXXX").string();
    path_ = ::mkdtemp(pattern.data()) ? pattern : "";
  }
  ~TempDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }
  void write(const std::string& rel) const {
    const auto file = std::filesystem::path(path_) / rel;
    std::filesystem::create_directories(file.parent_path());
    std::ofstream(file) << "def test_x(): pass\n";
  }

 private:
  std::string path_;
};

TEST(DiscoverRealFileSystem, SymlinkLoopIsSkippedWithWarning) {
  const TempDir dir;
  ASSERT_FALSE(dir.path().empty());
  dir.write("tests/test_a.py");
  dir.write("tests/my dir/test_b.py");
  std::filesystem::create_directory_symlink("..",
                                            std::filesystem::path(dir.path()) / "tests/my dir/up");
  const RealFileSystem fs;
  const auto result = discover(fs, at(dir.path()));
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(result->files, (Strings{"tests/my dir/test_b.py", "tests/test_a.py"}));
  EXPECT_EQ(messages(result->warnings),
            (Strings{dir.path() + "/tests/my dir/up: symlink loop: skipped"}));
}

// ---- filter_files ----

struct FilterCase {
  const char* name;
  Strings include;
  Strings exclude;
  Strings expected;
};

class FilterFiles : public testing::TestWithParam<FilterCase> {};

TEST_P(FilterFiles, KeepsOrderAndSelects) {
  const Strings files = {"a/test_1.py", "a/b/test_2.py", "ab/test_3.py", "c d/test_4.py",
                         "test_5.py"};
  EXPECT_EQ(filter_files(files, GetParam().include, GetParam().exclude), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, FilterFiles,
    testing::Values(
        FilterCase{"Nothing",
                   {},
                   {},
                   {"a/test_1.py", "a/b/test_2.py", "ab/test_3.py", "c d/test_4.py", "test_5.py"}},
        FilterCase{"IncludeDirectoryNotPrefix", {"a"}, {}, {"a/test_1.py", "a/b/test_2.py"}},
        FilterCase{"IncludeWithDotSlashAndTrailingSlash", {"./a/b/"}, {}, {"a/b/test_2.py"}},
        FilterCase{"IncludeFile", {"test_5.py", "c d"}, {}, {"c d/test_4.py", "test_5.py"}},
        FilterCase{"IncludeRoot", {"."}, {"a", "ab", "c d"}, {"test_5.py"}},
        FilterCase{"ExcludeFile",
                   {},
                   {"./a/test_1.py"},
                   {"a/b/test_2.py", "ab/test_3.py", "c d/test_4.py", "test_5.py"}},
        FilterCase{"ExcludeGlobOnPath", {}, {"*/test_?.py"}, {"test_5.py"}},
        FilterCase{"ExcludeGlobOnDirectory",
                   {},
                   {"a?"},
                   {"a/test_1.py", "a/b/test_2.py", "c d/test_4.py", "test_5.py"}},
        FilterCase{"ExcludeGlobSet",
                   {},
                   {"test_[0-4].py", "[!a]*/*"},
                   {"a/test_1.py", "a/b/test_2.py", "ab/test_3.py", "test_5.py"}}),
    [](const auto& test) { return std::string(test.param.name); });

// ---- parse_file_list ----

struct FileListCase {
  const char* name;
  std::string content;
  Strings expected;
};

class ParseFileList : public testing::TestWithParam<FileListCase> {};

TEST_P(ParseFileList, ReadsPaths) {
  const auto result = parse_file_list(GetParam().content, "list.txt");
  ASSERT_TRUE(result.ok()) << result.error().format();
  EXPECT_EQ(*result, GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseFileList,
    testing::Values(FileListCase{"Empty", "", {}},
                    FileListCase{"SortedUnique", "b.py\na.py\nb.py\n", {"a.py", "b.py"}},
                    FileListCase{"CommentsAndBlanks",
                                 "# header\n\n   \ntests/test_a.py\n",
                                 {"tests/test_a.py"}},
                    FileListCase{"DotSlashAndCrLf",
                                 "./tests/test_a.py\r\n././b.py\r\n",
                                 {"b.py", "tests/test_a.py"}},
                    FileListCase{"SpacesKept", "my tests/test a.py\n", {"my tests/test a.py"}},
                    FileListCase{"NoTrailingNewline", "a.py", {"a.py"}},
                    FileListCase{"DotsInNamesAreFine", "a..b/..c.py\n", {"a..b/..c.py"}}),
    [](const auto& test) { return std::string(test.param.name); });

struct FileListErrorCase {
  const char* name;
  std::string content;
  std::string message;
};

class ParseFileListError : public testing::TestWithParam<FileListErrorCase> {};

TEST_P(ParseFileListError, NamesLineAndColumn) {
  const auto result = parse_file_list(GetParam().content, "list.txt");
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.error().format(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseFileListError,
    testing::Values(
        FileListErrorCase{
            "Absolute", "a.py\n/abs/b.py\n",
            "list.txt:2:1: absolute paths are not allowed; list paths relative to --root"},
        FileListErrorCase{"DotDotFirst", "../b.py\n",
                          "list.txt:1:1: '..' is not allowed in a test file path"},
        FileListErrorCase{"DotDotInside", "# c\n./tests/../b.py\n",
                          "list.txt:2:9: '..' is not allowed in a test file path"},
        FileListErrorCase{"DotDotLast", "tests/..\n",
                          "list.txt:1:7: '..' is not allowed in a test file path"}),
    [](const auto& test) { return std::string(test.param.name); });

// ---- fnmatch (expected values from Python 3.11's fnmatch.fnmatch) ----

struct FnmatchCase {
  std::string name;
  std::string pattern;
  bool matches;
};

class Fnmatch : public testing::TestWithParam<FnmatchCase> {};

TEST_P(Fnmatch, MatchesLikePython) {
  EXPECT_EQ(fnmatch(GetParam().name, GetParam().pattern), GetParam().matches)
      << GetParam().name << " vs " << GetParam().pattern;
}

INSTANTIATE_TEST_SUITE_P(
    Cases, Fnmatch,
    testing::Values(FnmatchCase{"test_a.py", "test_*.py", true},
                    FnmatchCase{"tests/test_a.py", "test_*.py", false},
                    FnmatchCase{"a/b.py", "*.py", true}, FnmatchCase{"a", "?", true},
                    FnmatchCase{"\xc3\xa9", "?", true}, FnmatchCase{"b", "[a-c]", true},
                    FnmatchCase{"d", "[a-c]", false}, FnmatchCase{"d", "[!a-c]", true},
                    FnmatchCase{"]", "[]]", true}, FnmatchCase{"-", "[a-]", true},
                    FnmatchCase{"[", "[", true}, FnmatchCase{"[x", "[x", true},
                    FnmatchCase{"a", "[z-a]", false}, FnmatchCase{"x", "[!z-a]", true},
                    FnmatchCase{"!", "[!]", false}, FnmatchCase{"a]", "[!]a]", false},
                    FnmatchCase{"\\", "[\\]", true}, FnmatchCase{"abc", "a*c*", true},
                    FnmatchCase{"abcbd", "a*b?d", false}, FnmatchCase{"x.egg", "*.egg", true},
                    FnmatchCase{".git", ".*", true}, FnmatchCase{"{arch}", "{arch}", true},
                    FnmatchCase{"b", "[az-ab]", true}, FnmatchCase{"z", "[az-ab]", false},
                    FnmatchCase{"Test_a.py", "test_*.py", false}, FnmatchCase{"", "*", true}));

}  // namespace
}  // namespace shardplan
