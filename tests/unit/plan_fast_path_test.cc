// Guards the planner's fast path (issue #18): generated suites of several shapes are written as
// .test_durations text, read, planned and emitted, and the hash of the plan JSON must equal the
// value recorded with the planner as it was before any speed work. A change here means plans
// changed: that is a bug, not a new golden value.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include "core/emit/plan_json.h"
#include "core/plan/planner.h"
#include "core/plan/workload.h"
#include "core/timings/durations.h"

namespace shardplan {
namespace {

// splitmix64: a fixed, portable sequence (std:: distributions differ between libraries).
class Random {
 public:
  explicit Random(std::uint64_t seed) : state_(seed) {}
  std::uint64_t next() {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  std::size_t below(std::size_t n) { return static_cast<std::size_t>(next() % n); }
  double unit() { return static_cast<double>(next() >> 11) / 9007199254740992.0; }

 private:
  std::uint64_t state_;
};

struct Shape {
  const char* name;
  std::size_t files;
  std::size_t tests;        // spread over the files (uniform or Zipf)
  double zipf = 0;          // 0: uniform file sizes
  std::size_t giant = 0;    // tests of one extra file (0: none)
  std::size_t depth = 2;    // directory levels
  std::size_t param = 0;    // length of parametrized ids' parameter text (0: no parameters)
  std::size_t untimed = 0;  // universe files with no timing
  bool shuffled = false;    // ids out of order, some recorded twice
};

std::vector<std::size_t> file_sizes(const Shape& shape, Random& random) {
  std::vector<double> weights(shape.files);
  double total = 0;
  for (std::size_t f = 0; f < shape.files; ++f) {
    weights[f] = shape.zipf > 0 ? 1.0 / std::pow(static_cast<double>(f + 1), shape.zipf) : 1.0;
    total += weights[f];
  }
  std::vector<std::size_t> sizes(shape.files);
  for (std::size_t f = 0; f < shape.files; ++f) {
    sizes[f] = 1 + static_cast<std::size_t>(weights[f] / total * static_cast<double>(shape.tests));
    sizes[f] += random.below(3);
  }
  if (shape.giant) sizes.push_back(shape.giant);
  return sizes;
}

std::string file_path(const Shape& shape, std::size_t f, Random& random) {
  std::string path = "tests";
  for (std::size_t level = 0; level < shape.depth; ++level) {
    path += fmt::format("/pkg{}_{}", level, random.below(level < 2 ? 4 : 2));
  }
  return path + fmt::format("/test_mod{}.py", f);
}

std::string test_id(const Shape& shape, const std::string& path, std::size_t t, Random& random) {
  switch (random.below(3)) {
    case 0:
      return fmt::format("{}::test_plain_{}", path, t);
    case 1:
      return fmt::format("{}::TestGroup{}::test_method_{}", path, t / 7, t);
    default:
      return fmt::format(
          "{}::test_param_{}[{}-{}]", path, t / 5,
          std::string(shape.param ? shape.param : 1, static_cast<char>('a' + t % 26)), t);
  }
}

double test_seconds(Random& random) {
  const double scale = random.below(20) == 0 ? 30.0 : 0.5;
  return static_cast<double>(static_cast<long>(random.unit() * scale * 1e6)) / 1e6;
}

struct Suite {
  std::string durations_json;
  std::vector<std::string> universe;  // sorted
};

Suite generate(const Shape& shape, std::uint64_t seed) {
  Random random(seed);
  const std::vector<std::size_t> sizes = file_sizes(shape, random);
  std::vector<std::string> entries;
  Suite suite;
  for (std::size_t f = 0; f < sizes.size(); ++f) {
    const std::string path = file_path(shape, f, random);
    suite.universe.push_back(path);
    for (std::size_t t = 0; t < sizes[f]; ++t) {
      entries.push_back(
          fmt::format("\"{}\": {}", test_id(shape, path, t, random), test_seconds(random)));
    }
  }
  if (shape.shuffled) {
    for (std::size_t i = entries.size(); i > 1; --i)
      std::swap(entries[i - 1], entries[random.below(i)]);
    for (std::size_t i = 0; i < entries.size(); i += 97) entries.push_back(entries[i] + "1");
  }
  for (std::size_t u = 0; u < shape.untimed; ++u) {
    suite.universe.push_back(file_path(shape, sizes.size() + u, random));
  }
  std::sort(suite.universe.begin(), suite.universe.end());
  suite.universe.erase(std::unique(suite.universe.begin(), suite.universe.end()),
                       suite.universe.end());
  suite.durations_json = "{" + fmt::format("{}", fmt::join(entries, ",\n")) + "}";
  return suite;
}

std::string plan_hash(const Suite& suite, int shards, bool files_from_timings) {
  auto timings = parse_durations(suite.durations_json, "gen.json");
  EXPECT_TRUE(static_cast<bool>(timings));
  if (!timings) return "";
  const std::vector<std::string> universe =
      files_from_timings ? files_in_timings(*timings) : suite.universe;
  const Workload work = build_workload(universe, std::move(*timings));
  PlanOptions options(shards);
  options.scope.source = files_from_timings ? "files-from-timings" : "files-from";
  auto plan = make_plan(work, options);
  EXPECT_TRUE(static_cast<bool>(plan)) << (plan ? "" : plan.error().message);
  if (!plan) return "";
  auto json = plan_to_json(*plan);
  EXPECT_TRUE(static_cast<bool>(json));
  return json ? digest_hex(fnv1a64(*json)) : "";
}

struct Case {
  Shape shape;
  std::vector<int> shards;
  bool files_from_timings;
  std::vector<const char*> expected;  // one per shard count, recorded before the speed work
};

void PrintTo(const Case& c, std::ostream* out) {
  *out << c.shape.name;
}

class PlanFastPath : public testing::TestWithParam<Case> {};

TEST_P(PlanFastPath, PlansStayByteIdentical) {
  const Case& c = GetParam();
  const Suite suite = generate(c.shape, 18);
  std::vector<std::string> got;
  for (const int n : c.shards) got.push_back(plan_hash(suite, n, c.files_from_timings));
  std::vector<std::string> expected(c.expected.begin(), c.expected.end());
  EXPECT_EQ(got, expected) << c.shape.name << ": "
                           << fmt::format("\"{}\"", fmt::join(got, "\", \""));
}

const Case kCases[] = {
    {{.name = "uniform", .files = 300, .tests = 3000},
     {2, 7, 38},
     true,
     {"fnv1a64:81ee504ca0964b6f", "fnv1a64:c0da9ba291c146bd", "fnv1a64:f1802656a9553ae0"}},
    {{.name = "zipf_giant", .files = 1000, .tests = 10000, .zipf = 0.8, .giant = 20500},
     {2, 50, 120},
     true,
     {"fnv1a64:960bf82423bf63af", "fnv1a64:4b47c1301bb9a6ff", "fnv1a64:aa53a3c8945312bf"}},
    {{.name = "wide", .files = 2000, .tests = 8000, .zipf = 0.8},
     {500},
     true,
     {"fnv1a64:c113ade6b10c3018"}},
    {{.name = "deep", .files = 400, .tests = 4000, .zipf = 0.8, .depth = 12},
     {3, 38, 120},
     true,
     {"fnv1a64:7f1fdf1c061d1de0", "fnv1a64:09ba1976f9fd9e5d", "fnv1a64:bb739b7b7d292f55"}},
    {{.name = "long_params", .files = 150, .tests = 3000, .zipf = 0.8, .param = 180},
     {2, 16, 64},
     true,
     {"fnv1a64:ec48f90a234718a9", "fnv1a64:cf92e5ddaeb2bc35", "fnv1a64:be52c3419e12b607"}},
    {{.name = "untimed", .files = 500, .tests = 5000, .zipf = 0.8, .depth = 4, .untimed = 120},
     {5, 40, 200},
     false,
     {"fnv1a64:d3bc4469937cce76", "fnv1a64:b6509b68f18b4b27", "fnv1a64:50846d8cd57ed6dc"}},
    {{.name = "shuffled_dupes",
      .files = 200,
      .tests = 2500,
      .zipf = 0.8,
      .giant = 900,
      .shuffled = true},
     {4, 23, 100},
     true,
     {"fnv1a64:409bdbb7ade22842", "fnv1a64:fb7db342bb9d6300", "fnv1a64:bc2f522668c69206"}},
};

INSTANTIATE_TEST_SUITE_P(Shapes, PlanFastPath, testing::ValuesIn(kCases),
                         [](const testing::TestParamInfo<Case>& param_info) {
                           return std::string(param_info.param.shape.name);
                         });

}  // namespace
}  // namespace shardplan
