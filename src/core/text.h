// Text helpers shared by discovery, configuration and globbing: line splitting, UTF-8
// validity (simdjson's validator), decoding to code points the way Python does (invalid bytes
// as lone surrogates), and an escaped form of invalid names for messages. No I/O.
#pragma once

#include <string>
#include <string_view>

namespace shardplan {

// Takes the first line off `rest` and returns it without its "\n" or "\r\n" (the last line
// needs neither). Files written on Windows read the same as on Linux.
std::string_view next_line(std::string_view& rest);

bool is_valid_utf8(std::string_view text);

// Code points of `text`; a byte that is not part of valid UTF-8 becomes U+DC80..U+DCFF, as
// Python's surrogateescape does, so it still matches only itself.
std::u32string decode_code_points(std::string_view text);

// Invalid bytes as \xNN, so a message about such a name can still be printed.
std::string escape_invalid_utf8(std::string_view text);

}  // namespace shardplan
