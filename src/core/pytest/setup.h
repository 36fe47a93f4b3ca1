// Where pytest's collection starts: the rootdir, the config file and its settings, and the
// options that decide collection, merged as pytest merges them (ini addopts, then
// PYTEST_ADDOPTS, then the command line); pytest's determine_setup for one major version.
// Paths are relative to the invocation directory (--root) and lexical, like pytest's
// absolutepath: "" is the root, and they start with ".." when they lie above it.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/fs.h"
#include "core/pytest/config.h"

namespace shardplan {

struct SetupRequest {
  std::string root = ".";         // the invocation directory, as the FileSystem names it
  std::vector<std::string> args;  // pytest args given on the command line
  std::string env_addopts;        // PYTEST_ADDOPTS
  int pytest_major = 8;           // 7, 8 or 9
};

struct PytestSetup {
  std::string rootdir;                    // root-relative: "", "..", "sub", ...
  std::string config_path;                // root-relative path of the config file; "" when none
  std::optional<std::string> confcutdir;  // no conftest above it applies; nullopt: no limit
  PytestConfig config;                    // the file's settings after -o overrides
  PytestArgs args;                        // ini addopts + PYTEST_ADDOPTS + command line
  std::string abs_root;                   // absolute form of the root ("" when it is "/")
};

Result<PytestSetup> determine_setup(const FileSystem& fs, const SetupRequest& request);

// os.path.normpath without the filesystem: drops "." and empty parts, folds "..".
std::string normalize_path(std::string_view path);

// The absolute, normalized form of `root` ("" when it is "/"), against fs's current directory.
std::string absolute_root(const FileSystem& fs, const std::string& root);

// `path` (absolute, or relative to the root) relative to the root whose absolute form is
// `abs_root`; may start with "..".
std::string root_relative(std::string_view path, const std::string& abs_root);

// The directory containing root-relative `path` ("" -> "..", "a" -> "", "../x" -> "..").
std::string parent_path(const std::string& path);

}  // namespace shardplan
