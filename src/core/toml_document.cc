#include "core/toml_document.h"

#include <fmt/format.h>

namespace shardplan {

Result<toml::table> parse_toml(std::string_view content, const std::string& source,
                               std::string_view who) {
  try {
    return toml::parse(content, source);
  } catch (const toml::parse_error& error) {
    const auto& begin = error.source().begin;
    return error_at(
        source, static_cast<int>(begin.line), static_cast<int>(begin.column),
        fmt::format("invalid TOML: {}; fix the syntax ({} cannot read this file either)",
                    error.description(), who));
  }
}

TomlPosition position_of(const toml::node& node) {
  const auto& begin = node.source().begin;
  return {static_cast<int>(begin.line), static_cast<int>(begin.column)};
}

Diagnostic error_at_node(const toml::node& node, const std::string& source, std::string message) {
  const auto at = position_of(node);
  return error_at(source, at.line, at.column, std::move(message));
}

}  // namespace shardplan
