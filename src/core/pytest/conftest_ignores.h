// Reads the collect_ignore / collect_ignore_glob lists a conftest.py sets, from its text alone:
// literal list or tuple assignments, `+=` with a literal list, `.append("x")` and
// `.extend([...])`. Anything else that touches those names (a computed value, a statement
// inside a block) is reported as a warning and left out. Never imports or runs Python.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"

namespace shardplan {

struct ConftestIgnores {
  // nullopt when the conftest never sets the name (pytest then asks the next conftest up).
  std::optional<std::vector<std::string>> collect_ignore;
  std::optional<std::vector<std::string>> collect_ignore_glob;
  Warnings warnings;  // "source:line:column: collect_ignore is computed; ...", hooks defined
};

// `source_name` is used in warnings (e.g. "tests/conftest.py"). A top-level definition of a
// collection hook (pytest_ignore_collect, pytest_collect_file, ...) is a warning too.
ConftestIgnores parse_conftest_ignores(std::string_view content, const std::string& source_name);

}  // namespace shardplan
