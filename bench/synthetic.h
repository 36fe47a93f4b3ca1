// Generated test suites for the benchmarks. Two families:
//  - zipf (the default): tests per file follow a Zipf law over files (exponent `skew`, 0.8 by
//    default: a few files hold thousands of tests, most a handful), files sit in nested
//    package directories (deep paths), ids are plain, class-based and parametrized with long
//    parameter strings. `skew` 0 gives equal file sizes with the same paths and ids.
//  - legacy: the earlier generator (lognormal file sizes, two-level paths, short ids), kept
//    byte-identical so older figures can be reproduced.
// Per-test durations are lognormal (median ~30 ms, heavy tail) scaled per file in both.
// Deterministic for a given seed and shape. Benchmark support only; never used by the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model.h"

namespace shardplan::bench {

struct SuiteShape {
  enum class Family { kZipf, kLegacy };
  Family family = Family::kZipf;
  double skew = 0.8;  // Zipf exponent over files (kZipf only); 0 = equal sizes
};

struct SyntheticSuite {
  std::vector<std::string> files;  // sorted, unique; every file has at least one test
  Timings timings;                 // sorted by id, as parse_durations returns
};

SyntheticSuite make_suite(std::size_t tests, std::size_t files, std::uint64_t seed = 1,
                          SuiteShape shape = {});

// The suite as pytest-split writes .test_durations: {"id": seconds, ...}, 4 spaces indent.
std::string to_durations_json(const Timings& timings);

}  // namespace shardplan::bench
