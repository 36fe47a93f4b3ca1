// Cuts one file's tests (sorted by id, hence in file order with classes and the parametrized
// variants of one test adjacent) into contiguous slices. Prefers cuts between classes, then
// between tests (keeping parametrized variants together), and only then between variants.
// Pure: tests in, index ranges out.
#pragma once

#include <cstddef>
#include <map>
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

  // The slice that starts at test `begin` and fills up to `capacity` seconds: its end is the
  // furthest test boundary within the capacity, moved back to the coarsest boundary level that
  // still fills all but `slack` seconds of what the finest level fills. Returns an empty range
  // (end == begin) when not even the test at `begin` fits.
  SliceRange fill(std::size_t begin, double capacity, double slack) const;

  // Tests [begin, end) as a range with their seconds.
  SliceRange range(std::size_t begin, std::size_t end) const;

  // How coarse a cut before test `index` is: 0 between classes (or the file's ends), 1 between
  // tests, 2 between parametrized variants of one test.
  int boundary_level(std::size_t index) const { return levels_[index]; }

 private:
  std::vector<SliceRange> cut_into(std::size_t count) const;

  const std::vector<TestTiming>* tests_;
  std::vector<std::vector<SliceRange>> units_;  // per level, coarsest first
  std::vector<double> prefix_;                  // prefix_[i] = seconds of tests [0, i)
  // into() by count: the planner asks for the same count again and again while it searches.
  mutable std::map<std::size_t, std::vector<SliceRange>> into_cache_;
  std::vector<unsigned char> levels_;  // boundary_level per index 0..size
};

}  // namespace shardplan
