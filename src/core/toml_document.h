// TOML documents (pyproject.toml, shardplan.toml) through toml++: parsing with errors that name
// file:line:column, and where a node starts. The one place that includes toml++.
#pragma once

#include <string>
#include <string_view>

// toml++ 3.3 asserts on some malformed input (a newline or '=' right after the '[' of a table
// header, e.g. "[\na]") where its release build reports a parse error. Include it as in a
// release build so a bad file is an error message, never an abort.
#ifndef NDEBUG
#define NDEBUG
#define SHARDPLAN_UNDEF_NDEBUG
#endif
#include <toml++/toml.h>
#ifdef SHARDPLAN_UNDEF_NDEBUG
#undef NDEBUG
#undef SHARDPLAN_UNDEF_NDEBUG
#endif

#include "core/diagnostic.h"

namespace shardplan {

// The document, or an error at the place toml++ stopped; `who` says which program must be able
// to read the file too ("pytest cannot read this file either").
Result<toml::table> parse_toml(std::string_view content, const std::string& source,
                               std::string_view who);

struct TomlPosition {
  int line = 0;
  int column = 0;
};
TomlPosition position_of(const toml::node& node);

// An error at `node`'s place in `source`.
Diagnostic error_at_node(const toml::node& node, const std::string& source, std::string message);

}  // namespace shardplan
