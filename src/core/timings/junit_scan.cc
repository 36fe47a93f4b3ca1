#include "core/timings/junit_scan.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace shardplan {
namespace {

constexpr std::size_t kUnsupported = static_cast<std::size_t>(-1);
constexpr std::size_t kNeedMore = static_cast<std::size_t>(-2);
constexpr std::size_t kTruncated = static_cast<std::size_t>(-3);

constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
constexpr std::uint64_t kHighs = 0x8080808080808080ULL;

std::uint64_t zero_bytes(std::uint64_t v) {
  return (v - kOnes) & ~v & kHighs;
}

// Whether any of the 8 bytes is not plain ASCII text (>= 0x80, < 0x20) or is one of a, b, c.
bool has_special(std::uint64_t v, unsigned char a, unsigned char b, unsigned char c) {
  if ((v & kHighs) != 0) return true;
  if (((v - kOnes * 0x20) & ~v & kHighs) != 0) return true;  // a byte below 0x20
  return zero_bytes(v ^ (kOnes * a)) != 0 || zero_bytes(v ^ (kOnes * b)) != 0 ||
         zero_bytes(v ^ (kOnes * c)) != 0;
}

bool plain(unsigned char byte, unsigned char a, unsigned char b, unsigned char c) {
  return byte >= 0x20 && byte < 0x80 && byte != a && byte != b && byte != c;
}

// The first byte in [at, end) that is not plain ASCII text or is one of a, b, c.
std::size_t skip_plain(std::string_view text, std::size_t at, unsigned char a, unsigned char b,
                       unsigned char c) {
  const std::size_t end = text.size();
  while (at + 8 <= end) {
    std::uint64_t v;
    std::memcpy(&v, text.data() + at, 8);
    if (has_special(v, a, b, c)) break;
    at += 8;
  }
  while (at < end && plain(static_cast<unsigned char>(text[at]), a, b, c)) ++at;
  return at;
}

bool is_space(char c) {
  return c == ' ' || c == '\t' || c == '\n';
}

bool name_start(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':';
}

bool name_char(char c) {
  return name_start(c) || (c >= '0' && c <= '9') || c == '-' || c == '.';
}

// The end of the ASCII name starting at `at` (== at when there is none).
std::size_t name_end(std::string_view text, std::size_t at) {
  if (at >= text.size() || !name_start(text[at])) return at;
  ++at;
  while (at < text.size() && name_char(text[at])) ++at;
  return at;
}

// Length of the UTF-8 character at text[at] (a byte >= 0x80) that XML allows; 0 when invalid
// (overlong, surrogate, past U+10FFFF, U+FFFE or U+FFFF), kTruncated when the text ends first.
std::size_t xml_utf8(std::string_view text, std::size_t at) {
  const auto lead = static_cast<unsigned char>(text[at]);
  std::size_t length = 0;
  unsigned low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (at + length > text.size()) return kTruncated;
  for (std::size_t i = 1; i < length; ++i) {
    const auto byte = static_cast<unsigned char>(text[at + i]);
    if (byte < (i == 1 ? low : 0x80) || byte > (i == 1 ? high : 0xBF)) return 0;
  }
  if (lead == 0xEF && static_cast<unsigned char>(text[at + 1]) == 0xBF &&
      static_cast<unsigned char>(text[at + 2]) >= 0xBE) {
    return 0;  // U+FFFE, U+FFFF
  }
  return length;
}

bool xml_char(std::uint32_t code) {
  return code == 0x9 || code == 0xA || code == 0xD || (code >= 0x20 && code <= 0xD7FF) ||
         (code >= 0xE000 && code <= 0xFFFD) || (code >= 0x10000 && code <= 0x10FFFF);
}

void append_utf8(std::string& out, std::uint32_t code) {
  if (code < 0x80) {
    out += static_cast<char>(code);
  } else if (code < 0x800) {
    out += static_cast<char>(0xC0 | (code >> 6));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else if (code < 0x10000) {
    out += static_cast<char>(0xE0 | (code >> 12));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (code >> 18));
    out += static_cast<char>(0x80 | ((code >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((code >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (code & 0x3F));
  }
}

// The reference "&...;" at text[at]: appends what it stands for to `out` (when not null) and
// returns its end; kTruncated when the text ends first, kUnsupported for anything but the five
// predefined entities and character references to characters XML allows.
std::size_t reference(std::string_view text, std::size_t at, std::string* out) {
  const std::size_t semicolon = text.find(';', at + 1);
  if (semicolon == std::string_view::npos) return text.size() - at > 12 ? kUnsupported : kTruncated;
  const std::string_view body = text.substr(at + 1, semicolon - at - 1);
  char named = 0;
  if (body == "lt") named = '<';
  if (body == "gt") named = '>';
  if (body == "amp") named = '&';
  if (body == "quot") named = '"';
  if (body == "apos") named = '\'';
  if (named != 0) {
    if (out) *out += named;
    return semicolon + 1;
  }
  if (body.size() < 2 || body[0] != '#' || body.size() > 10) return kUnsupported;
  const bool hex = body[1] == 'x';
  const std::string_view digits = body.substr(hex ? 2 : 1);
  if (digits.empty()) return kUnsupported;
  std::uint32_t code = 0;
  for (const char c : digits) {
    unsigned digit = 0;
    if (c >= '0' && c <= '9') {
      digit = static_cast<unsigned>(c - '0');
    } else if (hex && c >= 'a' && c <= 'f') {
      digit = static_cast<unsigned>(c - 'a' + 10);
    } else if (hex && c >= 'A' && c <= 'F') {
      digit = static_cast<unsigned>(c - 'A' + 10);
    } else {
      return kUnsupported;
    }
    code = code * (hex ? 16 : 10) + digit;
    if (code > 0x10FFFF) return kUnsupported;
  }
  if (!xml_char(code)) return kUnsupported;
  if (out) append_utf8(*out, code);
  return semicolon + 1;
}

// Appends the attribute value `raw` as expat reports it (references replaced, tabs and
// newlines as spaces); false when it holds anything this scanner does not accept.
bool decode_value(std::string_view raw, std::string& out) {
  std::size_t at = 0;
  while (at < raw.size()) {
    const std::size_t stop = skip_plain(raw, at, '&', '<', '&');
    out.append(raw, at, stop - at);
    at = stop;
    if (at == raw.size()) break;
    const auto c = static_cast<unsigned char>(raw[at]);
    if (c == '\t' || c == '\n') {
      out += ' ';
      ++at;
    } else if (c == '&') {
      const std::size_t end = reference(raw, at, &out);
      if (end == kUnsupported || end == kTruncated) return false;
      at = end;
    } else if (c >= 0x80) {
      const std::size_t length = xml_utf8(raw, at);
      if (length == 0 || length == kTruncated) return false;
      out.append(raw, at, length);
      at += length;
    } else {
      return false;  // '<' or a control character
    }
  }
  return true;
}

// Checks the characters of a comment or CDATA section: XML characters, valid UTF-8.
bool valid_chars(std::string_view text) {
  for (std::size_t at = 0; at < text.size();) {
    at = skip_plain(text, at, '<', '<', '<');
    if (at == text.size()) break;
    const auto c = static_cast<unsigned char>(text[at]);
    if (c >= 0x80) {
      const std::size_t length = xml_utf8(text, at);
      if (length == 0 || length == kTruncated) return false;
      at += length;
    } else if (c == '\t' || c == '\n' || c >= 0x20) {
      ++at;
    } else {
      return false;
    }
  }
  return true;
}

std::size_t characters(const char* begin, const char* end) {
  std::size_t continuation = 0;
  for (const char* p = begin; p < end; ++p)
    continuation += (static_cast<unsigned char>(*p) & 0xC0) == 0x80;
  return static_cast<std::size_t>(end - begin) - continuation;
}

}  // namespace

void XmlScanner::advance(std::string_view buffer, std::size_t to) {
  if (to <= mark_) return;
  const char* begin = buffer.data() + mark_;
  const char* end = buffer.data() + to;
  const void* last = ::memrchr(begin, '\n', static_cast<std::size_t>(end - begin));
  if (last == nullptr) {
    column_ += characters(begin, end);
  } else {
    const char* newline = static_cast<const char*>(last);
    line_ += static_cast<std::size_t>(std::count(begin, newline + 1, '\n'));
    column_ = characters(newline + 1, end);
  }
  mark_ = to;
}

std::size_t XmlScanner::text(std::string_view buffer, std::size_t at, bool final) {
  const std::size_t start = at;
  const bool outside = open_.empty();
  while (at < buffer.size()) {
    if (outside) {
      if (buffer[at] == '<') return at;
      if (buffer[at] != ' ' && buffer[at] != '\t' && buffer[at] != '\n') return kUnsupported;
      ++at;
      continue;
    }
    at = skip_plain(buffer, at, '<', '&', ']');
    if (at == buffer.size()) break;
    const auto c = static_cast<unsigned char>(buffer[at]);
    std::size_t next = at + 1;
    if (c == '<') return at;
    if (c == ']') {
      if (at + 2 >= buffer.size())
        next = final ? at + 1 : kTruncated;
      else if (buffer[at + 1] == ']' && buffer[at + 2] == '>')
        return kUnsupported;
    } else if (c == '&') {
      next = reference(buffer, at, nullptr);
    } else if (c >= 0x80) {
      const std::size_t length = xml_utf8(buffer, at);
      next = length == 0 ? kUnsupported : length == kTruncated ? kTruncated : at + length;
    } else if (c != '\t' && c != '\n') {
      return kUnsupported;  // a control character
    }
    if (next == kUnsupported) return kUnsupported;
    if (next == kTruncated) return at > start ? at : kNeedMore;
    at = next;
  }
  return at;
}

std::size_t XmlScanner::start_tag(std::string_view buffer, std::size_t at) {
  std::size_t p = name_end(buffer, at + 1);
  if (p == at + 1) return p >= buffer.size() ? kNeedMore : kUnsupported;
  if (p >= buffer.size()) return kNeedMore;
  const std::string_view name = buffer.substr(at + 1, p - at - 1);
  values_.clear();
  offsets_.clear();
  bool empty = false;
  for (;;) {
    bool spaced = false;
    while (p < buffer.size() && is_space(buffer[p])) {
      ++p;
      spaced = true;
    }
    if (p >= buffer.size()) return kNeedMore;
    if (buffer[p] == '>') {
      ++p;
      break;
    }
    if (buffer[p] == '/') {
      if (p + 1 >= buffer.size()) return kNeedMore;
      if (buffer[p + 1] != '>') return kUnsupported;
      p += 2;
      empty = true;
      break;
    }
    const std::size_t key_end = name_end(buffer, p);
    if (!spaced || key_end == p) return kUnsupported;
    if (key_end >= buffer.size()) return kNeedMore;
    const std::string_view key = buffer.substr(p, key_end - p);
    p = key_end;
    while (p < buffer.size() && is_space(buffer[p])) ++p;
    if (p >= buffer.size()) return kNeedMore;
    if (buffer[p] != '=') return kUnsupported;
    ++p;
    while (p < buffer.size() && is_space(buffer[p])) ++p;
    if (p >= buffer.size()) return kNeedMore;
    const char quote = buffer[p];
    if (quote != '"' && quote != '\'') return kUnsupported;
    const std::size_t close = buffer.find(quote, p + 1);
    if (close == std::string_view::npos) return kNeedMore;
    for (std::size_t i = 0; i < offsets_.size(); i += 2) {
      if (std::string_view(values_.data() + offsets_[i]) == key) return kUnsupported;
    }
    offsets_.push_back(values_.size());
    values_.append(key);
    values_ += '\0';
    offsets_.push_back(values_.size());
    if (!decode_value(buffer.substr(p + 1, close - p - 1), values_)) return kUnsupported;
    values_ += '\0';
    p = close + 1;
  }
  if (root_seen_ && open_.empty()) return kUnsupported;  // a second root element
  advance(buffer, at);
  tag_line_ = line_;
  tag_column_ = column_;
  attributes_.clear();
  for (const std::size_t offset : offsets_) attributes_.push_back(values_.data() + offset);
  attributes_.push_back(nullptr);
  root_seen_ = true;
  handler_.on_start(name, attributes_.data());
  if (empty) {
    handler_.on_end(name);  // as expat: the end event of an empty element follows at once
  } else {
    open_.emplace_back(name);
  }
  return p;
}

std::size_t XmlScanner::end_tag(std::string_view buffer, std::size_t at) {
  std::size_t p = name_end(buffer, at + 2);
  if (p >= buffer.size()) return kNeedMore;
  if (p == at + 2) return kUnsupported;
  const std::string_view name = buffer.substr(at + 2, p - at - 2);
  while (p < buffer.size() && is_space(buffer[p])) ++p;
  if (p >= buffer.size()) return kNeedMore;
  if (buffer[p] != '>' || open_.empty() || open_.back() != name) return kUnsupported;
  advance(buffer, at);
  tag_line_ = line_;
  tag_column_ = column_;
  handler_.on_end(name);
  open_.pop_back();
  return p + 1;
}

std::size_t XmlScanner::comment_or_cdata(std::string_view buffer, std::size_t at, bool final) {
  const std::string_view rest = buffer.substr(at);
  if (rest.size() >= 4 && rest.substr(0, 4) == "<!--") {
    const std::size_t dashes = rest.find("--", 4);
    if (dashes == std::string_view::npos || dashes + 2 >= rest.size()) return kNeedMore;
    if (rest[dashes + 2] != '>' || !valid_chars(rest.substr(4, dashes - 4))) return kUnsupported;
    return at + dashes + 3;
  }
  if (rest.size() >= 9 && rest.substr(0, 9) == "<![CDATA[") {
    if (open_.empty()) return kUnsupported;
    const std::size_t close = rest.find("]]>", 9);
    if (close == std::string_view::npos) return kNeedMore;
    if (!valid_chars(rest.substr(9, close - 9))) return kUnsupported;
    return at + close + 3;
  }
  if (!final && rest.size() < 9 &&
      (std::string_view("<![CDATA[").substr(0, rest.size()) == rest ||
       std::string_view("<!--").substr(0, rest.size()) == rest))
    return kNeedMore;
  return kUnsupported;  // <!DOCTYPE, or not well-formed
}

// Only `<?xml version="1.0" [encoding="utf-8"] [standalone="yes|no"] ?>` at the very start.
std::size_t XmlScanner::declaration(std::string_view buffer, std::size_t at) {
  if (started_ || at != 0) return kUnsupported;
  const std::size_t close = buffer.find("?>", at + 2);
  if (close == std::string_view::npos) return buffer.size() > 256 ? kUnsupported : kNeedMore;
  std::string_view body = buffer.substr(at + 2, close - at - 2);
  if (body.substr(0, 3) != "xml" || body.size() < 4 || !is_space(body[3])) return kUnsupported;
  body.remove_prefix(3);
  const char* order[] = {"version", "encoding", "standalone"};
  std::size_t next = 0;
  for (;;) {
    std::size_t spaces = 0;
    while (spaces < body.size() && is_space(body[spaces])) ++spaces;
    body.remove_prefix(spaces);
    if (body.empty()) break;
    if (spaces == 0) return kUnsupported;
    const std::size_t equals = body.find('=');
    if (equals == std::string_view::npos || equals + 1 >= body.size()) return kUnsupported;
    const std::string_view key = body.substr(0, equals);
    const char quote = body[equals + 1];
    const std::size_t end = body.find(quote, equals + 2);
    if ((quote != '"' && quote != '\'') || end == std::string_view::npos) return kUnsupported;
    std::string value(body.substr(equals + 2, end - equals - 2));
    std::transform(value.begin(), value.end(), value.begin(),
                   [](char c) { return static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c); });
    while (next < 3 && key != order[next]) {
      if (next == 0) return kUnsupported;  // version comes first
      ++next;
    }
    if (next == 3) return kUnsupported;
    const bool known = (next == 0 && value == "1.0") || (next == 1 && value == "utf-8") ||
                       (next == 2 && (value == "yes" || value == "no"));
    if (!known || (next == 2 && body.substr(equals + 2, end - equals - 2) != value))
      return kUnsupported;
    ++next;
    body.remove_prefix(end + 1);
  }
  if (next == 0) return kUnsupported;
  return close + 2;
}

std::size_t XmlScanner::markup(std::string_view buffer, std::size_t at, bool final) {
  if (at + 1 >= buffer.size()) return kNeedMore;
  switch (buffer[at + 1]) {
    case '/':
      return end_tag(buffer, at);
    case '!':
      return comment_or_cdata(buffer, at, final);
    case '?':
      return declaration(buffer, at);
    default:
      return start_tag(buffer, at);
  }
}

XmlScanner::Progress XmlScanner::process(std::string_view buffer, bool final) {
  mark_ = 0;
  std::size_t at = 0;
  while (at < buffer.size() && !handler_.stopped()) {
    const std::size_t end = buffer[at] == '<' ? markup(buffer, at, final) : text(buffer, at, final);
    if (end == kUnsupported || (end == kNeedMore && final)) return {at, true};
    if (end == kNeedMore) break;
    at = end;
    started_ = true;
  }
  advance(buffer, at);
  return {at, false};
}

XmlScanner::Status XmlScanner::feed(std::string_view chunk) {
  if (chunk.empty()) return Status::ok;
  if (std::memchr(chunk.data(), '\r', chunk.size()) != nullptr) return Status::unsupported;
  if (!started_ && carry_.empty() && static_cast<unsigned char>(chunk[0]) == 0xEF)
    return Status::unsupported;  // a byte order mark
  Progress progress;
  if (carry_.empty()) {
    progress = process(chunk, false);
    if (!progress.unsupported) carry_.assign(chunk.substr(progress.consumed));
  } else {
    carry_.append(chunk);
    progress = process(carry_, false);
    if (!progress.unsupported) carry_.erase(0, progress.consumed);
  }
  return progress.unsupported ? Status::unsupported : Status::ok;
}

XmlScanner::Status XmlScanner::finish() {
  const Progress progress = process(carry_, true);
  if (progress.unsupported) return Status::unsupported;
  if (handler_.stopped()) return Status::ok;
  if (progress.consumed != carry_.size() || !root_seen_ || !open_.empty())
    return Status::unsupported;
  return Status::ok;
}

}  // namespace shardplan
