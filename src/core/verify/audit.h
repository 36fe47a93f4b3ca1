// The post-run audit, the exactly-once certificate across machines: given the plan and the JUnit
// reports each shard wrote, proves that every planned test ran, none ran twice, each ran in the
// shard the plan (or the plugin's rule for unknown files) gives it, and every shard reported.
// Pure: plan and parsed reports in, findings out; which report belongs to which shard is the
// caller's decision.
#pragma once

#include <string>
#include <vector>

#include "core/model.h"
#include "core/timings/junit.h"

namespace shardplan {

struct AuditScope {
  // Sorted test files that exist now; planned files outside it were deleted and are not
  // required. Null: every planned file is required.
  const std::vector<std::string>* universe = nullptr;
  // Sorted node ids that exist now (pytest --collect-only -q); a sliced test outside it was
  // deleted since the timings were recorded. Null: every listed test of an existing file is
  // required.
  const std::vector<std::string>* collected = nullptr;
};

struct ShardMeasure {
  int index = 1;
  std::size_t reports = 0;
  std::size_t tests = 0;
  double predicted = 0;
  double measured = 0;  // sum of the reported testcase times
};

struct AuditReport {
  std::vector<int> missing_reports;  // shards that left no report
  std::vector<std::string> not_run;  // "tests/a.py::t (shard 2, slice 1/2)", "tests/b.py (shard 1)"
  std::vector<std::string>
      ran_twice;  // "tests/a.py::t: shard 1 (r1.xml:3:5), shard 2 (r2.xml:4:5)"
  std::vector<std::string>
      wrong_shard;  // "tests/a.py::t ran in shard 2 (r2.xml:4:5); its shard is 1"
  std::vector<std::string>
      out_of_scope;            // "tests/x.py::t ran in shard 2 (r2.xml:4:5): ... scope ..."
  std::size_t unresolved = 0;  // testcases that name no known test file: not auditable
  // Not failures: listed tests the shard's plugin saw were gone (not collected) when it ran,
  // and whole files that gave pytest no item (the report's shardplan_gone/_empty properties).
  std::size_t gone_tests = 0;
  std::size_t empty_files = 0;
  std::vector<ShardMeasure> shards;
  bool ok() const {
    return missing_reports.empty() && not_run.empty() && ran_twice.empty() && wrong_shard.empty() &&
           out_of_scope.empty() && unresolved == 0;
  }
};

// `by_shard[i]` holds the reports of shard i + 1; its size must be plan.shard_count.
AuditReport audit_run(const Plan& plan,
                      const std::vector<std::vector<const JunitReport*>>& by_shard,
                      const AuditScope& scope = {});

}  // namespace shardplan
