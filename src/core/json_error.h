// Where and why a text is not valid JSON, for error messages. simdjson is every reader's fast
// path; only when it rejects the input does nlohmann re-parse the text to find the line and
// column a person needs to fix it. No I/O.
#pragma once

#include <string>
#include <string_view>

#include "core/diagnostic.h"

namespace shardplan {

// Line, column and reason of the first JSON error in `content`; a Diagnostic with an empty
// message when it is valid.
Diagnostic locate_json_error(std::string_view content, const std::string& source_name);

}  // namespace shardplan
