#include "core/fnmatch.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "core/text.h"

namespace shardplan {
namespace {

// fnmatch, following Python's fnmatch.translate.

struct GlobToken {
  enum Kind { literal, any, set, star } kind = literal;
  char32_t ch = 0;
  bool negated = false;
  std::vector<std::pair<char32_t, char32_t>> ranges;

  bool matches(char32_t c) const {
    if (kind == literal) return c == ch;
    if (kind == any) return true;
    const bool in_set = std::any_of(ranges.begin(), ranges.end(),
                                    [c](const auto& r) { return r.first <= c && c <= r.second; });
    return in_set != negated;
  }
};

// Members of "[...]": 'a-z' is a range (empty when reversed), other characters are literal.
GlobToken compile_set(std::u32string_view body) {
  GlobToken token{GlobToken::set, 0, false, {}};
  if (!body.empty() && body.front() == U'!') {
    token.negated = true;
    body.remove_prefix(1);
  }
  for (std::size_t p = 0; p < body.size();) {
    if (p + 2 < body.size() && body[p + 1] == U'-') {
      token.ranges.emplace_back(body[p], body[p + 2]);
      p += 3;
    } else {
      token.ranges.emplace_back(body[p], body[p]);
      ++p;
    }
  }
  return token;
}

std::vector<GlobToken> compile_glob(std::u32string_view pattern) {
  std::vector<GlobToken> tokens;
  for (std::size_t i = 0; i < pattern.size();) {
    const char32_t c = pattern[i++];
    if (c == U'*') {
      if (tokens.empty() || tokens.back().kind != GlobToken::star)
        tokens.push_back({GlobToken::star, 0, false, {}});
    } else if (c == U'?') {
      tokens.push_back({GlobToken::any, 0, false, {}});
    } else if (c == U'[') {
      std::size_t j = i;
      if (j < pattern.size() && pattern[j] == U'!') ++j;
      if (j < pattern.size() && pattern[j] == U']') ++j;
      while (j < pattern.size() && pattern[j] != U']') ++j;
      if (j >= pattern.size()) {
        tokens.push_back({GlobToken::literal, c, false, {}});  // no closing ']': a literal '['
      } else {
        tokens.push_back(compile_set(pattern.substr(i, j - i)));
        i = j + 1;
      }
    } else {
      tokens.push_back({GlobToken::literal, c, false, {}});
    }
  }
  return tokens;
}

// Wildcard matching with backtracking to the last '*' only, which is exact for globs.
bool match_tokens(const std::vector<GlobToken>& tokens, std::u32string_view name) {
  std::size_t t = 0;
  std::size_t s = 0;
  std::size_t star_token = std::string::npos;
  std::size_t star_text = 0;
  while (s < name.size()) {
    if (t < tokens.size() && tokens[t].kind == GlobToken::star) {
      star_token = t++;
      star_text = s;
    } else if (t < tokens.size() && tokens[t].matches(name[s])) {
      ++t;
      ++s;
    } else if (star_token != std::string::npos) {
      t = star_token + 1;
      s = ++star_text;
    } else {
      return false;
    }
  }
  while (t < tokens.size() && tokens[t].kind == GlobToken::star) ++t;
  return t == tokens.size();
}

}  // namespace

bool has_glob_chars(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

bool fnmatch(std::string_view name, std::string_view pattern) {
  return match_tokens(compile_glob(decode_code_points(pattern)), decode_code_points(name));
}

}  // namespace shardplan
