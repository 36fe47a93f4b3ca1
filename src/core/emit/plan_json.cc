#include "core/emit/plan_json.h"

#include <fmt/format.h>
#include <simdjson.h>
#include <nlohmann/json.hpp>

#include "core/json_error.h"
#include "core/scope.h"

namespace shardplan {
namespace {

using Json = nlohmann::ordered_json;
namespace dom = simdjson::dom;

// A streaming writer with the exact layout of nlohmann's dump(1) (one space per level, empty
// containers as [] and {}), so the plan of a million tests is written without first building
// a JSON tree of it. Numbers are formatted by nlohmann itself, so the text is byte-for-byte
// what the earlier DOM-based writer produced.
class Writer {
 public:
  std::string text;
  bool bad_utf8 = false;

  void open(char bracket) {
    text += bracket;
    ++depth_;
    first_ = true;
  }
  void close(char bracket) {
    --depth_;
    if (!first_) newline();
    text += bracket;
    first_ = false;
  }
  Writer& key(std::string_view name) {
    next();
    string(name);
    text += ": ";
    return *this;
  }
  Writer& element() {
    next();
    return *this;
  }
  void string(std::string_view value) {
    if (!simdjson::validate_utf8(value.data(), value.size())) bad_utf8 = true;
    text += '"';
    std::size_t run = 0;  // start of the pending unescaped run
    for (std::size_t i = 0; i < value.size(); ++i) {
      const auto c = static_cast<unsigned char>(value[i]);
      if (c >= 0x20 && c != '"' && c != '\\') continue;
      text.append(value, run, i - run);
      run = i + 1;
      switch (c) {
        case '"':
          text += "\\\"";
          break;
        case '\\':
          text += "\\\\";
          break;
        case '\b':
          text += "\\b";
          break;
        case '\t':
          text += "\\t";
          break;
        case '\n':
          text += "\\n";
          break;
        case '\f':
          text += "\\f";
          break;
        case '\r':
          text += "\\r";
          break;
        default:
          text += fmt::format("\\u{:04x}", c);
      }
    }
    text.append(value, run, value.size() - run);
    text += '"';
  }
  void number(double value) { text += Json(value).dump(); }
  void number(std::size_t value) { fmt::format_to(std::back_inserter(text), "{}", value); }
  void number(int value) { fmt::format_to(std::back_inserter(text), "{}", value); }
  void boolean(bool value) { text += value ? "true" : "false"; }
  void strings(const std::vector<std::string>& values) {
    open('[');
    for (const std::string& value : values) element().string(value);
    close(']');
  }

 private:
  int depth_ = 0;
  bool first_ = true;
  void newline() {
    text += '\n';
    text.append(static_cast<std::size_t>(depth_), ' ');
  }
  void next() {
    if (!first_) text += ',';
    newline();
    first_ = false;
  }
};

void write_slice(Writer& out, const Slice& slice) {
  out.open('{');
  out.key("file").string(slice.file);
  out.key("slice").number(slice.index);
  out.key("of").number(slice.count);
  out.key("owner").boolean(slice.owner);
  out.key("predicted_seconds").number(slice.seconds);
  out.key("tests").strings(slice.tests);
  out.close('}');
}

void write_shard(Writer& out, const Shard& shard) {
  out.open('{');
  out.key("index").number(shard.index);
  out.key("predicted_seconds").number(shard.predicted_seconds);
  out.key("files").strings(shard.files);
  out.key("slices").open('[');
  for (const Slice& slice : shard.slices) write_slice(out.element(), slice);
  out.close(']');
  out.close('}');
}

void write_stats(Writer& out, const PlanStats& stats) {
  out.open('{');
  out.key("timed_files").number(stats.timed_files);
  out.key("estimated_files").number(stats.estimated_files);
  out.key("stale_entries").number(stats.stale_entries);
  out.key("skipped_invalid").number(stats.skipped_invalid);
  out.key("known_tests").number(stats.known_tests);
  out.close('}');
}

void write_scope(Writer& out, const PlanScope& scope) {
  out.open('{');
  out.key("source").string(scope.source);
  out.key("config").string(scope.config);
  out.key("root_from_config").string(scope.root_from_config);
  out.key("paths").strings(scope.paths);
  out.key("include").strings(scope.include);
  out.key("exclude").strings(scope.exclude);
  out.close('}');
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
    if (error) return out;  // `value` is a missing key's empty element: never touch it
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
    shard.slices.push_back(
        read_slice(in, item, fmt::format("{}.slices[{}]", where, shard.slices.size())));
    if (in.error) break;
  }
  return shard;
}

void read_scope(Reader& in, dom::object root, PlanScope& scope) {
  const dom::object object = in.object_at(in.field(root, "scope", "plan"), "plan.scope");
  if (in.error) return;
  scope.source = in.string(object, "source", "plan.scope");
  if (!in.error && !is_scope_source(scope.source)) {
    in.fail("plan.scope.source",
            fmt::format("'{}' is not one of walk, files-from, files-from-timings", scope.source));
  }
  scope.config = in.string(object, "config", "plan.scope");
  scope.root_from_config = in.string(object, "root_from_config", "plan.scope");
  scope.paths = in.strings(object, "paths", "plan.scope");
  scope.include = in.strings(object, "include", "plan.scope");
  scope.exclude = in.strings(object, "exclude", "plan.scope");
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
  read_scope(in, root, plan.scope);
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
  Writer out;
  out.open('{');
  out.key("shardplan_plan").number(plan.version);
  out.key("shard_count").number(plan.shard_count);
  out.key("lower_bound_seconds").number(plan.lower_bound);
  out.key("makespan_seconds").number(plan.makespan);
  out.key("file_overhead_seconds").number(plan.file_overhead);
  out.key("shard_overhead_seconds").number(plan.shard_overhead);
  out.key("estimated").boolean(plan.estimated);
  out.key("universe").open('{');
  out.key("files").number(plan.stats.universe_files);
  out.key("digest").string(plan.universe_digest);
  out.close('}');
  out.key("inputs_digest").string(plan.inputs_digest);
  write_stats(out.key("stats"), plan.stats);
  write_scope(out.key("scope"), plan.scope);
  out.key("shards").open('[');
  for (const Shard& shard : plan.shards) write_shard(out.element(), shard);
  out.close(']');
  out.close('}');
  if (out.bad_utf8) {
    return error_in("", "a test file path or test id is not valid UTF-8; rename it or exclude it");
  }
  out.text += '\n';
  return std::move(out.text);
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
  if (in.error)
    return error_in(source_name, "not a shardplan plan (no 'shardplan_plan' version key)");
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
