#include "core/discover.h"

#include <fmt/format.h>

#include <algorithm>
#include <filesystem>
#include <optional>
#include <set>
#include <utility>

namespace shardplan {
namespace {

// ---------------------------------------------------------------------------------------
// Text helpers. Python matches names as code points, so '?' must consume a whole UTF-8
// sequence; bytes that are not valid UTF-8 become U+DC80..U+DCFF like Python's
// surrogateescape, so they still match only themselves.

std::size_t utf8_sequence_length(std::string_view text, std::size_t i) {
  const auto lead = static_cast<unsigned char>(text[i]);
  std::size_t length = 0;
  if (lead < 0x80) return 1;
  if (lead >= 0xC2 && lead <= 0xDF) length = 2;
  if (lead >= 0xE0 && lead <= 0xEF) length = 3;
  if (lead >= 0xF0 && lead <= 0xF4) length = 4;
  if (length == 0 || i + length > text.size()) return 0;
  for (std::size_t k = 1; k < length; ++k) {
    if ((static_cast<unsigned char>(text[i + k]) & 0xC0) != 0x80) return 0;
  }
  const auto second = static_cast<unsigned char>(text[i + 1]);
  if ((lead == 0xE0 && second < 0xA0) || (lead == 0xED && second > 0x9F) || (lead == 0xF0 && second < 0x90) ||
      (lead == 0xF4 && second > 0x8F)) {
    return 0;  // overlong, surrogate or beyond U+10FFFF
  }
  return length;
}

bool is_valid_utf8(std::string_view text) {
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) return false;
    i += length;
  }
  return true;
}

std::u32string decode(std::string_view text) {
  std::u32string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    const auto lead = static_cast<unsigned char>(text[i]);
    if (length == 0) {
      out += static_cast<char32_t>(0xDC00 + lead);
      ++i;
      continue;
    }
    static constexpr unsigned char kLeadMask[] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    char32_t code = lead & kLeadMask[length];
    for (std::size_t k = 1; k < length; ++k) {
      code = (code << 6) | (static_cast<unsigned char>(text[i + k]) & 0x3Fu);
    }
    out += code;
    i += length;
  }
  return out;
}

// Invalid bytes as \xNN, so a warning about such a name can still be printed.
std::string escape_invalid_utf8(std::string_view text) {
  std::string out;
  for (std::size_t i = 0; i < text.size();) {
    const std::size_t length = utf8_sequence_length(text, i);
    if (length == 0) {
      out += fmt::format("\\x{:02x}", static_cast<unsigned char>(text[i]));
      ++i;
    } else {
      out += text.substr(i, length);
      i += length;
    }
  }
  return out;
}

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

bool has_glob_magic(std::string_view text) { return text.find_first_of("*?[") != std::string_view::npos; }

// ---------------------------------------------------------------------------------------
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

// ---------------------------------------------------------------------------------------
// Paths. Everything inside the walk is root-relative and '/'-separated ("" is the root).

bool is_absolute(std::string_view path) { return !path.empty() && path.front() == '/'; }

// os.path.normpath without the filesystem: drops "." and empty parts, folds "..".
std::string normalize_lexically(std::string_view path) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = std::min(path.find('/', start), path.size());
    const auto part = path.substr(start, end - start);
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (!part.empty() && part != "." && !(part == ".." && is_absolute(path))) {
      parts.push_back(part);
    }
    start = end + 1;
  }
  std::string out = is_absolute(path) ? "/" : "";
  for (std::size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) out += '/';
    out += parts[i];
  }
  return out;
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

bool is_at_or_under(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;
  return starts_with(path, dir) && (path.size() == dir.size() || path[dir.size()] == '/');
}

// pathlib's suffix rule: "x.py" has suffix ".py", ".py" has none.
bool has_py_suffix(std::string_view name) { return name.size() > 3 && name.substr(name.size() - 3) == ".py"; }

// The absolute form of the root, as pytest sees its rootdir ("" when the root is "/").
std::string absolute_root(const std::string& root) {
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(root.empty() ? "." : root, ec);
  std::string out = normalize_lexically(ec ? root : absolute.generic_string());
  if (out == "/") out.clear();
  return out;
}

}  // namespace

bool fnmatch(std::string_view name, std::string_view pattern) {
  return match_tokens(compile_glob(decode(pattern)), decode(name));
}

