#include "core/pytest/config.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <utility>

#include "core/text.h"
#include "core/toml_document.h"

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
constexpr std::string_view kArgsSettings[] = {"testpaths", "python_files", "norecursedirs",
                                              "addopts"};

bool is_args_setting(std::string_view name) {
  for (const auto known : kArgsSettings) {
    if (known == name) return true;
  }
  return false;
}

// Python's str.isspace() restricted to ASCII, which is what iniconfig strips.
bool is_py_space(char c) {
  return c == ' ' || (c >= '\t' && c <= '\r') || (c >= '\x1c' && c <= '\x1f');
}

std::string_view strip_left(std::string_view s) {
  while (!s.empty() && is_py_space(s.front())) s.remove_prefix(1);
  return s;
}

std::string_view strip_right(std::string_view s) {
  while (!s.empty() && is_py_space(s.back())) s.remove_suffix(1);
  return s;
}

std::string_view strip(std::string_view s) {
  return strip_right(strip_left(s));
}

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
  for (const char comment : {'#', ';'})
    header = strip_right(header.substr(0, header.find(comment)));
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
  if (split == std::string_view::npos ||
      line.substr(0, split).find(':') != std::string_view::npos) {
    split = line.find(':');
  }
  if (split == std::string_view::npos) {
    return error_at(source, number, 1,
                    "unexpected line: expected 'name = value', a [section] header, or an "
                    "indented continuation line");
  }
  const auto data = strip(line.substr(split + 1));
  return IniLine{IniLine::value, std::string(strip(line.substr(0, split))), data,
                 column_of(line, data)};
}

// Parser state: the section and the value that continuation lines extend.
struct IniCursor {
  std::string section;
  bool in_section = false;
  IniValue* last = nullptr;
};

Result<bool> start_section(IniFile& file, IniCursor& cursor, const IniLine& line,
                           const std::string& source, int number) {
  if (line.name.empty()) return error_at(source, number, 1, "empty section name: write [pytest]");
  if (file.sections.count(line.name)) {
    return error_at(source, number, 1,
                    fmt::format("duplicate section [{}]: merge the two", line.name));
  }
  file.sections[line.name];
  cursor = {line.name, true, nullptr};
  return true;
}

Result<bool> start_value(IniFile& file, IniCursor& cursor, const IniLine& line,
                         const std::string& source, int number) {
  if (!cursor.in_section) {
    return error_at(source, number, 1, "no section header defined: add [pytest] above this line");
  }
  auto& values = file.sections[cursor.section];
  if (values.count(line.name)) {
    return error_at(source, number, 1,
                    fmt::format("duplicate name '{}': set it only once", line.name));
  }
  cursor.last = &values[line.name];
  *cursor.last = {std::string(line.data), {{number, line.data_column}}};
  return true;
}

// iniconfig joins continuation lines with '\n'; an empty first line is replaced, not joined.
Result<bool> continue_value(IniCursor& cursor, const IniLine& line, const std::string& source,
                            int number) {
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

Result<bool> apply_ini_line(IniFile& file, IniCursor& cursor, const IniLine& line,
                            const std::string& source, int number) {
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
    auto line = classify_ini_line(next_line(content), source, number);
    if (!line) return line.error();
    if (auto applied = apply_ini_line(file, cursor, *line, source, number); !applied) {
      return applied.error();
    }
  }
  return file;
}

