#include "core/timings/durations.h"

#include "core/json_error.h"

#include <algorithm>
#include <cmath>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/fs.h"

namespace shardplan {
namespace {

constexpr std::string_view kFix =
    "; fix or delete the file (pytest-split writes it with --store-durations)";

std::optional<double> as_seconds(simdjson::dom::element value) {
  double seconds = 0;
  switch (value.type()) {
    case simdjson::dom::element_type::DOUBLE:
      seconds = value.get_double().value_unsafe();
      break;
    case simdjson::dom::element_type::INT64:
      seconds = static_cast<double>(value.get_int64().value_unsafe());
      break;
    case simdjson::dom::element_type::UINT64:
      seconds = static_cast<double>(value.get_uint64().value_unsafe());
      break;
    default:
      return std::nullopt;
  }
  if (!std::isfinite(seconds) || seconds < 0) return std::nullopt;
  return seconds;
}

void add_entry(Timings& timings, std::string_view id, simdjson::dom::element value) {
  if (const auto seconds = as_seconds(value)) {
    timings.tests.push_back({std::string(without_xdist_group(id)), *seconds});
  } else {
    ++timings.skipped_invalid;
  }
}

Result<bool> read_pairs(simdjson::dom::array pairs, Timings& timings, const std::string& source) {
  std::size_t position = 0;
  for (simdjson::dom::element pair : pairs) {
    ++position;
    simdjson::dom::array fields;
    std::string_view id;
    if (pair.get_array().get(fields) || fields.size() != 2 || fields.at(0).get_string().get(id)) {
      return error_in(source,
                      fmt::format("entry {} of the list is not a [\"test id\", seconds] pair{}",
                                  position, kFix));
    }
    add_entry(timings, id, fields.at(1).value_unsafe());
  }
  return true;
}

// Keeps the last value of a duplicated id, as Python's json module does.
// Python's json module writes NaN, Infinity and -Infinity, which strict JSON parsers reject.
// Replaces each such token outside strings by "-1" padded to the same length, so the entry is
// counted as invalid and error positions stay where they were.
bool blank_non_finite_tokens(std::string& text) {
  bool changed = false;
  bool in_string = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (in_string) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        in_string = false;
      continue;
    }
    if (c == '"') {
      in_string = true;
      continue;
    }
    for (const std::string_view token : {"-Infinity", "Infinity", "NaN"}) {
      if (text.compare(i, token.size(), token) == 0) {
        text.replace(i, token.size(), std::string("-1") + std::string(token.size() - 2, ' '));
        i += token.size() - 1;
        changed = true;
        break;
      }
    }
  }
  return changed;
}

// `owned`, when given, holds `content` and is released once the DOM is built (the DOM keeps
// its own copy of every string).
Result<Timings> parse(std::string_view content, bool padded_in_place,
                      const std::string& source_name, std::string* owned = nullptr) {
  if (content.find_first_not_of(" \t\r\n") == std::string_view::npos) {
    return error_in(source_name,
                    std::string("empty file: expected a JSON object of test id -> seconds") +
                        std::string(kFix));
  }
  if (content.substr(0, 8192).find('\0') != std::string_view::npos) {
    return error_in(source_name, std::string("binary file, not JSON") + std::string(kFix));
  }
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  simdjson::padded_string padded;
  auto error = padded_in_place ? parser.parse(content.data(), content.size(), false).get(root)
                               : parser.parse(padded = simdjson::padded_string(content)).get(root);
  if (error) {
    std::string patched(content);
    if (blank_non_finite_tokens(patched)) {
      padded = simdjson::padded_string(patched);
      error = parser.parse(padded).get(root);
    }
  }
  if (error) {
    Diagnostic located = locate_json_error(content, source_name);
    if (located.message.empty()) {
      located =
          error_in(source_name, fmt::format("invalid JSON: {}", simdjson::error_message(error)));
    }
    located.message += kFix;
    return located;
  }
  if (owned) std::string().swap(*owned);
  Timings timings;
  simdjson::dom::object object;
  simdjson::dom::array pairs;
  if (!root.get_object().get(object)) {
    timings.tests.reserve(object.size());
    for (const auto field : object) add_entry(timings, field.key, field.value);
  } else if (!root.get_array().get(pairs)) {
    if (auto listed = read_pairs(pairs, timings, source_name); !listed) return listed.error();
  } else {
    return error_at(
        source_name, 1, 1,
        std::string("expected a JSON object of test id -> seconds") + std::string(kFix));
  }
  sort_and_dedupe(timings);
  return timings;
}

}  // namespace

void sort_and_dedupe(Timings& timings) {
  const auto by_id = [](const TestTiming& a, const TestTiming& b) { return a.id < b.id; };
  // pytest-split writes sorted keys: then the sort is a single check.
  if (!std::is_sorted(timings.tests.begin(), timings.tests.end(), by_id)) {
    std::stable_sort(timings.tests.begin(), timings.tests.end(), by_id);
  }
  if (std::adjacent_find(timings.tests.begin(), timings.tests.end(),
                         [](const auto& a, const auto& b) { return a.id == b.id; }) ==
      timings.tests.end()) {
    return;
  }
  std::vector<TestTiming> unique;
  unique.reserve(timings.tests.size());
  for (TestTiming& test : timings.tests) {
    if (!unique.empty() && unique.back().id == test.id) {
      unique.back() = std::move(test);
    } else {
      unique.push_back(std::move(test));
    }
  }
  timings.tests = std::move(unique);
}

Result<Timings> parse_durations(std::string_view content, const std::string& source_name) {
  return parse(content, false, source_name);
}

static_assert(kReadPadding >= simdjson::SIMDJSON_PADDING,
              "FileSystem::read must leave the padding simdjson reads past the end");

Result<Timings> parse_durations_in_place(const std::string& content,
                                         const std::string& source_name) {
  return parse(content, content.capacity() >= content.size() + simdjson::SIMDJSON_PADDING,
               source_name);
}

Result<Timings> parse_durations_consuming(std::string&& content, const std::string& source_name) {
  return parse(content, content.capacity() >= content.size() + simdjson::SIMDJSON_PADDING,
               source_name, &content);
}

}  // namespace shardplan