namespace {

// ---------------------------------------------------------------------------------------
// The walk: Session.collect / _recurse / _collectfile of pytest, on root-relative paths.

class Walker {
 public:
  Walker(const FileSystem& fs, const PytestConfig& config, std::string root)
      : fs_(fs), config_(config), root_(std::move(root)), abs_root_(absolute_root(root_)) {
    for (const auto& path : config_.ignore) {
      if (auto rel = to_root_relative(path)) ignore_.insert(*rel);
    }
    for (const auto& glob : config_.ignore_glob) {
      ignore_glob_.push_back(normalize_lexically(is_absolute(glob) ? glob : abs_root_ + "/" + glob));
    }
  }

  std::vector<std::string> expand_testpath(const std::string& pattern);
  void walk_argument(const std::string& rel);

  std::set<std::string> files;
  Warnings warnings;

 private:
  std::string full(const std::string& rel) const { return join_path(root_, rel); }
  std::string absolute(const std::string& rel) const {
    return rel.empty() ? (abs_root_.empty() ? "/" : abs_root_) : abs_root_ + "/" + rel;
  }
  void warn(const std::string& rel, const std::string& message) {
    warnings.push_back(error_in(escape_invalid_utf8(full(rel)), message));
  }
  std::optional<std::string> to_root_relative(const std::string& path) const;
  bool fnmatch_ex(const std::string& pattern, const std::string& rel) const;
  bool is_ignored(const std::string& rel) const;
  bool is_venv(const std::string& rel) const;
  bool should_recurse(const std::string& rel) const;
  bool is_test_module(const std::string& rel) const;
  void walk_dir(const std::string& rel);
  void visit_entry(const std::string& dir, const DirEntry& entry);
  void glob_component(const std::vector<std::string>& candidates, const std::string& part, bool last,
                      std::vector<std::string>& out);
  void descend(const std::string& rel, bool dirs_only, std::vector<std::string>& out);

