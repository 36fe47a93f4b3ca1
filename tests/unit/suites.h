// Suites shared by the planner's unit tests: hand-made workloads that more than one test file
// plans (built once here, so a change to one cannot silently diverge from the other).
#pragma once

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include <fmt/format.h>

#include "core/plan/workload.h"

namespace shardplan::test_suites {

// The workload of `tests` over the test files `universe` (both in any order).
inline Workload work_of(std::vector<TestTiming> tests, std::vector<std::string> universe) {
  std::sort(tests.begin(), tests.end(), [](auto& a, auto& b) { return a.id < b.id; });
  const Timings timings{std::move(tests), 0};
  std::sort(universe.begin(), universe.end());
  return build_workload(universe, &timings);
}

// Whole files of awkward sizes (37, 23, 19.5, 11.25 and 7.75 s) and fine.py, 120 one-second
// tests: 218.5 s in all, no overheads.
inline constexpr double kFineGrainedTotal = 120 + 37 + 23 + 19.5 + 11.25 + 7.75;
inline Workload fine_grained_work() {
  std::vector<TestTiming> tests;
  for (int i = 0; i < 120; ++i) tests.push_back({fmt::format("fine.py::test_{:03}", i), 1});
  for (const auto& [file, seconds] :
       {std::pair{"a.py", 37.0}, {"b.py", 23.0}, {"c.py", 19.5}, {"d.py", 11.25}, {"e.py", 7.75}}) {
    tests.push_back({std::string(file) + "::t", seconds});
  }
  return work_of(std::move(tests), {"a.py", "b.py", "c.py", "d.py", "e.py", "fine.py"});
}

}  // namespace shardplan::test_suites
