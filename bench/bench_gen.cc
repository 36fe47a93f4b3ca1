// Writes a generated .test_durations file (see synthetic.h), for timing the whole CLI process.
//
// Usage: bench_gen [--shape zipf|uniform|legacy] [--skew S] TESTS FILES OUTPUT [SEED]
//   --shape zipf     (default) tests per file Zipf-distributed over files with exponent S
//                    (default 0.8): at 1M tests / 100k files the biggest file holds ~22k tests
//                    and most hold a handful; nested package directories (paths of 3-9 components);
//                    plain, class and parametrized ids, one parametrization in three with
//                    ~50-character parameter strings.
//   --shape uniform  the same paths and ids with equal file sizes (the same as --skew 0).
//   --shape legacy   the earlier generator, byte-identical to its output: lognormal file sizes,
//                    two-level paths, short ids.
//   --skew S         the Zipf exponent (zipf shape only), S >= 0.
//   SEED             default 1; the same arguments and seed always give the same file.
// The file is written to OUTPUT.tmp and renamed, so OUTPUT is never left half-written.
// Exit codes: 0 written, 1 cannot write OUTPUT, 2 usage error.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>
#include <vector>

#include "synthetic.h"

namespace {

constexpr const char* kUsage =
    "usage: bench_gen [--shape zipf|uniform|legacy] [--skew S] TESTS FILES OUTPUT [SEED]\n";

struct Options {
  shardplan::bench::SuiteShape shape;
  std::vector<std::string> positional;
};

std::optional<unsigned long long> positive(const std::string& text) {
  char* end = nullptr;
  const auto value = std::strtoull(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || text[0] == '-') return std::nullopt;
  return value;
}

bool set_shape(std::string_view name, shardplan::bench::SuiteShape& shape) {
  using Family = shardplan::bench::SuiteShape::Family;
  if (name == "zipf")
    shape.family = Family::kZipf;
  else if (name == "uniform")
    shape = {Family::kZipf, 0.0};
  else if (name == "legacy")
    shape.family = Family::kLegacy;
  else
    return false;
  return true;
}

// Returns an error message, or an empty string when the arguments are well-formed.
std::string parse(int argc, char** argv, Options& options) {
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if ((arg == "--shape" || arg == "--skew") && i + 1 >= argc)
      return std::string(arg) + " needs a value";
    if (arg == "--shape") {
      if (!set_shape(argv[++i], options.shape)) return "--shape must be zipf, uniform or legacy";
    } else if (arg == "--skew") {
      char* end = nullptr;
      options.shape.skew = std::strtod(argv[++i], &end);
      if (*end != '\0' || !(options.shape.skew >= 0)) return "--skew must be a number >= 0";
    } else {
      options.positional.emplace_back(arg);
    }
  }
  if (options.positional.size() < 3 || options.positional.size() > 4)
    return "expected TESTS FILES OUTPUT [SEED]";
  return "";
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  if (const std::string error = parse(argc, argv, options); !error.empty()) {
    std::fprintf(stderr, "bench_gen: %s\n%s", error.c_str(), kUsage);
    return 2;
  }
  const auto tests = positive(options.positional[0]);
  const auto files = positive(options.positional[1]);
  const auto seed = options.positional.size() == 4 ? positive(options.positional[3]) : 1ULL;
  if (!tests || !files || *tests == 0 || *files == 0 || !seed) {
    std::fprintf(stderr, "bench_gen: TESTS and FILES must be positive integers, SEED >= 0\n%s",
                 kUsage);
    return 2;
  }
  const auto suite = shardplan::bench::make_suite(*tests, *files, *seed, options.shape);
  const std::string output = options.positional[2], temp = output + ".tmp";
  {
    std::ofstream out(temp, std::ios::binary);
    out << shardplan::bench::to_durations_json(suite.timings);
    if (!out.flush()) {
      std::fprintf(stderr, "bench_gen: cannot write %s\n", temp.c_str());
      return 1;
    }
  }
  std::error_code error;
  std::filesystem::rename(temp, output, error);
  if (error) {
    std::fprintf(stderr, "bench_gen: cannot rename %s to %s: %s\n", temp.c_str(), output.c_str(),
                 error.message().c_str());
    return 1;
  }
  return 0;
}