  const FileSystem& fs_;
  const PytestConfig& config_;
  std::string root_;
  std::string abs_root_;
  std::set<std::string> ignore_;
  std::vector<std::string> ignore_glob_;
  std::vector<std::string> stack_;  // identities of the directories being walked
};

// Relative paths are taken from the root (the invocation dir); absolute ones must lie in it.
std::optional<std::string> Walker::to_root_relative(const std::string& path) const {
  if (!is_absolute(path)) return normalize_lexically(path);
  const std::string normal = normalize_lexically(path);
  if (abs_root_.empty()) return normal.substr(1);
  if (normal == abs_root_) return std::string();
  if (starts_with(normal, abs_root_ + "/")) return normal.substr(abs_root_.size() + 1);
  return std::nullopt;
}

// _pytest.pathlib.fnmatch_ex: a pattern without '/' matches the base name; otherwise the
// absolute path, with a relative pattern allowed to match any tail of it.
bool Walker::fnmatch_ex(const std::string& pattern, const std::string& rel) const {
  if (pattern.find('/') == std::string::npos) return fnmatch(base_name(rel), pattern);
  return fnmatch(absolute(rel), is_absolute(pattern) ? pattern : "*/" + pattern);
}

// pytest_ignore_collect: --ignore compares whole paths, --ignore-glob matches absolute ones.
bool Walker::is_ignored(const std::string& rel) const {
  if (ignore_.count(rel)) return true;
  const std::string path = absolute(rel);
  return std::any_of(ignore_glob_.begin(), ignore_glob_.end(),
                     [&](const std::string& glob) { return fnmatch(path, glob); });
}

// pytest 8+ looks for pyvenv.cfg; pytest 7 for an activate script in bin/.
bool Walker::is_venv(const std::string& rel) const {
  if (fs_.kind(full(join_path(rel, "pyvenv.cfg"))) == EntryKind::file) return true;
  if (fs_.kind(full(join_path(rel, "bin"))) != EntryKind::directory) return false;
  static constexpr const char* kActivates[] = {"activate", "activate.csh", "activate.fish",
                                               "Activate", "Activate.bat", "Activate.ps1"};
  return std::any_of(std::begin(kActivates), std::end(kActivates), [&](const char* name) {
    return fs_.kind(full(join_path(rel, std::string("bin/") + name))) != EntryKind::other;
  });
}

bool Walker::should_recurse(const std::string& rel) const {
  if (base_name(rel) == "__pycache__" || is_ignored(rel) || is_venv(rel)) return false;
  return std::none_of(config_.norecursedirs.begin(), config_.norecursedirs.end(),
                      [&](const std::string& pattern) { return fnmatch_ex(pattern, rel); });
}

// pytest_collect_file: a .py file matching python_files ("__init__.py" alone makes a
// Package, whose own module is collected only if it matches python_files too).
bool Walker::is_test_module(const std::string& rel) const {
  if (!has_py_suffix(base_name(rel)) || is_ignored(rel)) return false;
  return std::any_of(config_.python_files.begin(), config_.python_files.end(),
                     [&](const std::string& pattern) { return fnmatch_ex(pattern, rel); });
}

void Walker::walk_dir(const std::string& rel) {
  const std::string identity = fs_.identity(full(rel));
  if (std::find(stack_.begin(), stack_.end(), identity) != stack_.end()) {
    warn(rel, "symlink loop: skipped");
    return;
  }
  auto entries = fs_.list(full(rel));
  if (!entries) {
    warnings.push_back(entries.error());
    warnings.back().message += "; skipped";
    return;
  }
  stack_.push_back(identity);
  for (const auto& entry : *entries) visit_entry(rel, entry);
  stack_.pop_back();
}

void Walker::visit_entry(const std::string& dir, const DirEntry& entry) {
  const std::string rel = dir.empty() ? entry.name : dir + "/" + entry.name;
  const bool wanted = (entry.kind == EntryKind::file && is_test_module(rel)) ||
                      (entry.kind == EntryKind::directory && should_recurse(rel));
  if (!wanted) return;
  if (!is_valid_utf8(entry.name)) {
    warn(rel, "name is not valid UTF-8: skipped (it cannot be written to a plan)");
  } else if (entry.kind == EntryKind::file) {
    files.insert(rel);
  } else {
    walk_dir(rel);
  }
}

// A command-line argument: a directory is walked (itself unchecked, as in pytest); a file
// named directly is collected even when python_files does not match it, except __init__.py,
// which pytest turns into its Package and collects as a module only when it matches.
void Walker::walk_argument(const std::string& rel) {
  const EntryKind kind = fs_.kind(full(rel));
  if (kind == EntryKind::directory) {
    walk_dir(rel);
  } else if (kind == EntryKind::file && base_name(rel) == "__init__.py") {
    if (is_test_module(rel)) files.insert(rel);
  } else if (kind == EntryKind::file && has_py_suffix(base_name(rel))) {
    if (is_valid_utf8(rel))
      files.insert(rel);
    else
      warn(rel, "name is not valid UTF-8: skipped (it cannot be written to a plan)");
  } else {
    warn(rel, "testpaths names something that is not a Python file or a directory: skipped");
  }
}

// ---------------------------------------------------------------------------------------
// testpaths: glob.iglob(path, recursive=True), relative to the root.

// `rel` itself, then everything below it ("**"); hidden names are skipped, as glob does.
void Walker::descend(const std::string& rel, bool dirs_only, std::vector<std::string>& out) {
  out.push_back(rel);
  const std::string identity = fs_.identity(full(rel));
  if (std::find(stack_.begin(), stack_.end(), identity) != stack_.end()) return;
  auto entries = fs_.list(full(rel));
  if (!entries) return;
  stack_.push_back(identity);
  for (const auto& entry : *entries) {
    if (entry.name.front() == '.') continue;
    const std::string child = join_path(rel, entry.name);
    if (entry.kind == EntryKind::directory)
      descend(child, dirs_only, out);
    else if (!dirs_only)
      out.push_back(child);
  }
  stack_.pop_back();
}

void Walker::glob_component(const std::vector<std::string>& candidates, const std::string& part, bool last,
                            std::vector<std::string>& out) {
  for (const auto& dir : candidates) {
    if (part == "**") {
      if (fs_.kind(full(dir)) == EntryKind::directory) descend(dir, !last, out);
    } else if (!has_glob_magic(part)) {
      const std::string path = join_path(dir, part);
      if (fs_.kind(full(path)) != EntryKind::other) out.push_back(path);
    } else if (auto entries = fs_.list(full(dir))) {
      for (const auto& entry : *entries) {
        if (entry.name.front() == '.' && part.front() != '.') continue;
        if (!last && entry.kind != EntryKind::directory) continue;
        if (fnmatch(entry.name, part)) out.push_back(join_path(dir, entry.name));
      }
    }
  }
}

std::vector<std::string> Walker::expand_testpath(const std::string& pattern) {
  const auto rel = to_root_relative(pattern);
  if (!rel || starts_with(*rel + "/", "../")) {
    warnings.push_back(
        error_in(config_.source, fmt::format("testpaths entry '{}' is outside the root: skipped", pattern)));
    return {};
  }
  std::vector<std::string> candidates = {""};
  if (!has_glob_magic(*rel)) {
    candidates = {*rel};
    if (fs_.kind(full(*rel)) == EntryKind::other) candidates.clear();
  }
  std::size_t start = 0;
  while (has_glob_magic(*rel) && start <= rel->size() && !candidates.empty()) {
    const auto end = std::min(rel->find('/', start), rel->size());
    std::vector<std::string> next;
    glob_component(candidates, rel->substr(start, end - start), end == rel->size(), next);
    candidates = std::move(next);
    start = end + 1;
  }
  if (candidates.empty()) {
    warnings.push_back(
        error_in(config_.source, fmt::format("testpaths entry '{}' matches nothing", pattern)));
  }
  return candidates;
}

// Removes "./" prefixes and trailing slashes from a user-given root-relative path.
std::string clean_relative(const std::string& path) { return normalize_lexically(path); }

bool is_excluded(const std::string& file, const std::vector<std::string>& exclude) {
  for (const auto& raw : exclude) {
    const std::string pattern = clean_relative(raw);
    if (is_at_or_under(file, pattern) && !pattern.empty()) return true;
    if (!has_glob_magic(pattern)) continue;
    // A glob drops the files it matches and everything under directories it matches.
    for (std::size_t end = file.size(); end != std::string::npos && end > 0; end = file.rfind('/', end - 1)) {
      if (fnmatch(std::string_view(file).substr(0, end), pattern)) return true;
    }
  }
  return false;
}

}  // namespace

