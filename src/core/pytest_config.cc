#include "core/pytest_config.h"

#include <fmt/format.h>

// toml++ 3.3 asserts on some malformed input (a newline or '=' right after the '[' of a table
// header, e.g. "[\na]") where its release build reports a parse error. Include it as in a
// release build so a bad pyproject.toml is an error message, never an abort.
#ifndef NDEBUG
#define NDEBUG
#define SHARDPLAN_UNDEF_NDEBUG
#endif
#include <toml++/toml.h>
#ifdef SHARDPLAN_UNDEF_NDEBUG
#undef NDEBUG
#undef SHARDPLAN_UNDEF_NDEBUG
#endif

#include <map>
#include <utility>

namespace shardplan {
namespace {

// Where one '\n'-separated line of a (possibly continued) value starts in the file, so an
// error inside the value can point at the exact byte.
struct LinePosition {
  int line = 0;
  int column = 0;
};

// A setting after reading: its shlex-split words and where to point when they are wrong.
struct Setting {
  std::vector<std::string> args;
  std::vector<LinePosition> lines;  // one per line of the raw text; first is the value start
};
using Settings = std::map<std::string, Setting>;

// The settings that decide collection; every one of them has pytest's "args" type.
constexpr std::string_view kArgsSettings[] = {"testpaths", "python_files", "norecursedirs", "addopts"};

bool is_args_setting(std::string_view name) {
  for (const auto known : kArgsSettings) {
    if (known == name) return true;
  }
  return false;
}

// Python's str.isspace() restricted to ASCII, which is what iniconfig strips.
bool is_py_space(char c) { return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f'); }

std::string_view strip_left(std::string_view s) {
  while (!s.empty() && is_py_space(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view strip_right(std::string_view s) {
  while (!s.empty() && is_py_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view strip(std::string_view s) { return strip_right(strip_left(s)); }

// Maps an error inside a value (line/column relative to the value text) to the file.
Diagnostic locate_in_value(const Diagnostic& inner, const std::vector<LinePosition>& lines,
                           const std::string& source, std::string_view setting) {
  LinePosition at = lines.empty() ? LinePosition{} : lines.front();
  const auto index = static_cast<std::size_t>(inner.line > 0 ? inner.line - 1 : 0);
  if (index < lines.size()) {
    at = lines[index];
    at.column += inner.column > 0 ? inner.column - 1 : 0;
  }
  return error_at(source, at.line, at.column, fmt::format("{}: {}", setting, inner.message));
}

// ---------------------------------------------------------------------------------------
// INI files, read the way iniconfig (pytest's parser) reads them.

struct IniValue {
  std::string text;
  std::vector<LinePosition> lines;
};

struct IniFile {
  std::map<std::string, std::map<std::string, IniValue>> sections;
};

// One physical line classified like iniconfig's _parseline.
struct IniLine {
  enum Kind { blank, section, value, continuation } kind = blank;
  std::string name;
  std::string_view data;
  int data_column = 0;  // 1-based column of `data` in the line
};

bool is_comment_line(std::string_view line) {
  const auto rest = strip_left(line);
  return !rest.empty() && (rest.front() == '#' || rest.front() == ';');
}

int column_of(std::string_view line, std::string_view part) {
  return static_cast<int>(part.data() - line.data()) + 1;
}

IniLine classify_section_line(std::string_view line) {
  std::string_view header = line;
  for (const char comment : {'#', ';'}) header = strip_right(header.substr(0, header.find(comment)));
  if (!header.empty() && header.back() == ']') {
    return {IniLine::section, std::string(header.substr(1, header.size() - 2)), {}, 0};
  }
  const auto data = strip(line);  // iniconfig treats a broken header as a continuation
  return {IniLine::continuation, "", data, column_of(line, data)};
}

Result<IniLine> classify_ini_line(std::string_view raw, const std::string& source, int number) {
  if (is_comment_line(raw)) return IniLine{};
  const std::string_view line = strip_right(raw);
  if (line.empty()) return IniLine{};
  if (line.front() == '[') return classify_section_line(line);
  if (is_py_space(line.front())) {
    const auto data = strip(line);
    return IniLine{IniLine::continuation, "", data, column_of(line, data)};
  }
  auto split = line.find('=');
  if (split == std::string_view::npos || line.substr(0, split).find(':') != std::string_view::npos) {
    split = line.find(':');
  }
  if (split == std::string_view::npos) {
    return error_at(source, number, 1,
                    "unexpected line: expected 'name = value', a [section] header, or an "
                    "indented continuation line");
  }
  const auto data = strip(line.substr(split + 1));
  return IniLine{IniLine::value, std::string(strip(line.substr(0, split))), data, column_of(line, data)};
}

// Parser state: the section and the value that continuation lines extend.
struct IniCursor {
  std::string section;
  bool in_section = false;
  IniValue* last = nullptr;
};

Result<bool> start_section(IniFile& file, IniCursor& cursor, const IniLine& line, const std::string& source,
                           int number) {
  if (line.name.empty()) return error_at(source, number, 1, "empty section name: write [pytest]");
  if (file.sections.count(line.name)) {
    return error_at(source, number, 1, fmt::format("duplicate section [{}]: merge the two", line.name));
  }
  file.sections[line.name];
  cursor = {line.name, true, nullptr};
  return true;
}

Result<bool> start_value(IniFile& file, IniCursor& cursor, const IniLine& line, const std::string& source,
                         int number) {
  if (!cursor.in_section) {
    return error_at(source, number, 1, "no section header defined: add [pytest] above this line");
  }
  auto& values = file.sections[cursor.section];
  if (values.count(line.name)) {
    return error_at(source, number, 1, fmt::format("duplicate name '{}': set it only once", line.name));
  }
  cursor.last = &values[line.name];
  *cursor.last = {std::string(line.data), {{number, line.data_column}}};
  return true;
}

// iniconfig joins continuation lines with '\n'; an empty first line is replaced, not joined.
Result<bool> continue_value(IniCursor& cursor, const IniLine& line, const std::string& source, int number) {
  if (cursor.last == nullptr) {
    return error_at(source, number, line.data_column,
                    "unexpected value continuation: indented lines continue the value above them; "
                    "remove the indentation or put a 'name =' line first");
  }
  if (cursor.last->text.empty()) {
    *cursor.last = {std::string(line.data), {{number, line.data_column}}};
  } else {
    cursor.last->text += '\n';
    cursor.last->text += line.data;
    cursor.last->lines.push_back({number, line.data_column});
  }
  return true;
}

Result<bool> apply_ini_line(IniFile& file, IniCursor& cursor, const IniLine& line, const std::string& source,
                            int number) {
  switch (line.kind) {
    case IniLine::section:
      return start_section(file, cursor, line, source, number);
    case IniLine::value:
      return start_value(file, cursor, line, source, number);
    case IniLine::continuation:
      return continue_value(cursor, line, source, number);
    case IniLine::blank:
      break;
  }
  return true;
}

Result<IniFile> parse_ini(std::string_view content, const std::string& source) {
  IniFile file;
  IniCursor cursor;
  int number = 0;
  while (!content.empty()) {
    ++number;
    const auto end = content.find('\n');
    std::string_view raw = content.substr(0, end);
    content.remove_prefix(end == std::string_view::npos ? content.size() : end + 1);
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    auto line = classify_ini_line(raw, source, number);
    if (!line) return line.error();
    if (auto applied = apply_ini_line(file, cursor, *line, source, number); !applied) {
      return applied.error();
    }
  }
  return file;
}

Result<Settings> ini_settings(const std::map<std::string, IniValue>& values, const std::string& source) {
  Settings settings;
  for (const auto& [name, value] : values) {
    if (!is_args_setting(name)) continue;
    auto words = shell_split(value.text);
    if (!words) return locate_in_value(words.error(), value.lines, source, name);
    settings[name] = {std::move(*words), value.lines};
  }
  return settings;
}

// ---------------------------------------------------------------------------------------
// Building the configuration from settings.

struct AddoptsFlag {
  std::string_view flag;
  std::vector<std::string> PytestConfig::*target;
};

constexpr AddoptsFlag kAddoptsFlags[] = {{"--ignore", &PytestConfig::ignore},
                                         {"--ignore-glob", &PytestConfig::ignore_glob}};

// Takes --ignore / --ignore-glob (both "--flag=value" and "--flag value") out of addopts.
Result<bool> apply_addopts(PytestConfig& config, const Setting& addopts, const std::string& source) {
  const auto& args = addopts.args;
  for (std::size_t i = 0; i < args.size(); ++i) {
    for (const auto& [flag, target] : kAddoptsFlags) {
      const std::string_view arg = args[i];
      if (arg.size() > flag.size() && arg.substr(0, flag.size()) == flag && arg[flag.size()] == '=') {
        (config.*target).emplace_back(arg.substr(flag.size() + 1));
      } else if (arg == flag) {
        if (i + 1 == args.size()) {
          const auto at = addopts.lines.empty() ? LinePosition{} : addopts.lines.front();
          return error_at(source, at.line, at.column,
                          fmt::format("addopts: {} needs a value: write '{}=PATH'", flag, flag));
        }
        (config.*target).push_back(args[++i]);
      }
    }
  }
  return true;
}

Result<PytestConfig> config_from_settings(const Settings& settings, const std::string& source) {
  PytestConfig config = default_pytest_config();
  config.source = source;
  const auto take = [&](const char* name, std::vector<std::string>& field) {
    if (const auto it = settings.find(name); it != settings.end()) field = it->second.args;
  };
  take("testpaths", config.testpaths);
  take("python_files", config.python_files);
  take("norecursedirs", config.norecursedirs);
  if (const auto it = settings.find("addopts"); it != settings.end()) {
    if (auto applied = apply_addopts(config, it->second, source); !applied) return applied.error();
  }
  return config;
}

// ---------------------------------------------------------------------------------------
// pyproject.toml

LinePosition position_of(const toml::node& node) {
  const auto& begin = node.source().begin;
  return {static_cast<int>(begin.line), static_cast<int>(begin.column)};
}

Diagnostic toml_type_error(const toml::node& node, const std::string& source, std::string_view name) {
  const auto at = position_of(node);
  return error_at(source, at.line, at.column,
                  fmt::format("{} must be a string or a list of strings, e.g. {} = [\"tests\"]", name, name));
}

Result<std::vector<std::string>> toml_words(const toml::node& node, const std::string& source,
                                            std::string_view name) {
  if (const auto* text = node.as_string()) {
    auto words = shell_split(text->get());
    // Escapes and multi-line strings make columns inside the string unreliable: point at it.
    if (!words)
      return locate_in_value(error_in("", words.error().message), {position_of(node)}, source, name);
    return std::move(*words);
  }
  if (const auto* number = node.as_integer()) return std::vector<std::string>{std::to_string(number->get())};
  if (const auto* flag = node.as_boolean()) return std::vector<std::string>{flag->get() ? "True" : "False"};
  const auto* array = node.as_array();
  if (array == nullptr) return toml_type_error(node, source, name);
  std::vector<std::string> words;
  for (const auto& element : *array) {
    const auto* text = element.as_string();
    if (text == nullptr) return toml_type_error(element, source, name);
    words.push_back(text->get());
  }
  return words;
}

Result<Settings> toml_settings(const toml::table& table, const std::string& source) {
  Settings settings;
  for (const auto& [key, node] : table) {
    if (!is_args_setting(key.str())) continue;
    auto words = toml_words(node, source, key.str());
    if (!words) return words.error();
    settings[std::string(key.str())] = {std::move(*words), {position_of(node)}};
  }
  return settings;
}

// [tool.pytest.ini_options] when present (pytest <= 8 and 9), else pytest 9's [tool.pytest].
const toml::table* pytest_table(const toml::table& document) {
  const auto* pytest = document["tool"]["pytest"].as_table();
  if (pytest == nullptr) return nullptr;
  if (const auto* ini_options = (*pytest)["ini_options"].as_table()) return ini_options;
  return pytest;
}

Result<toml::table> parse_toml(std::string_view content, const std::string& source) {
  try {
    return toml::parse(content, source);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    return error_at(source, static_cast<int>(begin.line), static_cast<int>(begin.column),
                    fmt::format("invalid TOML: {}; fix the syntax (pytest cannot read this file either)",
                                error.description()));
  }
}

// ---------------------------------------------------------------------------------------
// shlex.split

struct Splitter {
  std::string_view text;
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;

  void finish_word() {
    if (in_word) words.push_back(std::move(word));
    word.clear();
    in_word = false;
  }
};

Diagnostic split_error(std::string_view text, std::size_t offset, std::string message) {
  const auto [line, column] = line_column(text, offset);
  return error_at("", line, column, std::move(message));
}

// Reads a quoted part starting at the quote `text[start]`; returns the offset after it.
Result<std::size_t> read_quoted(Splitter& s, std::size_t start) {
  const char quote = s.text[start];
  for (std::size_t i = start + 1; i < s.text.size(); ++i) {
    const char c = s.text[i];
    if (c == quote) return i + 1;
    // Inside double quotes a backslash escapes only '"' and '\'; elsewhere it is literal.
    if (quote == '"' && c == '\\' && i + 1 < s.text.size() &&
        (s.text[i + 1] == '"' || s.text[i + 1] == '\\')) {
      ++i;
    }
    s.word += s.text[i];
  }
  return split_error(s.text, start,
                     fmt::format("unterminated {} quote: add the closing {} or escape this one as \\{}",
                                 quote, quote, quote));
}

}  // namespace

Result<std::vector<std::string>> shell_split(std::string_view text) {
  Splitter s{text, {}, {}, false};
  std::size_t i = 0;
  while (i < text.size()) {
    const char c = text[i];
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      s.finish_word();
      ++i;
    } else if (c == '\\') {
      if (i + 1 == text.size()) {
        return split_error(text, i, "a trailing backslash escapes nothing: remove it or write \\\\");
      }
      s.word += text[i + 1];
      s.in_word = true;
      i += 2;
    } else if (c == '"' || c == '\'') {
      s.in_word = true;
      auto next = read_quoted(s, i);
      if (!next) return next.error();
      i = *next;
    } else {
      s.word += c;
      s.in_word = true;
      ++i;
    }
  }
  s.finish_word();
  return std::move(s.words);
}

PytestConfig default_pytest_config() {
  PytestConfig config;
  config.python_files = {"test_*.py", "*_test.py"};
  config.norecursedirs = {"*.egg", ".*", "_darcs", "build", "CVS", "dist", "node_modules", "venv", "{arch}"};
  return config;
}

Result<std::optional<PytestConfig>> parse_ini_config(std::string_view content, const std::string& source_name,
                                                     std::string_view section, bool always_counts) {
  auto file = parse_ini(content, source_name);
  if (!file) return file.error();
  const auto found = file->sections.find(std::string(section));
  if (found == file->sections.end()) {
    if (section == "tool:pytest" && file->sections.count("pytest")) {
      return error_in(source_name,
                      "[pytest] section in setup.cfg files is no longer supported, change to "
                      "[tool:pytest] instead");
    }
    if (!always_counts) return std::optional<PytestConfig>();
    PytestConfig config = default_pytest_config();
    config.source = source_name;
    return std::optional<PytestConfig>(std::move(config));
  }
  auto settings = ini_settings(found->second, source_name);
  if (!settings) return settings.error();
  auto config = config_from_settings(*settings, source_name);
  if (!config) return config.error();
  return std::optional<PytestConfig>(std::move(*config));
}

Result<std::optional<PytestConfig>> parse_pyproject_config(std::string_view content,
                                                           const std::string& source_name) {
  auto document = parse_toml(content, source_name);
  if (!document) return document.error();
  const toml::table* table = pytest_table(*document);
  if (table == nullptr) return std::optional<PytestConfig>();
  auto settings = toml_settings(*table, source_name);
  if (!settings) return settings.error();
  auto config = config_from_settings(*settings, source_name);
  if (!config) return config.error();
  return std::optional<PytestConfig>(std::move(*config));
}

namespace {

// The candidates in pytest's order; the first that yields settings wins.
struct ConfigCandidate {
  const char* name;
  const char* ini_section;  // nullptr: pyproject.toml
  bool always_counts;
};

constexpr ConfigCandidate kCandidates[] = {{"pytest.ini", "pytest", true},
                                           {".pytest.ini", "pytest", false},
                                           {"pyproject.toml", nullptr, false},
                                           {"tox.ini", "pytest", false},
                                           {"setup.cfg", "tool:pytest", false}};

}  // namespace

Result<PytestConfig> read_pytest_config(const FileSystem& fs, const std::string& root) {
  for (const auto& candidate : kCandidates) {
    const std::string path = join_path(root, candidate.name);
    if (fs.kind(path) != EntryKind::file) continue;
    auto content = fs.read(path);
    if (!content) return content.error();
    auto config = candidate.ini_section == nullptr
                      ? parse_pyproject_config(*content, path)
                      : parse_ini_config(*content, path, candidate.ini_section, candidate.always_counts);
    if (!config) return config.error();
    if (config->has_value()) return std::move(**config);
  }
  return default_pytest_config();
}

}  // namespace shardplan
