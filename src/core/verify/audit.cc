#include "core/verify/audit.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <simdjson.h>

#include "core/scope.h"

namespace shardplan {
namespace {

struct Ran {
  int shard;
  const JunitReport* report;
  const JunitCase* test;
};

std::string place(const Ran& ran) {
  return fmt::format("shard {} ({}:{}:{})", ran.shard, ran.report->source, ran.test->line,
                     ran.test->column);
}

// Where the plan says each file and listed test runs.
struct Ownership {
  struct FileHome {
    int whole = 0;  // shard running the whole file, 0 when sliced
    int owner = 0;  // shard of the owner slice
    std::set<int> slices;
  };
  std::map<std::string, FileHome, std::less<>> files;
  std::map<std::string, int, std::less<>> listed;  // slice test -> shard
  int shard_count = 1;

  explicit Ownership(const Plan& plan) : shard_count(plan.shard_count) {
    for (const Shard& shard : plan.shards) {
      for (const std::string& file : shard.files) files[file].whole = shard.index;
      for (const Slice& slice : shard.slices) {
        FileHome& home = files[slice.file];
        home.slices.insert(shard.index);
        if (slice.owner) home.owner = shard.index;
        for (const std::string& test : slice.tests) listed[test] = shard.index;
      }
    }
  }

  // True when `shard` may run `id`; `expected` receives the shard the plan gives it.
  bool allows(std::string_view id, int shard, int& expected) const {
    const std::string_view file = file_of(id);
    const auto home = files.find(file);
    if (home == files.end()) {
      expected = shard_for_unknown_file(file, shard_count);
      return shard == expected;
    }
    if (home->second.whole) {
      expected = home->second.whole;
      return shard == expected;
    }
    if (const auto test = listed.find(id); test != listed.end()) {
      expected = test->second;
      return shard == expected;
    }
    expected = home->second.owner;
    // A collection error or module skip of a sliced file shows up in every slice's shard.
    return id == file ? home->second.slices.count(shard) > 0 : shard == expected;
  }
};

bool exists(const std::vector<std::string>* sorted, std::string_view item) {
  return !sorted || std::binary_search(sorted->begin(), sorted->end(), item, std::less<>());
}

// A test whose file the plan does not know must lie inside the plan's scope: a new test file
// there runs in its hash shard; anything outside it should not have run at all.
bool outside_scope(const Ownership& ownership, const ScopeRule& scope, std::string_view id) {
  const std::string_view file = file_of(id);
  return ownership.files.find(file) == ownership.files.end() && !scope.contains(file);
}

void check_places(const Ownership& ownership, const ScopeRule& scope,
                  const std::map<std::string_view, std::vector<Ran>>& ran, AuditReport& report) {
  for (const auto& [id, places] : ran) {
    if (outside_scope(ownership, scope, id)) {
      for (const Ran& one : places) {
        report.out_of_scope.push_back(fmt::format("{} ran in {}: outside the plan's scope ({})", id,
                                                  place(one), scope.describe()));
      }
      continue;
    }
    std::set<int> shards;
    bool twice = false;
    for (const Ran& one : places) {
      const bool file_level = id == file_of(id);
      twice |= !shards.insert(one.shard).second || (!file_level && shards.size() > 1);
      int expected = 0;
      if (!ownership.allows(id, one.shard, expected)) {
        report.wrong_shard.push_back(
            fmt::format("{} ran in {}; the plan runs it in shard {}", id, place(one), expected));
      }
    }
    if (twice) {
      std::vector<std::string> where;
      for (const Ran& one : places) where.push_back(place(one));
      report.ran_twice.push_back(fmt::format("{}: {}", id, fmt::join(where, ", ")));
    }
  }
}

// What a shard's plugin saw could not run: listed tests pytest did not collect (gone since the
// timings) and whole files that gave no item. JSON lists in the report's properties.
using Excused = std::set<std::pair<int, std::string>>;

void add_excused(const JunitReport& junit, const char* property, int shard, Excused& excused) {
  const auto found = junit.properties.find(property);
  if (found == junit.properties.end()) return;
  simdjson::dom::parser parser;
  simdjson::dom::array list;
  if (parser.parse(simdjson::padded_string(found->second)).get_array().get(list)) return;
  for (simdjson::dom::element item : list) {
    std::string_view text;
    if (!item.get_string().get(text)) excused.emplace(shard, std::string(text));
  }
}

bool excused_in(const Excused& excused, int shard, const std::string& what, std::size_t& count) {
  if (!excused.count({shard, what})) return false;
  ++count;
  return true;
}

void check_coverage(const Plan& plan, const AuditScope& scope,
                    const std::set<std::pair<int, std::string>>& files_ran,
                    const std::map<std::string_view, std::vector<Ran>>& ran, const Excused& excused,
                    AuditReport& report) {
  for (const Shard& shard : plan.shards) {
    for (const std::string& file : shard.files) {
      if (exists(scope.universe, file) && !files_ran.count({shard.index, file}) &&
          !excused_in(excused, shard.index, file, report.empty_files)) {
        report.not_run.push_back(
            fmt::format("{} (shard {}): no testcase of this file", file, shard.index));
      }
    }
    for (const Slice& slice : shard.slices) {
      if (!exists(scope.universe, slice.file)) continue;
      for (const std::string& test : slice.tests) {
        if (!exists(scope.collected, test)) continue;
        const auto found = ran.find(test);
        const bool here = found != ran.end() &&
                          std::any_of(found->second.begin(), found->second.end(),
                                      [&](const Ran& one) { return one.shard == shard.index; });
        if (!here && !excused_in(excused, shard.index, test, report.gone_tests)) {
          report.not_run.push_back(fmt::format("{} (shard {}, slice {}/{})", test, shard.index,
                                               slice.index, slice.count));
        }
      }
    }
  }
}

}  // namespace

AuditReport audit_run(const Plan& plan,
                      const std::vector<std::vector<const JunitReport*>>& by_shard,
                      const AuditScope& scope) {
  AuditReport report;
  const Ownership ownership(plan);
  std::map<std::string_view, std::vector<Ran>> ran;
  std::set<std::pair<int, std::string>> files_ran;
  Excused excused;
  for (std::size_t i = 0; i < by_shard.size(); ++i) {
    const int shard = static_cast<int>(i) + 1;
    ShardMeasure measure{shard, by_shard[i].size(), 0, 0, 0};
    if (i < plan.shards.size()) measure.predicted = plan.shards[i].predicted_seconds;
    if (by_shard[i].empty()) report.missing_reports.push_back(shard);
    for (const JunitReport* junit : by_shard[i]) {
      report.unresolved += junit->unresolved;
      add_excused(*junit, "shardplan_gone", shard, excused);
      add_excused(*junit, "shardplan_empty", shard, excused);
      std::string_view previous_file;
      bool first = true;
      for (const JunitCase& test : junit->cases) {
        ran[test.id].push_back({shard, junit, &test});
        // A report lists a file's tests together: one set insertion per file, not per test.
        if (const std::string_view file = file_of(test.id); first || file != previous_file) {
          files_ran.emplace(shard, std::string(file));
          previous_file = file;
          first = false;
        }
        ++measure.tests;
        measure.measured += test.seconds;
      }
    }
    report.shards.push_back(measure);
  }
  const ScopeRule rule(plan);
  check_places(ownership, rule, ran, report);
  check_coverage(plan, scope, files_ran, ran, excused, report);
  return report;
}

}  // namespace shardplan
