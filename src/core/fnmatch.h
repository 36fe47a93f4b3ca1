// Python's fnmatch.fnmatchcase: '*' (also across '/'), '?', '[seq]', '[!seq]', matched on code
// points. The one pattern matcher of shardplan: discovery, --exclude, the scope rule and the
// glob engine (core/glob.h) use it. No I/O.
#pragma once

#include <string_view>

namespace shardplan {

// True when `pattern` holds a wildcard ('*', '?' or '[').
bool has_glob_chars(std::string_view pattern);

bool fnmatch(std::string_view name, std::string_view pattern);

}  // namespace shardplan
