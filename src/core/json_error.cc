#include "core/json_error.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>

namespace shardplan {
namespace {

// "[json.exception.parse_error.101] parse error at line 3, column 1: syntax error ..."
std::string strip_nlohmann_prefix(const std::string& what) {
  const auto colon = what.find(": ");
  return colon == std::string::npos ? what : what.substr(colon + 2);
}

}  // namespace

Diagnostic locate_json_error(std::string_view content, const std::string& source_name) {
  try {
    [[maybe_unused]] const auto parsed = nlohmann::json::parse(content.begin(), content.end());
  } catch (const nlohmann::json::parse_error& e) {
    const auto [line, column] = line_column(content, e.byte == 0 ? 0 : e.byte - 1);
    return error_at(source_name, line, column,
                    fmt::format("invalid JSON: {}", strip_nlohmann_prefix(e.what())));
  } catch (const std::exception& e) {
    return error_in(source_name, fmt::format("invalid JSON: {}", e.what()));
  }
  return Diagnostic{};
}

}  // namespace shardplan
