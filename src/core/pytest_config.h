// Reads the pytest settings that decide which files are collected, from the first config file
// pytest itself would use in the root: pytest.ini, .pytest.ini, pyproject.toml
// ([tool.pytest.ini_options], or pytest 9's native [tool.pytest]), tox.ini [pytest],
// setup.cfg [tool:pytest]. Readers take text, not paths, so tests and fuzzers feed strings.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/fs.h"

namespace shardplan {

struct PytestConfig {
  std::string source;  // file the settings came from ("" when none applied)
  std::vector<std::string> testpaths;      // empty: the root itself
  std::vector<std::string> python_files;   // default {"test_*.py", "*_test.py"}
  std::vector<std::string> norecursedirs;  // pytest's defaults when unset
  std::vector<std::string> ignore;         // --ignore PATH from addopts
  std::vector<std::string> ignore_glob;    // --ignore-glob GLOB from addopts
  bool operator==(const PytestConfig&) const = default;
};

PytestConfig default_pytest_config();

// Parses an INI-style file; `section` is "pytest" or "tool:pytest". nullopt when the file has
// no such section (pytest then looks at the next candidate), except that pytest.ini always
// counts. Errors name source:line:column.
Result<std::optional<PytestConfig>> parse_ini_config(std::string_view content,
                                                     const std::string& source_name,
                                                     std::string_view section,
                                                     bool always_counts);

// Parses pyproject.toml; nullopt when it has no pytest table.
Result<std::optional<PytestConfig>> parse_pyproject_config(std::string_view content,
                                                           const std::string& source_name);

// Finds and reads the first config file in `root` that pytest would use.
Result<PytestConfig> read_pytest_config(const FileSystem& fs, const std::string& root);

// Splits a string the way Python's shlex.split does (quotes, backslashes); used for addopts
// and for whitespace-separated ini lists. An unterminated quote is an error message.
Result<std::vector<std::string>> shell_split(std::string_view text);

}  // namespace shardplan
