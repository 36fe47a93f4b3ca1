// Reader for pytest-split's .test_durations: a JSON object {node id: seconds}, or the older
// list of [node id, seconds] pairs. Takes text, not a path. Invalid values are skipped and
// counted (never fatal); malformed JSON is an error naming source:line:column.
#pragma once

#include <string>
#include <string_view>

#include "core/diagnostic.h"
#include "core/model.h"

namespace shardplan {

Result<Timings> parse_durations(std::string_view content, const std::string& source_name);
// The same, without copying `content` into a padded buffer when its capacity already has
// simdjson's padding spare (as FileSystem::read leaves it): saves a copy of large files.
Result<Timings> parse_durations_in_place(const std::string& content,
                                         const std::string& source_name);
// The same, releasing `content` as soon as the JSON is parsed and before the entries are
// copied out, so the text and the timings never both occupy memory (large files).
Result<Timings> parse_durations_consuming(std::string&& content, const std::string& source_name);

// Orders the tests by id and keeps one entry per id: of entries with the same id, the one that
// came last (so a later record of a test overrides an earlier one).
void sort_and_dedupe(Timings& timings);

}  // namespace shardplan
