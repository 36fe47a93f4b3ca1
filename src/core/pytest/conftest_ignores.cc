#include "core/pytest/conftest_ignores.h"

#include <fmt/format.h>

namespace shardplan {
namespace {

constexpr std::string_view kNames[] = {"collect_ignore_glob", "collect_ignore"};

// Hooks that change which files are collected; shardplan cannot run them.
constexpr std::string_view kCollectionHooks[] = {"pytest_ignore_collect", "pytest_collect_file",
                                                 "pytest_collect_directory",
                                                 "pytest_pycollect_makemodule"};

bool is_identifier_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
}

// A position in the conftest text; statements may span lines inside brackets.
struct Cursor {
  std::string_view text;
  std::size_t pos = 0;

  bool at_end() const { return pos >= text.size(); }
  char peek(std::size_t ahead = 0) const {
    return pos + ahead < text.size() ? text[pos + ahead] : '\0';
  }
  bool take(std::string_view token) {
    if (text.substr(pos, token.size()) != token) return false;
    pos += token.size();
    return true;
  }
  void skip_comment() {
    while (!at_end() && peek() != '\n') ++pos;
  }
  // Spaces and backslash-newline continuations: what may separate tokens on one logical line.
  void skip_inline() {
    while (peek() == ' ' || peek() == '\t' || (peek() == '\\' && peek(1) == '\n'))
      pos += peek() == '\\' ? 2 : 1;
  }
  // Inside brackets newlines and comments are whitespace too.
  void skip_inside() {
    for (;;) {
      skip_inline();
      if (peek() == '#') skip_comment();
      if (peek() != '\n' && peek() != '\r') return;
      ++pos;
    }
  }
};

char escaped(char c) {
  switch (c) {
    case 'n':
      return '\n';
    case 't':
      return '\t';
    case '\\':
    case '\'':
    case '"':
      return c;
    default:
      return '\0';
  }
}

// A one-line string literal, with an optional r/u prefix; triple quotes and f-strings are
// not literals shardplan can read.
std::optional<std::string> read_string(Cursor& at) {
  bool raw = false;
  if (at.peek() == 'r' || at.peek() == 'R') raw = true;
  if (raw || at.peek() == 'u' || at.peek() == 'U') ++at.pos;
  const char quote = at.peek();
  if (quote != '\'' && quote != '"') return std::nullopt;
  if (at.peek(1) == quote && at.peek(2) == quote) return std::nullopt;
  std::string value;
  for (++at.pos; !at.at_end() && at.peek() != '\n'; ++at.pos) {
    const char c = at.peek();
    if (c == quote) {
      ++at.pos;
      return value;
    }
    if (c == '\\' && !raw && escaped(at.peek(1)) != '\0') {
      value += escaped(at.peek(1));
      ++at.pos;
    } else {
      value += c;
      if (c == '\\' && at.pos + 1 < at.text.size()) value += at.text[++at.pos];  // raw: keep both
    }
  }
  return std::nullopt;
}

// "[...]" or "(...)" of string literals, possibly over several lines. A parenthesized single
// string without a comma is a string, not a tuple: not a list shardplan can read.
std::optional<std::vector<std::string>> read_list(Cursor& at) {
  const char open = at.peek();
  if (open != '[' && open != '(') return std::nullopt;
  const char close = open == '[' ? ']' : ')';
  ++at.pos;
  std::vector<std::string> items;
  bool comma = false;
  for (;;) {
    at.skip_inside();
    if (at.take(std::string_view(&close, 1))) break;
    auto item = read_string(at);
    if (!item) return std::nullopt;
    items.push_back(std::move(*item));
    at.skip_inside();
    comma = at.take(",");
    if (!comma && at.peek() != close) return std::nullopt;
  }
  if (open == '(' && items.size() == 1 && !comma) return std::nullopt;
  return items;
}

// After a statement: only a comment may follow on its line.
bool at_statement_end(Cursor& at) {
  at.skip_inline();
  if (at.peek() == '#') at.skip_comment();
  if (at.peek() == '\r') ++at.pos;
  return at.at_end() || at.peek() == '\n';
}

enum class Op { assign, extend, append };

struct Statement {
  Op op = Op::assign;
  std::vector<std::string> items;
};

// Parses what follows the name: "= [...]", "+= [...]", ".extend([...])", ".append('x')".
std::optional<Statement> read_statement(Cursor& at) {
  at.skip_inline();
  Statement statement;
  if (at.take(".append(")) {
    at.skip_inside();
    auto item = read_string(at);
    at.skip_inside();
    if (!item || !at.take(")")) return std::nullopt;
    statement = {Op::append, {std::move(*item)}};
  } else if (at.take(".extend(")) {
    at.skip_inside();
    auto items = read_list(at);
    at.skip_inside();
    if (!items || !at.take(")")) return std::nullopt;
    statement = {Op::extend, std::move(*items)};
  } else {
    const Op op = at.take("+=") ? Op::extend : Op::assign;
    if (op == Op::assign && (!at.take("=") || at.peek() == '=')) return std::nullopt;
    at.skip_inline();
    auto items = read_list(at);
    if (!items) return std::nullopt;
    statement = {op, std::move(*items)};
  }
  if (!at_statement_end(at)) return std::nullopt;
  return statement;
}

void apply(std::optional<std::vector<std::string>>& target, Statement statement) {
  if (statement.op == Op::assign || !target) target.emplace();
  target->insert(target->end(), statement.items.begin(), statement.items.end());
}

// The first of the two names mentioned as a whole word in `line`, ignoring a trailing comment.
std::string_view mentioned_name(std::string_view line) {
  line = line.substr(0, line.find('#'));
  for (const auto name : kNames) {
    for (auto at = line.find(name); at != std::string_view::npos; at = line.find(name, at + 1)) {
      const auto end = at + name.size();
      if ((at == 0 || !is_identifier_char(line[at - 1])) &&
          (end == line.size() || !is_identifier_char(line[end])))
        return name;
    }
  }
  return {};
}

// Python triple-quoted strings (docstrings) may mention the names in prose: skip them.
bool toggles_triple_quote(std::string_view line) {
  std::size_t count = 0;
  for (const auto quotes : {std::string_view("\"\"\""), std::string_view("'''")}) {
    for (auto at = line.find(quotes); at != std::string_view::npos; at = line.find(quotes, at + 3))
      ++count;
  }
  return count % 2 == 1;
}

class Reader {
 public:
  Reader(std::string_view content, const std::string& source) : at_{content, 0}, source_(source) {}

