#include "core/plan/segments.h"

#include <algorithm>
#include <cctype>
#include <cmath>

#include <fmt/format.h>
#include <nlohmann/json.hpp>

#include "core/plan/duration.h"
#include "core/toml_document.h"

namespace shardplan {
namespace {

constexpr std::string_view kSegmentKeys[] = {"include",        "exclude",  "pytest-args",
                                             "shards",         "target",   "file-overhead",
                                             "shard-overhead", "durations"};
constexpr std::string_view kTopKeys[] = {"durations", "segments"};

template <std::size_t N>
bool known(std::string_view key, const std::string_view (&keys)[N]) {
  return std::find(std::begin(keys), std::end(keys), key) != std::end(keys);
}

template <std::size_t N>
std::string listed(const std::string_view (&keys)[N]) {
  std::string out;
  for (const std::string_view key : keys) out += fmt::format("{}{}", out.empty() ? "" : ", ", key);
  return out;
}

Result<std::vector<std::string>> string_list(const toml::node& node, const std::string& source,
                                             std::string_view key) {
  std::vector<std::string> out;
  if (const auto* text = node.as_string()) {
    out.push_back(text->get());
    return out;
  }
  const auto* array = node.as_array();
  if (array == nullptr) {
    return error_at_node(
        node, source,
        fmt::format("{} must be a list of strings, e.g. {} = [\"tests/unit\"]", key, key));
  }
  for (const auto& element : *array) {
    const auto* text = element.as_string();
    if (text == nullptr) {
      return error_at_node(element, source, fmt::format("every entry of {} must be a string", key));
    }
    out.push_back(text->get());
  }
  return out;
}

Result<double> seconds_of(const toml::node& node, const std::string& source, std::string_view key) {
  if (const auto* number = node.as_floating_point()) {
    if (std::isfinite(number->get()) && number->get() >= 0) return number->get();
  } else if (const auto* whole = node.as_integer()) {
    if (whole->get() >= 0) return static_cast<double>(whole->get());
  } else if (const auto* text = node.as_string()) {
    auto parsed = parse_duration(text->get());
    if (parsed) return *parsed;
    return error_at_node(node, source, fmt::format("{}: {}", key, parsed.error().message));
  }
  return error_at_node(node, source,
                       fmt::format("{} must be seconds (a number of at least 0) or a duration "
                                   "such as \"15m\"",
                                   key));
}

Result<bool> read_shards(const toml::node& node, const std::string& source, Segment& segment) {
  if (const auto* whole = node.as_integer();
      whole != nullptr && whole->get() >= 1 && whole->get() <= 10000) {
    segment.shards = static_cast<int>(whole->get());
    return true;
  }
  if (const auto* text = node.as_string(); text != nullptr && text->get() == "auto") {
    segment.shards.reset();
    return true;
  }
  return error_at_node(node, source,
                       "shards must be a whole number from 1 to 10000, or \"auto\" (then give "
                       "target, the wall-clock goal, e.g. target = \"15m\")");
}

Result<Segment> read_segment(const std::string& name, const toml::node& node,
                             const std::string& source) {
  const auto* table = node.as_table();
  if (table == nullptr) {
    return error_at_node(node, source,
                         fmt::format("segments.{} must be a table: [segments.{}] in "
                                     "shardplan.toml, [tool.shardplan.segments.{}] in "
                                     "pyproject.toml",
                                     name, name, name));
  }
  const bool plain = !name.empty() && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.';
  });
  if (!plain) {
    return error_at_node(node, source,
                         fmt::format("segment name \"{}\": use letters, digits, '-', '_' and "
                                     "'.' only (it names CI jobs and goes on command lines)",
                                     name));
  }
  Segment segment;
  segment.name = name;
  segment.line = position_of(node).line;
  segment.shards = 1;
  bool shards_given = false;
  for (const auto& [key_name, value] : *table) {
    const std::string_view key = key_name.str();
    if (!known(key, kSegmentKeys)) {
      return error_at_node(value, source,
                           fmt::format("unknown key {} in segment {}; the keys are: {}", key, name,
                                       listed(kSegmentKeys)));
    }
    Result<bool> done = true;
    if (key == "include" || key == "exclude" || key == "pytest-args") {
      auto words = string_list(value, source, key);
      if (!words) return words.error();
      auto& target = key == "include"   ? segment.include
                     : key == "exclude" ? segment.exclude
                                        : segment.pytest_args;
      target = std::move(*words);
    } else if (key == "durations") {
      const auto* text = value.as_string();
      if (text == nullptr) {
        return error_at_node(value, source, "durations must be a path string");
      }
      segment.durations = text->get();
    } else if (key == "shards") {
      done = read_shards(value, source, segment);
      shards_given = true;
    } else {
      auto seconds = seconds_of(value, source, key);
      if (!seconds) return seconds.error();
      if (key == "target") segment.target_seconds = *seconds;
      if (key == "file-overhead") segment.file_overhead = *seconds;
      if (key == "shard-overhead") segment.shard_overhead = *seconds;
    }
    if (!done) return done.error();
  }
  if (shards_given && !segment.shards && !segment.target_seconds) {
    return error_at_node(node, source,
                         fmt::format("segment {} has shards = \"auto\" but no target: add the "
                                     "wall-clock goal, e.g. target = \"15m\"",
                                     name));
  }
  return segment;
}

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Result<ProjectConfig> parse_project_config(std::string_view content, const std::string& source,
                                           bool pyproject) {
  auto document = parse_toml(content, source, pyproject ? "pip and pytest" : "TOML readers");
  if (!document) return document.error();
  ProjectConfig config;
  config.source = source;
  config.root = parent_of(source);
  const toml::table* table = &*document;
  if (pyproject) {
    table = (*document)["tool"]["shardplan"].as_table();
    if (table == nullptr) return ProjectConfig{};  // not configured here: no source
  }
  for (const auto& [key_name, value] : *table) {
    const std::string_view key = key_name.str();
    if (!known(key, kTopKeys)) {
      return error_at_node(value, source,
                           fmt::format("unknown key {}; the keys are: {} (segments go in "
                                       "[{}segments.NAME])",
                                       key, listed(kTopKeys), pyproject ? "tool.shardplan." : ""));
    }
    if (key == "durations") {
      const auto* text = value.as_string();
      if (text == nullptr) return error_at_node(value, source, "durations must be a path string");
      config.durations = text->get();
      continue;
    }
    const auto* segments = value.as_table();
    if (segments == nullptr) {
      return error_at_node(value, source, "segments must be a table of named segments");
    }
    for (const auto& [name, node] : *segments) {
      auto segment = read_segment(std::string(name.str()), node, source);
      if (!segment) return segment.error();
      config.segments.push_back(std::move(*segment));
    }
  }
  std::sort(config.segments.begin(), config.segments.end(),
            [](const Segment& a, const Segment& b) { return a.name < b.name; });
  return config;
}

