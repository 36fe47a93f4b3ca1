#include "core/emit/plan_json.h"

#include <fmt/format.h>
#include <nlohmann/json.hpp>
#include <simdjson.h>

#include "core/timings/durations.h"

namespace shardplan {
namespace {

using Json = nlohmann::ordered_json;
namespace dom = simdjson::dom;

Json slice_json(const Slice& slice) {
  return Json{{"file", slice.file},   {"slice", slice.index},
              {"of", slice.count},    {"owner", slice.owner},
              {"predicted_seconds", slice.seconds}, {"tests", slice.tests}};
}

Json shard_json(const Shard& shard) {
  Json slices = Json::array();
  for (const Slice& slice : shard.slices) slices.push_back(slice_json(slice));
  return Json{{"index", shard.index},
              {"predicted_seconds", shard.predicted_seconds},
              {"files", shard.files},
              {"slices", slices}};
}

Json stats_json(const PlanStats& stats) {
  return Json{{"timed_files", stats.timed_files},         {"estimated_files", stats.estimated_files},
              {"stale_entries", stats.stale_entries},     {"skipped_invalid", stats.skipped_invalid},
              {"known_tests", stats.known_tests}};
}

// ---- reading ----

constexpr std::string_view kRegenerate = "; regenerate it with 'shardplan plan'";

struct Reader {
  const std::string& source;
  std::optional<Diagnostic> error;

