#include "synthetic.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <numeric>
#include <random>
#include <string_view>

#include <fmt/format.h>

namespace shardplan::bench {
namespace {

// Durations, fitted loosely to ../shared/data (log-seconds mean -3.5, sd 2.3 per test; log
// tests-per-file sd 1.1), so the tail holds a few files far above the mean.
constexpr double kLogTestMean = -3.5;
constexpr double kLogTestSd = 2.0;
constexpr double kLogFileSpeedSd = 1.0;
constexpr double kLogFileSizeSd = 1.1;
constexpr double kMaxTestSeconds = 300;

double rounded_duration(std::lognormal_distribution<double>& duration, double file_speed,
                        std::mt19937_64& rng) {
  const double seconds = std::min(kMaxTestSeconds, duration(rng) * file_speed);
  return std::round(seconds * 1e6) / 1e6;
}

// ---- legacy shape (unchanged output) -------------------------------------------------------

std::string legacy_file_path(std::size_t index, std::size_t files) {
  const auto per_dir =
      static_cast<std::size_t>(std::max(4.0, std::sqrt(static_cast<double>(files))));
  const std::size_t dir = index / per_dir;
  return fmt::format("pkg{}/sub{}/tests/test_module_{}.py", dir % 7, dir, index);
}

// Splits `tests` over `files` with lognormal weights, at least one test per file.
std::vector<std::size_t> lognormal_counts(std::size_t tests, std::size_t files,
                                          std::mt19937_64& rng) {
  std::lognormal_distribution<double> size(0, kLogFileSizeSd);
  std::vector<double> weight(files);
  double total = 0;
  for (double& w : weight) total += w = size(rng);
  std::vector<std::size_t> counts(files, 1);
  std::size_t assigned = files;
  const double spare = static_cast<double>(tests - files);
  for (std::size_t f = 0; f < files && assigned < tests; ++f) {
    const auto extra =
        std::min(tests - assigned, static_cast<std::size_t>(spare * weight[f] / total));
    counts[f] += extra;
    assigned += extra;
  }
  for (std::size_t f = 0; assigned < tests; f = (f + 1) % files, ++assigned) ++counts[f];
  return counts;
}

std::string legacy_test_id(const std::string& file, std::size_t t) {
  // Every fourth group of tests lives in a class; every test has 1..4 parametrized variants.
  const std::size_t test = t / 4, variant = t % 4;
  const std::size_t klass = test / 6;
  if (klass % 4 == 0) return fmt::format("{}::test_case_{}[param-{}]", file, test, variant);
  return fmt::format("{}::TestGroup{}::test_case_{}[param-{} x]", file, klass, test, variant);
}

SyntheticSuite make_legacy_suite(std::size_t tests, std::size_t files, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  const auto counts = lognormal_counts(tests, files, rng);
  std::lognormal_distribution<double> speed(0, kLogFileSpeedSd);
  std::lognormal_distribution<double> duration(kLogTestMean, kLogTestSd);
  SyntheticSuite suite;
  suite.timings.tests.reserve(tests);
  for (std::size_t f = 0; f < files; ++f) {
    suite.files.push_back(legacy_file_path(f, files));
    const double file_speed = speed(rng);
    for (std::size_t t = 0; t < counts[f]; ++t) {
      suite.timings.tests.push_back(
          {legacy_test_id(suite.files.back(), t), rounded_duration(duration, file_speed, rng)});
    }
  }
  return suite;
}

// ---- Zipf shape ----------------------------------------------------------------------------

constexpr std::array<std::string_view, 16> kWords = {
    "billing",  "accounts", "storage", "network", "scheduler", "render",  "parser", "auth",
    "payments", "search",   "reports", "cache",   "ingest",    "exports", "graph",  "admin"};
constexpr std::array<std::string_view, 6> kLayers = {"tests",      "unit",    "integration",
                                                     "functional", "contrib", "backends"};
constexpr std::array<std::string_view, 5> kBackends = {
    "postgresql-15-ssl-required", "sqlite-in-memory-shared-cache", "mysql-8.0-utf8mb4-strict",
    "redis-cluster-3-nodes", "s3-compatible-minio-versioned"};
constexpr std::array<std::string_view, 4> kPayloads = {
    "nested_document_with_long_values", "empty_collection_then_large_record",
    "timestamps_around_a_dst_transition", "recursive_structure_at_the_limit"};

std::string_view pick(auto const& words, std::mt19937_64& rng) {
  return words[static_cast<std::size_t>(rng() % words.size())];
}

// Rank r (0-based) gets a share (r+1)^-skew of the tests (largest remainder rounding), then
// every file is topped up to one test from the files that have more than one.
std::vector<std::size_t> zipf_counts(std::size_t tests, std::size_t files, double skew) {
  std::vector<double> exact(files);
  double total = 0;
  for (std::size_t r = 0; r < files; ++r) total += exact[r] = std::pow(double(r + 1), -skew);
  std::vector<std::size_t> counts(files);
  std::size_t assigned = 0;
  for (std::size_t r = 0; r < files; ++r) {
    exact[r] *= static_cast<double>(tests) / total;
    counts[r] = static_cast<std::size_t>(exact[r]);
    exact[r] -= static_cast<double>(counts[r]);
    assigned += counts[r];
  }
  std::vector<std::size_t> order(files);
  std::iota(order.begin(), order.end(), std::size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return exact[a] > exact[b]; });
  for (std::size_t i = 0; assigned < tests; ++i, ++assigned) ++counts[order[i % files]];
  std::size_t donor = 0;
  for (std::size_t& count : counts) {
    if (count > 0) continue;
    while (counts[donor] <= 1) donor = (donor + 1) % files;
    --counts[donor];
    count = 1;
  }
  return counts;
}

// Nested package directories as a random recursive tree (each new directory hangs under a
// uniformly chosen earlier one, or under a top-level one once its parent is kMaxDirDepth deep),
// so paths run 3-9 components. File names carry their index so every basename is unique
// (collectable by pytest without __init__.py files).
constexpr std::size_t kMaxDirDepth = 6;
constexpr std::size_t kTopLevelDirs = 8;

std::vector<std::string> deep_file_paths(std::size_t files, std::mt19937_64& rng) {
  const std::size_t dirs = std::max<std::size_t>(1, files / 6);
  std::vector<std::string> dir_path(dirs);
  std::vector<std::size_t> depth(dirs, 1);
  dir_path[0] = "src/acme";
  for (std::size_t d = 1; d < dirs; ++d) {
    auto parent = static_cast<std::size_t>(rng() % d);
    if (depth[parent] >= kMaxDirDepth)
      parent = static_cast<std::size_t>(rng() % std::min(d, kTopLevelDirs));
    depth[d] = depth[parent] + 1;
    const bool layer = rng() % 4 == 0;
    dir_path[d] = fmt::format("{}/{}_{}", dir_path[parent],
                              layer ? pick(kLayers, rng) : pick(kWords, rng), d);
  }
  std::vector<std::string> paths(files);
  for (std::size_t f = 0; f < files; ++f) {
    const auto dir = static_cast<std::size_t>(rng() % dirs);
    paths[f] = fmt::format("{}/test_{}_{}.py", dir_path[dir], pick(kWords, rng), f);
  }
  return paths;
}

// How many parametrized variants the next test function gets: 40% plain, 50% a few cases,
// 10% a large table (up to an eighth of what the file still needs), so the big files are
// mostly big parametrizations, as in real suites.
std::size_t variants_of_next_function(std::size_t remaining, std::mt19937_64& rng) {
  const auto kind = rng() % 100;
  std::size_t variants = 1;
  if (kind >= 90) {
    variants = 10 + static_cast<std::size_t>(rng() % std::max<std::size_t>(10, remaining / 4));
  } else if (kind >= 40) {
    variants = 2 + static_cast<std::size_t>(rng() % 7);
  }
  return std::min(variants, remaining);
}

std::string param_id(std::size_t function, std::size_t variant, bool long_form,
                     std::mt19937_64& rng) {
  if (!long_form) return fmt::format("[{}-{}]", variant, function % 3 == 0 ? "True" : "None");
  return fmt::format("[{}-{}-case{:05}]", pick(kBackends, rng), pick(kPayloads, rng), variant);
}

// Appends `count` test ids of one file: functions come in groups of five, two groups in three
// inside a class; each function plain or parametrized (one parametrization in three with long
// parameter strings).
void append_file_tests(const std::string& file, std::size_t count, double file_speed,
                       std::lognormal_distribution<double>& duration, std::mt19937_64& rng,
                       Timings& out) {
  std::size_t made = 0;
  bool in_class = false;
  for (std::size_t function = 0; made < count; ++function) {
    const std::size_t variants = variants_of_next_function(count - made, rng);
    if (function % 5 == 0) in_class = rng() % 3 != 0;
    const std::size_t klass = function / 5;
    const std::string prefix =
        !in_class ? fmt::format("{}::test_{}_{}", file, pick(kWords, rng), function)
                  : fmt::format("{}::Test{}Behaviour{}::test_{}_{}", file, pick(kLayers, rng),
                                klass, pick(kWords, rng), function);
    const bool long_form = rng() % 3 == 0;
    for (std::size_t v = 0; v < variants; ++v) {
      std::string id = variants == 1 ? prefix : prefix + param_id(function, v, long_form, rng);
      out.tests.push_back({std::move(id), rounded_duration(duration, file_speed, rng)});
    }
    made += variants;
  }
}

SyntheticSuite make_zipf_suite(std::size_t tests, std::size_t files, std::uint64_t seed,
                               double skew) {
  std::mt19937_64 rng(seed);
  auto counts = zipf_counts(tests, files, skew);
  std::shuffle(counts.begin(), counts.end(), rng);  // big files anywhere in the tree
  std::lognormal_distribution<double> speed(0, kLogFileSpeedSd);
  std::lognormal_distribution<double> duration(kLogTestMean, kLogTestSd);
  SyntheticSuite suite;
  suite.files = deep_file_paths(files, rng);
  suite.timings.tests.reserve(tests);
  for (std::size_t f = 0; f < files; ++f) {
    append_file_tests(suite.files[f], counts[f], speed(rng), duration, rng, suite.timings);
  }
  return suite;
}

}  // namespace

SyntheticSuite make_suite(std::size_t tests, std::size_t files, std::uint64_t seed,
                          SuiteShape shape) {
  files = std::max<std::size_t>(1, std::min(files, tests));
  SyntheticSuite suite = shape.family == SuiteShape::Family::kLegacy
                             ? make_legacy_suite(tests, files, seed)
                             : make_zipf_suite(tests, files, seed, shape.skew);
  std::sort(suite.files.begin(), suite.files.end());
  std::sort(suite.timings.tests.begin(), suite.timings.tests.end(),
            [](const TestTiming& a, const TestTiming& b) { return a.id < b.id; });
  return suite;
}

std::string to_durations_json(const Timings& timings) {
  std::string out = "{\n";
  for (std::size_t i = 0; i < timings.tests.size(); ++i) {
    const TestTiming& test = timings.tests[i];
    out += fmt::format("    \"{}\": {}{}\n", test.id, test.seconds,
                       i + 1 < timings.tests.size() ? "," : "");
  }
  out += "}\n";
  return out;
}

}  // namespace shardplan::bench
