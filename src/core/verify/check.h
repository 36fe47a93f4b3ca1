// Validation of a plan against the current universe of test files, before anything runs:
// every file in exactly one shard (or split into consistent slices), exactly N non-empty
// shards, no file planned that is gone. Pure: plan and universe in, findings out.
#pragma once

#include <string>
#include <vector>

#include "core/model.h"

namespace shardplan {

struct NewFile {
  std::string path;
  int shard = 1;  // where the plugin runs it: shard_for_unknown_file
};

// A shard that holds no whole file and no owner slice: it runs only the tests its slices list.
// If all of them were renamed or deleted since the timings were recorded, it collects nothing
// (the plugin then says which and exits 0). The planner leaves such a shard only when the plan
// has more shards than files (plan/secure.h); `plan --collected` rules the risk out; `plan` and
// `check` warn about such shards.
struct ExposedShard {
  int shard = 1;
  std::size_t listed_tests = 0;
  std::vector<std::string> files;  // the sliced files whose listed tests it depends on
};
std::vector<ExposedShard> exposed_shards(const Plan& plan);
// The one warning `plan` and `check` print for `shard`: the risk and the two ways out.
std::string exposed_warning(const ExposedShard& shard);

struct CheckReport {
  std::vector<std::string> errors;    // each a complete sentence naming what and where
  std::vector<NewFile> new_files;     // in the universe, not in the plan
  std::vector<ExposedShard> exposed;  // warnings: shards that depend only on listed tests
  std::size_t universe_files = 0;     // test files of the universe inside the plan's scope
  std::size_t covered_files = 0;      // of those, the ones the plan names (the rest are new)
  bool ok(bool strict) const { return errors.empty() && (!strict || new_files.empty()); }
};

// Structural checks only (shard count and order, empty shards, duplicates, slice sets).
std::vector<std::string> check_structure(const Plan& plan);

// Structural checks plus coverage of `universe` (test files, sorted, unique); planned files
// that only --doctest-modules collects are still there when in `doctest_modules` (sorted).
// New files count only inside the plan's scope (core/scope.h).
CheckReport check_plan(const Plan& plan, const std::vector<std::string>& universe,
                       const std::vector<std::string>& doctest_modules = {});

}  // namespace shardplan