std::vector<std::string> filter_files(const std::vector<std::string>& files,
                                      const std::vector<std::string>& include,
                                      const std::vector<std::string>& exclude) {
  std::vector<std::string> kept;
  for (const auto& file : files) {
    const bool included =
        include.empty() || std::any_of(include.begin(), include.end(), [&](const std::string& path) {
          return is_at_or_under(file, clean_relative(path));
        });
    if (included && !is_excluded(file, exclude)) kept.push_back(file);
  }
  return kept;
}

Result<Universe> discover(const FileSystem& fs, const DiscoverOptions& options) {
  if (fs.kind(options.root) != EntryKind::directory) {
    return error_in(options.root, "not a directory: --root must name the directory pytest runs in");
  }
  auto config = read_pytest_config(fs, options.root);
  if (!config) return config.error();
  Walker walker(fs, *config, options.root);
  std::vector<std::string> arguments;
  for (const auto& testpath : config->testpaths) {
    const auto matched = walker.expand_testpath(testpath);
    arguments.insert(arguments.end(), matched.begin(), matched.end());
  }
  if (arguments.empty()) arguments.push_back("");
  for (const auto& argument : arguments) walker.walk_argument(argument);
  Universe universe;
  universe.files = filter_files({walker.files.begin(), walker.files.end()}, options.include, options.exclude);
  universe.config = std::move(*config);
  universe.warnings = std::move(walker.warnings);
  return universe;
}

namespace {

// Checks one --files-from entry; `column` is where `path` starts in its line.
std::optional<Diagnostic> check_listed_path(std::string_view path, const std::string& source, int line,
                                            int column) {
  if (is_absolute(path)) {
    return error_at(source, line, column, "absolute paths are not allowed; list paths relative to --root");
  }
  for (std::size_t start = 0; start <= path.size();) {
    const auto end = std::min(path.find('/', start), path.size());
    if (path.substr(start, end - start) == "..") {
      return error_at(source, line, column + static_cast<int>(start),
                      "'..' is not allowed in a test file path");
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<std::string>> parse_file_list(std::string_view content, const std::string& source_name) {
  std::set<std::string> paths;
  int line = 0;
  while (!content.empty()) {
    ++line;
    const auto end = content.find('\n');
    std::string_view text = content.substr(0, end);
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    if (text.find_first_not_of(" \t") == std::string_view::npos || text.front() == '#') continue;
    int column = 1;
    while (starts_with(text, "./")) {
      text.remove_prefix(2);
      column += 2;
    }
    if (auto problem = check_listed_path(text, source_name, line, column)) return *problem;
    const std::string path = normalize_lexically(text);
    if (!path.empty()) paths.insert(path);
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

}  // namespace shardplan
