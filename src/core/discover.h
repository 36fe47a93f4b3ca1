// The universe: the test files pytest would collect under a root, as sorted root-relative
// POSIX paths. Reads the pytest configuration the way pytest does (see pytest_config.h) and
// walks the tree through a FileSystem. Never prints; problems come back as values.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/fs.h"
#include "core/pytest_config.h"

namespace shardplan {

struct DiscoverOptions {
  std::string root = ".";              // rootdir and invocation dir
  std::vector<std::string> include;    // root-relative paths: keep only files at or under these
  std::vector<std::string> exclude;    // root-relative paths or globs: drop matching files
};

struct Universe {
  std::vector<std::string> files;  // sorted, unique, root-relative, '/'-separated
  PytestConfig config;             // the configuration that was applied
  Warnings warnings;               // e.g. symlink loops skipped, unreadable directories
};

// Walks `options.root` as pytest would without arguments, then applies include/exclude.
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

// Python's fnmatch.fnmatch (case-sensitive, '*' also matches '/'): '*', '?', '[seq]', '[!seq]'.
bool fnmatch(std::string_view name, std::string_view pattern);

}  // namespace shardplan
