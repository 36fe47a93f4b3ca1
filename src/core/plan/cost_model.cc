#include "core/plan/cost_model.h"

#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/json_error.h"

namespace shardplan {
namespace {

using Json = nlohmann::ordered_json;

Result<double> read_overhead(const Json& value, const std::string& source, const std::string& key) {
  if (!value.is_number())
    return error_in(source, fmt::format("{}: expected a number of seconds", key));
  return checked_overhead(value.get<double>(), fmt::format("{}: {}", source, key));
}

}  // namespace

Result<double> checked_overhead(double seconds, std::string_view what) {
  if (!std::isfinite(seconds) || seconds < 0 || seconds > kMaxOverheadSeconds) {
    return error_in("", fmt::format("{} must be between 0 and {} seconds, got {}", what,
                                    kMaxOverheadSeconds, seconds));
  }
  return seconds;
}

std::string cost_model_to_json(const CostModel& model) {
  Json files = Json::object();
  for (const auto& [path, seconds] : model.files) files[path] = seconds;
  const Json root{{"shardplan_model", kModelFormatVersion},
                  {"shard_overhead_seconds", model.shard_overhead},
                  {"file_overhead_seconds", model.file_overhead},
                  {"files", files}};
  return root.dump(1) + "\n";
}

Result<CostModel> cost_model_from_json(std::string_view content, const std::string& source_name) {
  Json root;
  try {
    root = Json::parse(content.begin(), content.end());
  } catch (const Json::exception&) {
    Diagnostic located = locate_json_error(content, source_name);
    located.message += "; regenerate it with 'shardplan calibrate'";
    return located;
  }
  if (!root.is_object() || !root.contains("shardplan_model")) {
    return error_in(source_name, "not a shardplan cost model (no 'shardplan_model' key)");
  }
  if (root["shardplan_model"] != kModelFormatVersion) {
    return error_in(source_name, fmt::format("cost model format {} is not supported (this "
                                             "shardplan reads {}); regenerate it with 'shardplan "
                                             "calibrate'",
                                             root["shardplan_model"].dump(), kModelFormatVersion));
  }
  CostModel model;
  for (const auto& [key, target] : {std::pair{"shard_overhead_seconds", &model.shard_overhead},
                                    std::pair{"file_overhead_seconds", &model.file_overhead}}) {
    auto value = read_overhead(root.value(key, Json()), source_name, key);
    if (!value) return value.error();
    *target = *value;
  }
  if (root.contains("files")) {
    if (!root["files"].is_object()) return error_in(source_name, "files: expected an object");
    for (const auto& [path, seconds] : root["files"].items()) {
      auto value = read_overhead(seconds, source_name, "files." + path);
      if (!value) return value.error();
      model.files[path] = *value;
    }
  }
  return model;
}

}  // namespace shardplan
