// Invariants of the planner over many random suites and cost models: exact coverage, exactly
// N non-empty shards, predictions and the lower bound recomputed from the workload,
// byte-identical output under shuffled input, never worse than plain LPT, and slicing never
// worse than the whole-file plan.
#include <algorithm>
#include <cmath>
#include <map>
#include <random>
#include <set>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/emit/plan_json.h"
#include "core/plan/pack.h"
#include "core/plan/planner.h"
#include "core/timings/durations.h"
#include "core/verify/check.h"

namespace shardplan {
namespace {

struct Suite {
  std::vector<std::string> universe;
  std::vector<TestTiming> tests;  // unsorted, may include stale files
};

Suite random_suite(std::mt19937_64& rng) {
  Suite suite;
  const int files = std::uniform_int_distribution<int>(1, 40)(rng);
  std::lognormal_distribution<double> seconds(-1.0, 1.5);
  for (int f = 0; f < files; ++f) {
    const std::string path = fmt::format("pkg{}/test_{}.py", f % 3, f);
    suite.universe.push_back(path);
    const int roll = std::uniform_int_distribution<int>(0, 9)(rng);
    if (roll == 0) continue;  // untimed file
    const int tests = roll < 8 ? std::uniform_int_distribution<int>(1, 6)(rng)
                               : std::uniform_int_distribution<int>(20, 120)(rng);
    for (int t = 0; t < tests; ++t) {
      const std::string id = t % 3 == 0 ? fmt::format("{}::TestC{}::test_{}", path, t / 9, t)
                                        : fmt::format("{}::test_p[{}-{}]", path, t / 5, t);
      suite.tests.push_back({id, t % 17 == 0 ? 0.0 : seconds(rng)});
    }
  }
  if (rng() % 4 == 0) suite.tests.push_back({"gone/test_old.py::test_x", 1.0});
  std::sort(suite.universe.begin(), suite.universe.end());
  return suite;
}

std::string durations_json(std::vector<TestTiming> tests, std::mt19937_64& rng) {
  std::shuffle(tests.begin(), tests.end(), rng);
  std::string out = "{";
  for (std::size_t i = 0; i < tests.size(); ++i) {
    out += fmt::format("{}\"{}\": {}", i ? ", " : "", tests[i].id, tests[i].seconds);
  }
  return out + "}";
}

Workload workload_from(const std::string& json, const std::vector<std::string>& universe) {
  auto timings = parse_durations(json, "d");
  EXPECT_TRUE(timings.ok());
  return build_workload(universe, &*timings);
}

// A shard with neither a whole file nor an owner slice could go empty when its listed tests
// vanish. With at least as many files as shards, no shard may be left so (secure.h). With
// fewer, some must; then spread_owners leaves one only when no single owner move fixes it:
// every file it holds a slice of is owned by a shard that itself has no whole file.
void expect_durable_shards(const Plan& plan, std::size_t files) {
  const std::vector<ExposedShard> exposed = exposed_shards(plan);
  if (files >= plan.shards.size()) {
    EXPECT_TRUE(exposed.empty()) << exposed.size() << " of " << plan.shards.size()
                                 << " shards depend only on listed tests, with " << files
                                 << " files; first: shard " << exposed.front().shard;
    return;
  }
  std::map<std::string, const Shard*> owner_of;
  for (const Shard& shard : plan.shards) {
    for (const Slice& slice : shard.slices) {
      if (slice.owner) owner_of[slice.file] = &shard;
    }
  }
  for (const ExposedShard& shard : exposed) {
    for (const std::string& file : shard.files) {
      EXPECT_TRUE(owner_of[file]->files.empty())
          << "shard " << shard.shard << " could own " << file << " (owner shard "
          << owner_of[file]->index << " has whole files)";
    }
  }
}

// Every universe file once (whole, or as slices that list each of its timed tests once).
void expect_exact_coverage(const Plan& plan, const Suite& suite) {
  std::map<std::string, int> whole;
  std::multiset<std::string> sliced_tests;
  std::set<std::string> sliced_files;
  for (const Shard& shard : plan.shards) {
    ASSERT_FALSE(shard.files.empty() && shard.slices.empty()) << "empty shard " << shard.index;
    for (const auto& file : shard.files) ++whole[file];
    for (const auto& slice : shard.slices) {
      sliced_files.insert(slice.file);
      sliced_tests.insert(slice.tests.begin(), slice.tests.end());
    }
  }
  for (const std::string& file : suite.universe) {
    EXPECT_EQ(whole[file] + static_cast<int>(sliced_files.count(file)), 1) << file;
  }
  for (const TestTiming& test : suite.tests) {
    if (sliced_files.count(std::string(file_of(test.id)))) {
      EXPECT_EQ(sliced_tests.count(test.id), 1u) << test.id;
    }
  }
  EXPECT_TRUE(check_structure(plan).empty());
  EXPECT_TRUE(check_plan(plan, suite.universe).ok(true));
  expect_durable_shards(plan, suite.universe.size());
}

// The cost model, varied across instances so that no constant hides in the planner's sums.
struct Overheads {
  double file = 0.25;
  double shard = 0;
};

Overheads random_overheads(std::mt19937_64& rng) {
  static constexpr double kFile[] = {0, 0.05, 0.25, 1.0};
  static constexpr double kShard[] = {0, 0.5, 45};
  return {kFile[rng() % 4], kShard[rng() % 3]};
}

PlanOptions options_for(int n, const Overheads& overheads, bool slicing) {
  PlanOptions options(n, overheads.file, slicing);
  options.shard_overhead = overheads.shard;
  return options;
}

double plain_lpt_makespan(const Workload& work, int n, const Overheads& overheads) {
  std::vector<PackItem> items;
  for (const FileWork& file : work.files) {
    items.push_back({file.seconds + overheads.file, items.size(), -1});
  }
  return overheads.shard + pack_lpt(items, n).makespan();
}

bool near(double a, double b) {
  return std::abs(a - b) <= 1e-9 * std::max(1.0, std::abs(b));
}

// Each shard's seconds and the makespan recomputed from the workload alone (the tests'
// durations, or a file's estimate, plus one file overhead per file or slice, plus the shard
// overhead), never from the plan's own sums; then the lower bound: total work over N, or the
// heaviest piece no cut divides (one test, or a whole file when slicing is off or the file has
// fewer than two timed tests).
void expect_predictions_from_workload(const Plan& plan, const Workload& work,
                                      const Overheads& overheads, bool slicing) {
  std::map<std::string, double> file_seconds;  // a timed file's tests, else its estimate
  std::map<std::string, double> test_seconds;
  double total = 0, heaviest = 0;
  for (const FileWork& file : work.files) {
    double seconds = file.estimated ? file.seconds : 0;
    for (const TestTiming& test : file.tests) {
      test_seconds[test.id] = test.seconds;
      seconds += test.seconds;
    }
    file_seconds[file.path] = seconds;
    total += seconds + overheads.file;
    double piece = seconds;
    if (slicing && !file.estimated && file.tests.size() >= 2) {
      piece = 0;
      for (const TestTiming& test : file.tests) piece = std::max(piece, test.seconds);
    }
    heaviest = std::max(heaviest, piece + overheads.file);
  }
  double makespan = 0;
  for (const Shard& shard : plan.shards) {
    double seconds = overheads.shard;
    for (const std::string& path : shard.files) seconds += file_seconds.at(path) + overheads.file;
    for (const Slice& slice : shard.slices) {
      seconds += overheads.file;
      for (const std::string& id : slice.tests) seconds += test_seconds.at(id);
    }
    EXPECT_TRUE(near(shard.predicted_seconds, seconds))
        << "shard " << shard.index << ": " << shard.predicted_seconds << " vs " << seconds;
    makespan = std::max(makespan, seconds);
  }
  const double bound = overheads.shard + std::max(total / plan.shard_count, heaviest);
  EXPECT_TRUE(near(plan.makespan, makespan)) << plan.makespan << " vs " << makespan;
  EXPECT_TRUE(near(plan.lower_bound, bound)) << plan.lower_bound << " vs " << bound;
  EXPECT_GE(makespan, bound * (1 - 1e-9));
}

TEST(PlannerProperty, TenThousandRandomSuites) {
  std::mt19937_64 rng(20261128);
  int sliced_plans = 0;
  for (int instance = 0; instance < 10000; ++instance) {
    const Suite suite = random_suite(rng);
    const int n = std::uniform_int_distribution<int>(1, 24)(rng);
    const Overheads overheads = random_overheads(rng);
    const Workload work = workload_from(durations_json(suite.tests, rng), suite.universe);
    auto plan = make_plan(work, options_for(n, overheads, true));
    const std::size_t supported = max_supported_shards(work, true);
    if (static_cast<std::size_t>(n) > supported) {
      ASSERT_FALSE(plan.ok()) << "instance " << instance;
      continue;
    }
    ASSERT_TRUE(plan.ok()) << "instance " << instance << ": " << plan.error().format();
    ASSERT_EQ(plan->shards.size(), static_cast<std::size_t>(n));
    expect_exact_coverage(*plan, suite);
    expect_predictions_from_workload(*plan, work, overheads, true);
    // Same plan, byte for byte, from the same timings in another key order.
    auto again = make_plan(workload_from(durations_json(suite.tests, rng), suite.universe),
                           options_for(n, overheads, true));
    ASSERT_TRUE(again.ok());
    EXPECT_EQ(*plan_to_json(*plan), *plan_to_json(*again)) << "instance " << instance;
    if (suite.universe.size() >= static_cast<std::size_t>(n)) {
      auto whole = make_plan(work, options_for(n, overheads, false));
      ASSERT_TRUE(whole.ok());
      expect_predictions_from_workload(*whole, work, overheads, false);
      const double lpt = plain_lpt_makespan(work, n, overheads);
      EXPECT_LE(whole->makespan, lpt * (1 + 1e-9)) << "instance " << instance;
      EXPECT_LE(plan->makespan, whole->makespan * (1 + 1e-9)) << "instance " << instance;
      for (const Shard& shard : whole->shards) EXPECT_TRUE(shard.slices.empty());
    }
    for (const Shard& shard : plan->shards) sliced_plans += shard.slices.empty() ? 0 : 1;
  }
  EXPECT_GT(sliced_plans, 1000) << "the generator should exercise slicing";
}

}  // namespace
}  // namespace shardplan