Result<Settings> ini_settings(const std::map<std::string, IniValue>& values,
                              const std::string& source) {
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

// The ini addopts, read as pytest reads them; a bad option points at the value.
Result<bool> apply_addopts(PytestConfig& config, const Setting& addopts,
                           const std::string& source) {
  auto parsed = parse_pytest_args(addopts.args);
  if (!parsed) {
    const auto at = addopts.lines.empty() ? LinePosition{} : addopts.lines.front();
    return error_at(source, at.line, at.column, fmt::format("addopts: {}", parsed.error().message));
  }
  config.addopts = std::move(*parsed);
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

LinePosition line_position_of(const toml::node& node) {
  const auto at = position_of(node);
  return {at.line, at.column};
}

Diagnostic toml_type_error(const toml::node& node, const std::string& source,
                           std::string_view name) {
  const auto at = position_of(node);
  return error_at(
      source, at.line, at.column,
      fmt::format("{} must be a string or a list of strings, e.g. {} = [\"tests\"]", name, name));
}

Result<std::vector<std::string>> toml_words(const toml::node& node, const std::string& source,
                                            std::string_view name) {
  if (const auto* text = node.as_string()) {
    auto words = shell_split(text->get());
    // Escapes and multi-line strings make columns inside the string unreliable: point at it.
    if (!words)
      return locate_in_value(error_in("", words.error().message), {line_position_of(node)}, source,
                             name);
    return std::move(*words);
  }
  if (const auto* number = node.as_integer())
    return std::vector<std::string>{std::to_string(number->get())};
  if (const auto* flag = node.as_boolean())
    return std::vector<std::string>{flag->get() ? "True" : "False"};
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

// pytest 9's native tables keep TOML types: an "args" setting must be a list of strings.
Diagnostic native_type_error(const toml::node& node, const std::string& source,
                             std::string_view name) {
  const auto at = position_of(node);
  return error_at(
      source, at.line, at.column,
      fmt::format("{} must be a list of strings in a native TOML pytest table (pytest 9), "
                  "e.g. {} = [\"tests\"]",
                  name, name));
}

Result<Settings> toml_settings(const toml::table& table, const std::string& source, bool native) {
  Settings settings;
  for (const auto& [key, node] : table) {
    if (!is_args_setting(key.str())) continue;
    if (native && !node.is_array()) return native_type_error(node, source, key.str());
    auto words = toml_words(node, source, key.str());
    if (!words) return words.error();
    settings[std::string(key.str())] = {std::move(*words), {line_position_of(node)}};
  }
  return settings;
}

// The table pytest reads from pyproject.toml: [tool.pytest.ini_options]; pytest 9 also reads
// the native [tool.pytest] (its keys other than ini_options) and refuses both at once.
struct PyprojectTable {
  const toml::table* table = nullptr;
  bool native = false;
};

Result<PyprojectTable> pyproject_table(const toml::table& document, const std::string& source,
                                       int major) {
  const auto* pytest = document["tool"]["pytest"].as_table();
  if (pytest == nullptr) return PyprojectTable{};
  const auto* ini_options = (*pytest)["ini_options"].as_table();
  const bool has_native = std::any_of(pytest->begin(), pytest->end(), [](const auto& entry) {
    return entry.first.str() != "ini_options";
  });
  if (major < 9 || !has_native) return PyprojectTable{ini_options, false};
  if (ini_options != nullptr) {
    return error_in(
        source,
        "cannot use both [tool.pytest] (native TOML types) and [tool.pytest.ini_options] "
        "(string-based INI format) simultaneously (pytest 9 refuses this file): keep one");
  }
  return PyprojectTable{pytest, true};
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
  return split_error(
      s.text, start,
      fmt::format("unterminated {} quote: add the closing {} or escape this one as \\{}", quote,
                  quote, quote));
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
        return split_error(text, i,
                           "a trailing backslash escapes nothing: remove it or write \\\\");
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

// ---------------------------------------------------------------------------------------
// pytest's command-line options

namespace {

enum class Known {
  override_ini,
  config_file,
  rootdir,
  ignore,
  ignore_glob,
  doctest_glob,
  plugin,
  other
};

struct ValueOption {
  std::string_view name;
  Known known;
  std::string_view metavar;
};

// Options that take a value, so the value is not taken for a path: pytest's own and those of
// common plugins (xdist, cov, timeout, rerunfailures, html, split, randomly, shardplan's).
constexpr ValueOption kValueOptions[] = {
    {"-o", Known::override_ini, "NAME=VALUE"},
    {"--override-ini", Known::override_ini, "NAME=VALUE"},
    {"-c", Known::config_file, "FILE"},
    {"--config-file", Known::config_file, "FILE"},
    {"--rootdir", Known::rootdir, "DIR"},
    {"--ignore", Known::ignore, "PATH"},
    {"--ignore-glob", Known::ignore_glob, "GLOB"},
    {"--doctest-glob", Known::doctest_glob, "GLOB"},
    {"-p", Known::plugin, "NAME"},
    {"-k", Known::other, "EXPR"},
    {"-m", Known::other, "MARKEXPR"},
    {"-n", Known::other, "N"},
    {"-W", Known::other, "WARNING"},
    {"-r", Known::other, "CHARS"},
    {"--junitxml", Known::other, "PATH"},
    {"--junit-xml", Known::other, "PATH"},
    {"--junit-prefix", Known::other, "STR"},
    {"--maxfail", Known::other, "N"},
    {"--tb", Known::other, "STYLE"},
    {"--basetemp", Known::other, "DIR"},
    {"--confcutdir", Known::other, "DIR"},
    {"--import-mode", Known::other, "MODE"},
    {"--deselect", Known::other, "NODEID"},
    {"--capture", Known::other, "METHOD"},
    {"--color", Known::other, "WHEN"},
    {"--code-highlight", Known::other, "WHEN"},
    {"--pythonwarnings", Known::other, "WARNING"},
    {"--durations", Known::other, "N"},
    {"--durations-min", Known::other, "N"},
    {"--verbosity", Known::other, "N"},
    {"--assert", Known::other, "MODE"},
    {"--log-level", Known::other, "LEVEL"},
    {"--log-format", Known::other, "FORMAT"},
    {"--log-date-format", Known::other, "FORMAT"},
    {"--log-file", Known::other, "PATH"},
    {"--log-file-level", Known::other, "LEVEL"},
    {"--log-file-format", Known::other, "FORMAT"},
    {"--log-cli-level", Known::other, "LEVEL"},
    {"--log-cli-format", Known::other, "FORMAT"},
    {"--log-auto-indent", Known::other, "VALUE"},
    {"--pdbcls", Known::other, "CLASS"},
    {"--dist", Known::other, "MODE"},
    {"--numprocesses", Known::other, "N"},
    {"--maxprocesses", Known::other, "N"},
    {"--max-worker-restart", Known::other, "N"},
    {"--tx", Known::other, "SPEC"},
    {"--rsyncdir", Known::other, "DIR"},
    {"--cov", Known::other, "SOURCE"},
    {"--cov-report", Known::other, "TYPE"},
    {"--cov-config", Known::other, "PATH"},
    {"--cov-fail-under", Known::other, "MIN"},
    {"--cov-context", Known::other, "CONTEXT"},
    {"--timeout", Known::other, "SECONDS"},
    {"--timeout-method", Known::other, "METHOD"},
    {"--reruns", Known::other, "N"},
    {"--reruns-delay", Known::other, "SECONDS"},
    {"--only-rerun", Known::other, "REGEX"},
    {"--html", Known::other, "PATH"},
    {"--css", Known::other, "PATH"},
    {"--report-log", Known::other, "PATH"},
    {"--json-report-file", Known::other, "PATH"},
    {"--alluredir", Known::other, "DIR"},
    {"--randomly-seed", Known::other, "SEED"},
    {"--splits", Known::other, "N"},
    {"--group", Known::other, "N"},
    {"--splitting-algorithm", Known::other, "NAME"},
    {"--durations-path", Known::other, "PATH"},
    {"--shardplan", Known::other, "PLAN"},
    {"--shardplan-shard", Known::other, "I"},
    {"--shardplan-store-durations", Known::other, "FILE"},
    {"--shardplan-splits", Known::other, "N"},
    {"--shardplan-group", Known::other, "G"},
    {"--shardplan-durations", Known::other, "PATH"},
    {"--shardplan-write-plan", Known::other, "PATH"},
    {"--shardplan-binary", Known::other, "PATH"},
    {"--shardplan-segment", Known::other, "NAME"},
    {"--shardplan-order-log", Known::other, "PATH"},
    {"--shardplan-shuffle", Known::other, "SEED"},
};

const ValueOption* value_option(std::string_view name) {
  for (const auto& option : kValueOptions) {
    if (option.name == name) return &option;
  }
  return nullptr;
}

void store(PytestArgs& args, Known known, std::string value) {
  switch (known) {
    case Known::override_ini:
      args.overrides.push_back(std::move(value));
      break;
    case Known::config_file:
      args.config_file = std::move(value);
      break;
    case Known::rootdir:
      args.rootdir = std::move(value);
      break;
    case Known::ignore:
      args.ignore.push_back(std::move(value));
      break;
    case Known::ignore_glob:
      args.ignore_glob.push_back(std::move(value));
      break;
    case Known::doctest_glob:
      args.doctest_glob.push_back(std::move(value));
      break;
    case Known::plugin:
      if (value == "no:doctest") args.doctest_disabled = true;
      break;
    case Known::other:
      break;
  }
}

// Reads the option at args[i] (and its value); returns the index of the last word it used.
Result<std::size_t> read_option(const std::vector<std::string>& args, std::size_t i,
                                PytestArgs& out) {
  const std::string& arg = args[i];
  const auto needs_value = [&](const ValueOption& option) -> Result<std::size_t> {
    if (i + 1 == args.size()) {
      return error_in("", fmt::format("{} needs a value: write '{}={}'", option.name, option.name,
                                      option.metavar));
    }
    store(out, option.known, args[i + 1]);
    return i + 1;
  };
  if (arg.compare(0, 2, "--") == 0) {
    const auto equals = arg.find('=');
    const ValueOption* option = value_option(std::string_view(arg).substr(0, equals));
    if (arg == "--doctest-modules") out.doctest_modules = true;
    if (option == nullptr) return i;  // a flag, or an option shardplan does not know
    if (equals != std::string::npos) {
      store(out, option->known, arg.substr(equals + 1));
      return i;
    }
    return needs_value(*option);
  }
  // A cluster of short options ("-vx", "-kexpr", "-xk expr"): the first that takes a value
  // takes the rest of the word, or the next word.
  for (std::size_t k = 1; k < arg.size(); ++k) {
    const ValueOption* option = value_option(std::string("-") + arg[k]);
    if (option == nullptr) continue;
    if (k + 1 < arg.size()) {
      store(out, option->known, arg.substr(k + 1));
      return i;
    }
    return needs_value(*option);
  }
  return i;
}

}  // namespace

Result<PytestArgs> parse_pytest_args(const std::vector<std::string>& args, PytestArgs into) {
  bool only_paths = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    if (only_paths || arg.empty() || arg.front() != '-' || arg == "-") {
      into.paths.push_back(arg.substr(0, arg.find("::")));
    } else if (arg == "--") {
      only_paths = true;
    } else {
      auto last = read_option(args, i, into);
      if (!last) return last.error();
      i = *last;
    }
  }
  return into;
}

Result<bool> apply_override(PytestConfig& config, std::string_view override_text) {
  const auto equals = override_text.find('=');
  if (equals == std::string_view::npos) {
    return error_in(
        "", fmt::format("-o/--override-ini expects option=value style (got: '{}')", override_text));
  }
  const std::string name(override_text.substr(0, equals));
  if (!is_args_setting(name)) return true;
  auto words = shell_split(override_text.substr(equals + 1));
  if (!words) return error_in("", fmt::format("-o {}: {}", name, words.error().message));
  if (name == "addopts") {
    auto parsed = parse_pytest_args(*words);
    if (!parsed) return error_in("", fmt::format("-o addopts: {}", parsed.error().message));
    config.addopts = std::move(*parsed);
  } else {
    std::vector<std::string> PytestConfig::*field = name == "testpaths" ? &PytestConfig::testpaths
                                                    : name == "python_files"
                                                        ? &PytestConfig::python_files
                                                        : &PytestConfig::norecursedirs;
    config.*field = std::move(*words);
  }
  return true;
}

PytestConfig default_pytest_config() {
  PytestConfig config;
  config.python_files = {"test_*.py", "*_test.py"};
  config.norecursedirs = {"*.egg", ".*",           "_darcs", "build", "CVS",
                          "dist",  "node_modules", "venv",   "{arch}"};
  return config;
}

Result<std::optional<PytestConfig>> parse_ini_config(std::string_view content,
                                                     const std::string& source_name,
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
                                                           const std::string& source_name,
                                                           int pytest_major) {
  auto document = parse_toml(content, source_name, "pytest");
  if (!document) return document.error();
  auto found = pyproject_table(*document, source_name, pytest_major);
  if (!found) return found.error();
  if (found->table == nullptr) return std::optional<PytestConfig>();
  auto settings = toml_settings(*found->table, source_name, found->native);
  if (!settings) return settings.error();
  auto config = config_from_settings(*settings, source_name);
  if (!config) return config.error();
  return std::optional<PytestConfig>(std::move(*config));
}

Result<PytestConfig> parse_pytest_toml_config(std::string_view content,
                                              const std::string& source_name) {
  auto document = parse_toml(content, source_name, "pytest");
  if (!document) return document.error();
  const auto* table = (*document)["pytest"].as_table();
  if (table == nullptr) {
    PytestConfig config = default_pytest_config();
    config.source = source_name;
    return config;
  }
  auto settings = toml_settings(*table, source_name, true);
  if (!settings) return settings.error();
  return config_from_settings(*settings, source_name);
}

namespace {

// How pytest reads a candidate, by its name: pytest.ini always counts (pytest 9: .pytest.ini
// too, and pytest.toml/.pytest.toml, which only pytest 9 looks for); the others only with a
// pytest section.
Result<std::optional<PytestConfig>> read_candidate(std::string_view content,
                                                   const std::string& path, std::string_view name,
                                                   int major, bool explicit_file) {
  const auto ends_with = [&](std::string_view suffix) {
    return name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
  };
  if (major >= 9 && (name == "pytest.toml" || name == ".pytest.toml")) {
    auto config = parse_pytest_toml_config(content, path);
    if (!config) return config.error();
    return std::optional<PytestConfig>(std::move(*config));
  }
  std::optional<PytestConfig> found;
  if (ends_with(".ini")) {
    const bool always =
        explicit_file || name == "pytest.ini" || (major >= 9 && name == ".pytest.ini");
    auto config = parse_ini_config(content, path, "pytest", always);
    if (!config) return config.error();
    found = std::move(*config);
  } else if (ends_with(".cfg")) {
    auto config = parse_ini_config(content, path, "tool:pytest", false);
    if (!config) return config.error();
    found = std::move(*config);
  } else if (ends_with(".toml")) {
    auto config = parse_pyproject_config(content, path, major);
    if (!config) return config.error();
    found = std::move(*config);
  }
  if (!found && explicit_file) {
    found = default_pytest_config();
    found->source = path;
  }
  return found;
}

}  // namespace

std::vector<std::string> config_candidates(int pytest_major) {
  std::vector<std::string> names = {"pytest.ini", ".pytest.ini", "pyproject.toml", "tox.ini",
                                    "setup.cfg"};
  if (pytest_major >= 9) names.insert(names.begin(), {"pytest.toml", ".pytest.toml"});
  return names;
}

Result<std::optional<PytestConfig>> read_config_file(const FileSystem& fs, const std::string& path,
                                                     int pytest_major, bool explicit_file) {
  auto content = fs.read(path);
  if (!content) return content.error();
  const auto slash = path.rfind('/');
  const std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
  return read_candidate(*content, path, name, pytest_major, explicit_file);
}

Result<PytestConfig> read_pytest_config(const FileSystem& fs, const std::string& root,
                                        int pytest_major) {
  for (const auto& name : config_candidates(pytest_major)) {
    const std::string path = join_path(root, name);
    if (fs.kind(path) != EntryKind::file) continue;
    auto config = read_config_file(fs, path, pytest_major);
    if (!config) return config.error();
    if (config->has_value()) return std::move(**config);
  }
  return default_pytest_config();
}

}  // namespace shardplan
