// Cuts one file's tests (sorted by id, hence in file order with classes and the parametrized
// variants of one test adjacent) into contiguous slices. Prefers cuts between classes, then
// between tests (keeping parametrized variants together), and only then between variants.
// Pure: tests in, index ranges out.
#pragma once

#include <cstddef>
#include <vector>

#include "core/model.h"

namespace shardplan {

struct SliceRange {
  std::size_t begin = 0;  // index into the file's tests
  std::size_t end = 0;    // one past the last
  double seconds = 0;     // sum of the tests' durations (no overhead)
};

// Cuts of one file; the boundary units of each level are computed once.
class FileCutter {
 public:
  explicit FileCutter(const std::vector<TestTiming>& tests);

  // Fewest slices whose test seconds each stay within `capacity`, cut at the coarsest boundary
  // level that needs no more slices than the finest one. A single test above `capacity` gets
  // a slice of its own. Never more slices than tests.
  std::vector<SliceRange> within(double capacity) const;

  // Exactly `count` slices (count <= number of tests), balanced to minimise the heaviest, cut
  // at the coarsest level whose heaviest slice is within 1% of the finest level's.
  std::vector<SliceRange> into(std::size_t count) const;

 private:
  const std::vector<TestTiming>* tests_;
  std::vector<std::vector<SliceRange>> units_;  // per level, coarsest first
};

}  // namespace shardplan
