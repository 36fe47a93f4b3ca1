// The plan file (docs/plan-format.md): writing it byte-for-byte deterministically and reading
// it back with a clear error for anything malformed or from an unknown format version.
#pragma once

#include <string>
#include <string_view>

#include "core/diagnostic.h"
#include "core/model.h"

namespace shardplan {

// Fails only when a path or test id is not valid UTF-8 (JSON cannot carry it).
Result<std::string> plan_to_json(const Plan& plan);

// Structural errors name the JSON location, e.g. "plan.json: shards[2].files[0]: expected a
// string"; syntax errors name line and column.
Result<Plan> plan_from_json(std::string_view content, const std::string& source_name);

}  // namespace shardplan