Result<ProjectConfig> find_project_config(const FileSystem& fs, const std::string& start) {
  // `dir` decides when the walk ends; `rel` names the same directory as the user would, so
  // messages and paths stay relative ("shardplan.toml", "../shardplan.toml").
  std::string dir = fs.absolute(start.empty() ? "." : start);
  while (dir.size() > 2 && dir.ends_with("/.")) dir.resize(dir.size() - 2);
  std::string rel = start.empty() ? "." : start;
  for (;;) {
    for (const bool pyproject : {false, true}) {
      const std::string path = join_path(rel, pyproject ? "pyproject.toml" : "shardplan.toml");
      if (fs.kind(path) != EntryKind::file) continue;
      auto content = fs.read(path);
      if (!content) return content.error();
      auto config = parse_project_config(*content, path, pyproject);
      if (!config) return config.error();
      // A pyproject.toml without [tool.shardplan] does not stop the search, as pytest skips
      // one without its table.
      if (!config->source.empty()) return config;
    }
    const std::string up = parent_of(dir);
    if (up == dir || dir.empty() || dir == ".") break;
    dir = up;
    const bool strip = rel != "." && rel != ".." && !rel.ends_with("/..");
    rel = strip ? parent_of(rel) : (rel == "." ? std::string("..") : join_path(rel, ".."));
  }
  return ProjectConfig{};
}

std::string segments_json(const ProjectConfig& config) {
  using Json = nlohmann::ordered_json;
  const auto optional = [](const std::optional<double>& value) {
    return value ? Json(*value) : Json(nullptr);
  };
  Json segments = Json::array();
  for (const Segment& segment : config.segments) {
    segments.push_back(
        {{"name", segment.name},
         {"include", segment.include},
         {"exclude", segment.exclude},
         {"pytest_args", segment.pytest_args},
         {"shards", segment.shards ? Json(*segment.shards) : Json("auto")},
         {"target_seconds", optional(segment.target_seconds)},
         {"file_overhead", optional(segment.file_overhead)},
         {"shard_overhead", optional(segment.shard_overhead)},
         {"durations", segment.durations ? Json(*segment.durations) : Json(nullptr)}});
  }
  const Json document = {{"config", config.source.empty() ? Json(nullptr) : Json(config.source)},
                         {"root", config.root.empty() ? Json(nullptr) : Json(config.root)},
                         {"durations", config.durations ? Json(*config.durations) : Json(nullptr)},
                         {"segments", std::move(segments)}};
  return document.dump(2, ' ', false, Json::error_handler_t::replace) + "\n";
}

Result<const Segment*> find_segment(const ProjectConfig& config, std::string_view name) {
  for (const Segment& segment : config.segments) {
    if (segment.name == name) return &segment;
  }
  if (config.source.empty()) {
    return error_in("", fmt::format("--segment {}: no shardplan.toml or pyproject.toml with "
                                    "[tool.shardplan] here or above; define [segments.{}] in one",
                                    name, name));
  }
  std::string names;
  for (const Segment& segment : config.segments) {
    names += fmt::format("{}{}", names.empty() ? "" : ", ", segment.name);
  }
  return error_in(config.source, fmt::format("no segment {} (the segments are: {})", name,
                                             names.empty() ? "none" : names));
}

}  // namespace shardplan
