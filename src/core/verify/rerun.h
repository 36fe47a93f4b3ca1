// The re-run list: the exact pytest node ids that failed or errored in a set of JUnit reports
// (a collection error yields its whole file), optionally split into M parts for parallel
// re-runs. Pure: reports in, sorted ids out.
#pragma once

#include <string>
#include <vector>

#include "core/timings/junit.h"

namespace shardplan {

struct RerunItem {
  std::string id;  // node id, or a file path when the whole file must run again
  double seconds = 0;
  bool operator==(const RerunItem&) const = default;
};

// Failed and errored tests, sorted by id, once each; a whole file replaces its own tests.
std::vector<RerunItem> failed_tests(const std::vector<JunitReport>& reports);

// Part `part` (1-based) of `count`: whole files stay together; files are dealt heaviest first to
// the lightest part (ties by path), so the parts are balanced and deterministic. Sorted by id.
std::vector<RerunItem> rerun_part(const std::vector<RerunItem>& items, int count, int part);

}  // namespace shardplan
