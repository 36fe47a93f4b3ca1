// Generated test suites shaped like the real timing files in ../shared/data: per-test
// durations lognormal (median ~30 ms, heavy tail up to minutes), tests per file lognormal,
// files spread over nested directories, parametrized and class-based node ids.
// Deterministic for a given seed. Benchmark support only; never used by the CLI.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/model.h"

namespace shardplan::bench {

struct SyntheticSuite {
  std::vector<std::string> files;  // sorted, unique; every file has at least one test
  Timings timings;                 // sorted by id, as parse_durations returns
};

SyntheticSuite make_suite(std::size_t tests, std::size_t files, std::uint64_t seed = 1);

// The suite as pytest-split writes .test_durations: {"id": seconds, ...}, 4 spaces indent.
std::string to_durations_json(const Timings& timings);

}  // namespace shardplan::bench
