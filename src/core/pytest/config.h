// Reads the pytest settings that decide which files are collected: the config files pytest
// looks for in a directory (pytest 9: pytest.toml, .pytest.toml; then pytest.ini, .pytest.ini,
// pyproject.toml [tool.pytest.ini_options] or pytest 9's native [tool.pytest], tox.ini [pytest],
// setup.cfg [tool:pytest]) and the pytest command-line options that matter for collection
// (addopts, PYTEST_ADDOPTS, the args after `--`). Readers take text, not paths, so tests and
// fuzzers feed strings. Which directory's file applies is pytest_setup.h's business.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/fs.h"

namespace shardplan {

// The pytest options that decide collection, from one argument list (ini addopts,
// PYTEST_ADDOPTS or the command line). Options that take a value (-k EXPR, --junitxml=F, ...)
// consume it; other unknown options are skipped.
struct PytestArgs {
  std::vector<std::string> paths;         // positional args, "::node" parts cut off, as given
  std::vector<std::string> overrides;     // -o/--override-ini NAME=VALUE, in order
  std::string config_file;                // -c/--config-file ("" when not given)
  std::string rootdir;                    // --rootdir ("" when not given)
  std::vector<std::string> ignore;        // --ignore PATH
  std::vector<std::string> ignore_glob;   // --ignore-glob GLOB
  std::vector<std::string> doctest_glob;  // --doctest-glob GLOB (none: "test*.txt")
  bool doctest_modules = false;           // --doctest-modules
  bool doctest_disabled = false;          // -p no:doctest
  bool operator==(const PytestArgs&) const = default;
};

// Adds the options in `args` to `into` (later lists extend it, scalars are replaced). An
// option missing its value is an error message (no location: the caller knows the source).
Result<PytestArgs> parse_pytest_args(const std::vector<std::string>& args, PytestArgs into = {});

struct PytestConfig {
  std::string source;                      // file the settings came from ("" when none applied)
  std::vector<std::string> testpaths;      // empty: the root itself
  std::vector<std::string> python_files;   // default {"test_*.py", "*_test.py"}
  std::vector<std::string> norecursedirs;  // pytest's defaults when unset
  PytestArgs addopts;                      // the options in the ini addopts
  bool operator==(const PytestConfig&) const = default;
};

PytestConfig default_pytest_config();

// Applies one -o NAME=VALUE to the settings shardplan reads (testpaths, python_files,
// norecursedirs, addopts); the value is split like an ini value. Other names are ignored.
// "NAME" without '=' is an error message, as in pytest.
Result<bool> apply_override(PytestConfig& config, std::string_view override_text);

// Parses an INI-style file; `section` is "pytest" or "tool:pytest". nullopt when the file has
// no such section (pytest then looks at the next candidate), except that pytest.ini always
// counts. Errors name source:line:column.
Result<std::optional<PytestConfig>> parse_ini_config(std::string_view content,
                                                     const std::string& source_name,
                                                     std::string_view section, bool always_counts);

// Parses pyproject.toml; nullopt when it has no pytest table. pytest 9 also reads the native
// [tool.pytest] table (list values only) and refuses a file that has both.
Result<std::optional<PytestConfig>> parse_pyproject_config(std::string_view content,
                                                           const std::string& source_name,
                                                           int pytest_major = 8);

// Parses pytest 9's pytest.toml / .pytest.toml: the [pytest] table; the file always counts.
Result<PytestConfig> parse_pytest_toml_config(std::string_view content,
                                              const std::string& source_name);

// Reads `path` as one of pytest's config candidates, by its name (pytest.ini, pyproject.toml,
// ...); nullopt when pytest would look further. With `explicit_file` (-c FILE), the file counts
// even without a pytest section, and the reader is chosen by suffix as pytest does.
Result<std::optional<PytestConfig>> read_config_file(const FileSystem& fs, const std::string& path,
                                                     int pytest_major, bool explicit_file = false);

// The candidates pytest looks for in each directory, in its order, for that major version.
std::vector<std::string> config_candidates(int pytest_major);

// Finds and reads the first config file in `root` that pytest would use (this directory only).
Result<PytestConfig> read_pytest_config(const FileSystem& fs, const std::string& root,
                                        int pytest_major = 8);

// Splits a string the way Python's shlex.split does (quotes, backslashes); used for addopts
// and for whitespace-separated ini lists. An unterminated quote is an error message.
Result<std::vector<std::string>> shell_split(std::string_view text);

}  // namespace shardplan