  ConftestIgnores run() {
    bool in_triple = false;
    while (!at_.at_end()) {
      const std::size_t start = at_.pos;
      const std::size_t end = std::min(at_.text.find('\n', start), at_.text.size());
      const std::string_view line = at_.text.substr(start, end - start);
      ++line_;
      const bool was_in_triple = in_triple;
      if (toggles_triple_quote(line)) in_triple = !in_triple;
      if (!was_in_triple && !in_triple) read_line(line);
      if (at_.pos <= end) at_.pos = end + 1;
    }
    return std::move(result_);
  }

 private:
  void check_hook(std::string_view line) {
    if (line.substr(0, 4) != "def ") return;
    for (const auto hook : kCollectionHooks) {
      const auto rest = line.substr(4);
      if (rest.substr(0, hook.size()) == hook && rest.substr(hook.size(), 1) == "(") {
        result_.warnings.push_back(error_at(
            source_, line_, 1,
            fmt::format(
                "defines {}; shardplan does not run hooks, so the files it ignores or adds are not "
                "known: compare 'shardplan files' with 'pytest --collect-only -q' and use "
                "--exclude/--include",
                hook)));
      }
    }
  }

  void read_line(std::string_view line) {
    check_hook(line);
    const std::string_view name = mentioned_name(line);
    if (name.empty()) return;
    if (line.substr(0, name.size()) == name) {
      Cursor attempt = at_;
      attempt.pos += name.size();
      if (auto statement = read_statement(attempt)) {
        apply(name == kNames[0] ? result_.collect_ignore_glob : result_.collect_ignore,
              std::move(*statement));
        line_ += count_newlines(at_.pos, attempt.pos);
        at_.pos = attempt.pos + 1;  // past the statement's last newline
        return;
      }
    }
    const bool in_block = !line.empty() && (line.front() == ' ' || line.front() == '\t');
    result_.warnings.push_back(error_at(
        source_, line_, 1,
        fmt::format(
            "{} {}; shardplan cannot evaluate it: this statement is ignored, pass the same paths "
            "with --exclude",
            name, in_block ? "is set inside a block (if, for, def, ...)" : "is computed")));
  }

  int count_newlines(std::size_t from, std::size_t to) const {
    int count = 0;
    for (std::size_t i = from; i < to && i < at_.text.size(); ++i)
      count += at_.text[i] == '\n' ? 1 : 0;
    return count;
  }

  Cursor at_;
  const std::string& source_;
  int line_ = 0;
  ConftestIgnores result_;
};

}  // namespace

ConftestIgnores parse_conftest_ignores(std::string_view content, const std::string& source_name) {
  return Reader(content, source_name).run();
}

}  // namespace shardplan
