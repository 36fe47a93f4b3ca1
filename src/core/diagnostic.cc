#include "core/diagnostic.h"

#include <fmt/format.h>

namespace shardplan {

std::string Diagnostic::format() const {
  std::string out;
  if (!path.empty()) {
    out += path;
    if (line > 0) {
      out += fmt::format(":{}", line);
      if (column > 0) out += fmt::format(":{}", column);
    }
    out += ": ";
  }
  out += message;
  return out;
}

Diagnostic error_at(std::string path, int line, int column, std::string message) {
  return Diagnostic{std::move(path), line, column, std::move(message)};
}

Diagnostic error_in(std::string path, std::string message) {
  return Diagnostic{std::move(path), 0, 0, std::move(message)};
}

std::pair<int, int> line_column(std::string_view text, std::size_t offset) {
  if (offset > text.size()) offset = text.size();
  int line = 1;
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < offset; ++i) {
    if (text[i] == '\n') {
      ++line;
      line_start = i + 1;
    }
  }
  return {line, static_cast<int>(offset - line_start) + 1};
}

}  // namespace shardplan
