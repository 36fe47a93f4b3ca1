// Writes a generated .test_durations file (see synthetic.h), for timing the whole CLI process.
// Usage: bench_gen TESTS FILES OUTPUT [SEED]
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>

#include "synthetic.h"

int main(int argc, char** argv) {
  if (argc < 4 || argc > 5) {
    std::fprintf(stderr, "usage: bench_gen TESTS FILES OUTPUT [SEED]\n");
    return 2;
  }
  const auto tests = std::strtoull(argv[1], nullptr, 10);
  const auto files = std::strtoull(argv[2], nullptr, 10);
  const auto seed = argc == 5 ? std::strtoull(argv[4], nullptr, 10) : 1;
  if (tests == 0 || files == 0) {
    std::fprintf(stderr, "bench_gen: TESTS and FILES must be positive integers\n");
    return 2;
  }
  const auto suite = shardplan::bench::make_suite(tests, files, seed);
  std::ofstream out(argv[3], std::ios::binary);
  out << shardplan::bench::to_durations_json(suite.timings);
  if (!out.flush()) {
    std::fprintf(stderr, "bench_gen: cannot write %s\n", argv[3]);
    return 1;
  }
  return 0;
}
