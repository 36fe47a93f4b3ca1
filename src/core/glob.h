// The one glob engine: Python's glob.glob(recursive=True) through the FileSystem seam. '*', '?'
// and '[...]' match within one path segment; a "**" segment matches the directory itself and
// every directory below it (and, as the last segment, every file too); names starting with '.'
// match only segments that start with '.'; directory symlink loops are walked once. Used for
// pytest's `testpaths` and for the report globs the CLI takes (--junit 'reports/**/*.xml').
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/fnmatch.h"
#include "core/fs.h"

namespace shardplan {

// Paths (files and directories) matching `pattern`, which is relative to `base` ("" is the
// current directory) unless it starts with '/'. Results keep the pattern's form (relative to
// `base`, or absolute), sorted and unique.
std::vector<std::string> glob_paths(const FileSystem& fs, const std::string& base,
                                    const std::string& pattern);

// Regular files matching `pattern`, sorted. A pattern without wildcards names one file, which
// must exist. Matching nothing is an error naming the pattern.
Result<std::vector<std::string>> expand_glob(const FileSystem& fs, const std::string& pattern);

}  // namespace shardplan
