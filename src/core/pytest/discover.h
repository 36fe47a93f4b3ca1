// The universe: the files pytest would collect items from under a root, as sorted
// root-relative POSIX paths. Finds the rootdir and config file and merges the pytest options
// the way pytest does (pytest_setup.h), then walks the tree through a FileSystem, following
// the rules of the chosen pytest major version. Never prints; problems come back as values.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/fnmatch.h"
#include "core/fs.h"
#include "core/pytest/config.h"
#include "core/pytest/setup.h"

namespace shardplan {

struct DiscoverOptions {
  std::string root = ".";                // the invocation dir (pytest's rootdir may be above it)
  std::vector<std::string> include;      // root-relative paths: keep only files at or under these
  std::vector<std::string> exclude;      // root-relative paths or globs: drop matching files
  std::vector<std::string> pytest_args;  // what the user gives pytest (paths, -o, --ignore, ...)
  std::string env_addopts;               // PYTEST_ADDOPTS
  int pytest_major = 8;                  // 7, 8 or 9: whose collection rules to follow
};

struct Universe {
  // Test modules (python_files, or named directly) and doctest text files: sorted, unique,
  // root-relative, '/'-separated.
  std::vector<std::string> files;
  // .py files only --doctest-modules collects (not in `files`), sorted.
  std::vector<std::string> doctest_modules;
  std::vector<std::string> paths;      // positional paths that decided the walk, cleaned, sorted
  std::string config_path;             // config file relative to the root; "" when none
  std::string root_from_config = ".";  // the root relative to the config file's directory
  PytestConfig config;                 // the configuration that was applied
  Warnings warnings;                   // e.g. symlink loops skipped, computed collect_ignore
};

// Walks `options.root` as pytest would (with the given args), then applies include/exclude.
// Pytest version differences emulated (checked against pytest 7.2, 8.4.2 and 9.1.1):
//  - config files: pytest.toml/.pytest.toml and [tool.pytest] only in 9; .pytest.ini without a
//    [pytest] section counts only in 9; a pyproject.toml without a pytest table sets the
//    rootdir (and stops the search) only in 8 and 9, when no other config file is found;
//  - -o in the ini addopts is honoured only by 9;
//  - an __init__.py named on the command line: 8 and 9 collect it as a module; 7 collects the
//    first item of its package (the __init__.py if it matches python_files, else the first
//    test module of the package);
//  - without a config file, 7 applies conftest.py files of every parent directory, 8 and 9
//    only those at or below the rootdir.
Result<Universe> discover(const FileSystem& fs, const DiscoverOptions& options);

// Applies --include / --exclude to an already known list of root-relative files (used for
// --files-from and --files-from-timings). Keeps order; input must be sorted and unique.
std::vector<std::string> filter_files(const std::vector<std::string>& files,
                                      const std::vector<std::string>& include,
                                      const std::vector<std::string>& exclude);

// Reads a --files-from list: one root-relative path per line; blank lines and lines starting
// with '#' are skipped; "./" prefixes and trailing '\r' are removed. Result is sorted, unique.
// An absolute path or one containing ".." is an error naming source:line:column.
Result<std::vector<std::string>> parse_file_list(std::string_view content,
                                                 const std::string& source_name);

}  // namespace shardplan
