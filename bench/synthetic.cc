#include "synthetic.h"

#include <algorithm>
#include <cmath>
#include <random>

#include <fmt/format.h>

namespace shardplan::bench {
namespace {

// Parameters fitted loosely to ../shared/data (log-seconds mean -3.5, sd 2.3 per test;
// log tests-per-file sd 1.1), so the tail holds a few files far above the mean.
constexpr double kLogTestMean = -3.5;
constexpr double kLogTestSd = 2.0;
constexpr double kLogFileSpeedSd = 1.0;
constexpr double kLogFileSizeSd = 1.1;
constexpr double kMaxTestSeconds = 300;

std::string file_path(std::size_t index, std::size_t files) {
  const auto per_dir =
      static_cast<std::size_t>(std::max(4.0, std::sqrt(static_cast<double>(files))));
  const std::size_t dir = index / per_dir;
  return fmt::format("pkg{}/sub{}/tests/test_module_{}.py", dir % 7, dir, index);
}

// Splits `tests` over `files` with lognormal weights, at least one test per file.
std::vector<std::size_t> tests_per_file(std::size_t tests, std::size_t files,
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

std::string test_id(const std::string& file, std::size_t t) {
  // Every fourth group of tests lives in a class; every test has 1..4 parametrized variants.
  const std::size_t test = t / 4, variant = t % 4;
  const std::size_t klass = test / 6;
  if (klass % 4 == 0) return fmt::format("{}::test_case_{}[param-{}]", file, test, variant);
  return fmt::format("{}::TestGroup{}::test_case_{}[param-{} x]", file, klass, test, variant);
}

}  // namespace

SyntheticSuite make_suite(std::size_t tests, std::size_t files, std::uint64_t seed) {
  std::mt19937_64 rng(seed);
  files = std::max<std::size_t>(1, std::min(files, tests));
  const auto counts = tests_per_file(tests, files, rng);
  std::lognormal_distribution<double> speed(0, kLogFileSpeedSd);
  std::lognormal_distribution<double> duration(kLogTestMean, kLogTestSd);
  SyntheticSuite suite;
  suite.timings.tests.reserve(tests);
  for (std::size_t f = 0; f < files; ++f) {
    suite.files.push_back(file_path(f, files));
    const double file_speed = speed(rng);
    for (std::size_t t = 0; t < counts[f]; ++t) {
      const double seconds = std::min(kMaxTestSeconds, duration(rng) * file_speed);
      suite.timings.tests.push_back(
          {test_id(suite.files.back(), t), std::round(seconds * 1e6) / 1e6});
    }
  }
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