  bool fail(const std::string& where, const std::string& what) {
    if (!error) error = error_in(source, fmt::format("{}: {}{}", where, what, kRegenerate));
    return false;
  }
  dom::element field(dom::object object, const char* key, const std::string& where) {
    dom::element value;
    if (object[key].get(value)) fail(where, fmt::format("key '{}' is missing", key));
    return value;
  }
  template <class T>
  T number(dom::object object, const char* key, const std::string& where) {
    const dom::element value = field(object, key, where);
    if (error) return T{};
    if constexpr (std::is_same_v<T, double>) {
      double out = 0;
      if (!value.get_double().get(out)) return out;
      int64_t whole = 0;
      if (!value.get_int64().get(whole)) return static_cast<double>(whole);
    } else {
      int64_t out = 0;
      if (!value.get_int64().get(out) && out >= 0 && out <= INT32_MAX) return static_cast<T>(out);
    }
    fail(where + "." + key, "expected a non-negative number");
    return T{};
  }
  bool boolean(dom::object object, const char* key, const std::string& where) {
    bool out = false;
    const dom::element value = field(object, key, where);
    if (!error && value.get_bool().get(out)) fail(where + "." + key, "expected true or false");
    return out;
  }
  std::string string(dom::object object, const char* key, const std::string& where) {
    std::string_view out;
    const dom::element value = field(object, key, where);
    if (!error && value.get_string().get(out)) fail(where + "." + key, "expected a string");
    return std::string(out);
  }
  std::vector<std::string> strings(dom::object object, const char* key, const std::string& where) {
    std::vector<std::string> out;
    dom::array list;
    const dom::element value = field(object, key, where);
    if (error) return out;
    if (value.get_array().get(list)) {
      fail(where + "." + key, "expected a list of strings");
      return out;
    }
    for (dom::element item : list) {
      std::string_view text;
      if (item.get_string().get(text)) {
        fail(fmt::format("{}.{}[{}]", where, key, out.size()), "expected a string");
        return out;
      }
      out.emplace_back(text);
    }
    return out;
  }
  dom::object object_at(dom::element value, const std::string& where) {
    dom::object out;
    if (value.get_object().get(out)) fail(where, "expected an object");
    return out;
  }
};

Slice read_slice(Reader& in, dom::element value, const std::string& where) {
  Slice slice;
  const dom::object object = in.object_at(value, where);
  if (in.error) return slice;
  slice.file = in.string(object, "file", where);
  slice.index = in.number<int>(object, "slice", where);
  slice.count = in.number<int>(object, "of", where);
  slice.owner = in.boolean(object, "owner", where);
  slice.seconds = in.number<double>(object, "predicted_seconds", where);
  slice.tests = in.strings(object, "tests", where);
  return slice;
}

Shard read_shard(Reader& in, dom::element value, const std::string& where) {
  Shard shard;
  const dom::object object = in.object_at(value, where);
  if (in.error) return shard;
  shard.index = in.number<int>(object, "index", where);
  shard.predicted_seconds = in.number<double>(object, "predicted_seconds", where);
  shard.files = in.strings(object, "files", where);
  dom::array slices;
  const dom::element list = in.field(object, "slices", where);
  if (!in.error && list.get_array().get(slices)) in.fail(where + ".slices", "expected a list");
  if (in.error) return shard;
  for (dom::element item : slices) {
    shard.slices.push_back(read_slice(in, item, fmt::format("{}.slices[{}]", where, shard.slices.size())));
    if (in.error) break;
  }
  return shard;
}

void read_header(Reader& in, dom::object root, Plan& plan) {
  plan.shard_count = in.number<int>(root, "shard_count", "plan");
  plan.lower_bound = in.number<double>(root, "lower_bound_seconds", "plan");
  plan.makespan = in.number<double>(root, "makespan_seconds", "plan");
  plan.file_overhead = in.number<double>(root, "file_overhead_seconds", "plan");
  plan.shard_overhead = in.number<double>(root, "shard_overhead_seconds", "plan");
  plan.estimated = in.boolean(root, "estimated", "plan");
  plan.inputs_digest = in.string(root, "inputs_digest", "plan");
  const dom::object universe = in.object_at(in.field(root, "universe", "plan"), "plan.universe");
  if (in.error) return;
  plan.stats.universe_files = in.number<std::size_t>(universe, "files", "plan.universe");
  plan.universe_digest = in.string(universe, "digest", "plan.universe");
  const dom::object stats = in.object_at(in.field(root, "stats", "plan"), "plan.stats");
  if (in.error) return;
  plan.stats.timed_files = in.number<std::size_t>(stats, "timed_files", "plan.stats");
  plan.stats.estimated_files = in.number<std::size_t>(stats, "estimated_files", "plan.stats");
  plan.stats.stale_entries = in.number<std::size_t>(stats, "stale_entries", "plan.stats");
  plan.stats.skipped_invalid = in.number<std::size_t>(stats, "skipped_invalid", "plan.stats");
  plan.stats.known_tests = in.number<std::size_t>(stats, "known_tests", "plan.stats");
}

Result<dom::element> parse_root(dom::parser& parser, const simdjson::padded_string& padded,
                                std::string_view content, const std::string& source) {
  if (content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return error_in(source, std::string("empty file, expected a plan") + std::string(kRegenerate));
  }
  if (content.substr(0, 8192).find('\0') != std::string_view::npos) {
    return error_in(source, std::string("binary file, not a plan") + std::string(kRegenerate));
  }
  dom::element root;
  if (const auto failure = parser.parse(padded).get(root)) {
    Diagnostic located = locate_json_error(content, source);
    if (located.message.empty()) {
      located = error_in(source, fmt::format("invalid JSON: {}", simdjson::error_message(failure)));
    }
    located.message += std::string(kRegenerate);
    return located;
  }
  return root;
}

}  // namespace

Result<std::string> plan_to_json(const Plan& plan) {
  Json shards = Json::array();
  for (const Shard& shard : plan.shards) shards.push_back(shard_json(shard));
  const Json root{{"shardplan_plan", plan.version},
                  {"shard_count", plan.shard_count},
                  {"lower_bound_seconds", plan.lower_bound},
                  {"makespan_seconds", plan.makespan},
                  {"file_overhead_seconds", plan.file_overhead},
                  {"shard_overhead_seconds", plan.shard_overhead},
                  {"estimated", plan.estimated},
                  {"universe", Json{{"files", plan.stats.universe_files}, {"digest", plan.universe_digest}}},
                  {"inputs_digest", plan.inputs_digest},
                  {"stats", stats_json(plan.stats)},
                  {"shards", shards}};
  try {
    return root.dump(1) + "\n";
  } catch (const Json::type_error&) {
    return error_in("", "a test file path or test id is not valid UTF-8; rename it or exclude it");
  }
}

Result<Plan> plan_from_json(std::string_view content, const std::string& source_name) {
  dom::parser parser;
  const simdjson::padded_string padded(content);
  auto parsed = parse_root(parser, padded, content, source_name);
  if (!parsed) return parsed.error();
  Reader in{source_name, std::nullopt};
  const dom::object root = in.object_at(*parsed, "plan");
  if (in.error) return *in.error;
  Plan plan;
  plan.version = in.number<int>(root, "shardplan_plan", "plan");
  if (in.error) return error_in(source_name, "not a shardplan plan (no 'shardplan_plan' version key)");
  if (plan.version != kPlanFormatVersion) {
    return error_in(source_name, fmt::format("plan format version {} is not supported by this "
                                             "shardplan (it reads version {}); regenerate the plan "
                                             "with this version or use the matching shardplan",
                                             plan.version, kPlanFormatVersion));
  }
  read_header(in, root, plan);
  dom::array shards;
  const dom::element list = in.field(root, "shards", "plan");
  if (!in.error && list.get_array().get(shards)) in.fail("plan.shards", "expected a list");
  if (in.error) return *in.error;
  for (dom::element item : shards) {
    plan.shards.push_back(read_shard(in, item, fmt::format("plan.shards[{}]", plan.shards.size())));
    if (in.error) return *in.error;
  }
  return plan;
}

}  // namespace shardplan
