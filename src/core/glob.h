// Expands the report globs the CLI takes (--junit 'reports/**/*.xml') through the FileSystem
// seam: '*', '?' and '[...]' match within one path segment, a "**" segment matches any number
// of directories. Pure apart from the FileSystem; results are sorted so output is stable.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/fs.h"

namespace shardplan {

bool has_glob_chars(std::string_view pattern);

// Regular files matching `pattern`, sorted. A pattern without wildcards names one file, which
// must exist. Matching nothing is an error naming the pattern.
Result<std::vector<std::string>> expand_glob(const FileSystem& fs, const std::string& pattern);

}  // namespace shardplan
