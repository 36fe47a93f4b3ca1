#include "core/verify/check.h"

#include <algorithm>
#include <map>
#include <set>

#include <fmt/format.h>
#include <fmt/ranges.h>

#include "core/scope.h"

namespace shardplan {
namespace {

struct SliceSeen {
  std::vector<const Slice*> slices;
  std::vector<int> shards;
};

void check_shard_list(const Plan& plan, std::vector<std::string>& errors) {
  if (plan.shard_count < 1) errors.push_back("the plan has no shards (shard_count < 1)");
  if (static_cast<int>(plan.shards.size()) != plan.shard_count) {
    errors.push_back(fmt::format("shard_count is {} but the plan lists {} shards", plan.shard_count,
                                 plan.shards.size()));
  }
  for (std::size_t i = 0; i < plan.shards.size(); ++i) {
    const Shard& shard = plan.shards[i];
    if (shard.index != static_cast<int>(i) + 1) {
      errors.push_back(
          fmt::format("shard at position {} has index {}, expected {}", i + 1, shard.index, i + 1));
    }
    if (shard.files.empty() && shard.slices.empty()) {
      errors.push_back(fmt::format("shard {} is empty", shard.index));
    }
  }
}

void check_slices_of(const std::string& file, const SliceSeen& seen,
                     std::vector<std::string>& errors) {
  const int count = seen.slices.front()->count;
  std::set<int> indexes, shards(seen.shards.begin(), seen.shards.end());
  std::set<std::string> tests;
  int owners = 0;
  for (const Slice* slice : seen.slices) {
    indexes.insert(slice->index);
    owners += slice->owner ? 1 : 0;
    if (slice->count != count)
      errors.push_back(fmt::format("{}: slices disagree on their count", file));
    for (const std::string& test : slice->tests) {
      if (file_of(test) != file)
        errors.push_back(fmt::format("{}: slice lists '{}' of another file", file, test));
      if (!tests.insert(test).second)
        errors.push_back(fmt::format("{}: test '{}' is in two slices", file, test));
    }
  }
  if (static_cast<int>(seen.slices.size()) != count || static_cast<int>(indexes.size()) != count ||
      *indexes.begin() != 1 || *indexes.rbegin() != count) {
    errors.push_back(fmt::format("{}: expected slices 1..{} once each, found {}", file, count,
                                 seen.slices.size()));
  }
  if (shards.size() != seen.shards.size())
    errors.push_back(fmt::format("{}: two slices share a shard", file));
  if (owners != 1)
    errors.push_back(fmt::format("{}: {} slices are marked owner, expected 1", file, owners));
}

}  // namespace

std::vector<ExposedShard> exposed_shards(const Plan& plan) {
  std::vector<ExposedShard> out;
  for (const Shard& shard : plan.shards) {
    const bool durable =
        !shard.files.empty() || std::any_of(shard.slices.begin(), shard.slices.end(),
                                            [](const Slice& s) { return s.owner; });
    if (durable || shard.slices.empty()) continue;
    ExposedShard exposed{shard.index, 0, {}};
    for (const Slice& slice : shard.slices) {
      exposed.listed_tests += slice.tests.size();
      exposed.files.push_back(slice.file);
    }
    out.push_back(std::move(exposed));
  }
  return out;
}

std::string exposed_warning(const ExposedShard& shard) {
  return fmt::format(
      "shard {} runs only {} listed test(s) of {} and no whole file: if they were renamed or "
      "deleted since the timings were recorded, it runs nothing (its output then names them); "
      "plan with --collected FILE (the output of 'pytest --collect-only -q') to plan only tests "
      "that exist, or with fewer shards than test files",
      shard.shard, shard.listed_tests, fmt::join(shard.files, ", "));
}

std::vector<std::string> check_structure(const Plan& plan) {
  std::vector<std::string> errors;
  check_shard_list(plan, errors);
  std::map<std::string, std::vector<int>> whole;
  std::map<std::string, SliceSeen> sliced;
  for (const Shard& shard : plan.shards) {
    for (const std::string& file : shard.files) whole[file].push_back(shard.index);
    for (const Slice& slice : shard.slices) {
      sliced[slice.file].slices.push_back(&slice);
      sliced[slice.file].shards.push_back(shard.index);
    }
  }
  for (const auto& [file, shards] : whole) {
    if (shards.size() > 1) {
      errors.push_back(fmt::format("{} is planned {} times (shards {})", file, shards.size(),
                                   fmt::join(shards, ", ")));
    }
    if (sliced.count(file))
      errors.push_back(fmt::format("{} is planned whole and as slices", file));
  }
  for (const auto& [file, seen] : sliced) check_slices_of(file, seen, errors);
  return errors;
}

CheckReport check_plan(const Plan& plan, const std::vector<std::string>& universe,
                       const std::vector<std::string>& doctest_modules) {
  CheckReport report;
  report.errors = check_structure(plan);
  report.exposed = exposed_shards(plan);
  const ScopeRule scope(plan);
  const std::vector<std::string> planned = planned_files(plan);
  for (const std::string& file : planned) {
    if (!std::binary_search(universe.begin(), universe.end(), file) &&
        !std::binary_search(doctest_modules.begin(), doctest_modules.end(), file)) {
      report.errors.push_back(fmt::format("{} is planned but is not a test file any more", file));
    }
  }
  for (const std::string& file : universe) {
    if (!scope.contains(file)) continue;
    ++report.universe_files;
    if (std::binary_search(planned.begin(), planned.end(), file)) {
      ++report.covered_files;
    } else {
      report.new_files.push_back({file, shard_for_unknown_file(file, plan.shard_count)});
    }
  }
  return report;
}

}  // namespace shardplan
