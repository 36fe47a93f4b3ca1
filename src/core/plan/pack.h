// Packs weighted items into exactly N bins: longest-processing-time first, then an
// improvement pass of moves and swaps out of the heaviest bin that never raises the makespan.
// Items sharing a `group` (slices of one file) always land in different bins. Deterministic:
// ties are broken by item rank, then bin index. Knows nothing about files, timings or output.
#pragma once

#include <cstddef>
#include <vector>

namespace shardplan {

struct PackItem {
  double weight = 0;
  std::size_t rank = 0;  // unique; the lower rank goes first among equal weights
  int group = -1;        // items with the same group >= 0 must be in different bins
};

struct Packing {
  std::vector<int> bin_of;    // per item, 0-based bin
  std::vector<double> loads;  // per bin
  double makespan() const;
};

// Longest-processing-time first. Items go to the least loaded bin (then fewest items, then
// lowest index) that holds no item of their group. Requires items.size() >= bins so that the
// first `bins` items open every bin: no bin stays empty. Group sizes must not exceed `bins`.
Packing pack_lpt(const std::vector<PackItem>& items, int bins);
// The same with the placement order given: `order` must be the item indices sorted by weight,
// heaviest first, then by rank (what pack_lpt sorts itself), so a caller that keeps most items
// sorted across many packings does not sort them again each time.
Packing pack_lpt(const std::vector<PackItem>& items, int bins,
                 const std::vector<std::size_t>& order);

// Moves and swaps items out of the heaviest bin while that strictly lowers it without making
// another bin at least as heavy; keeps every bin non-empty and groups apart. Stops once the
// makespan is at most `good_enough` (e.g. just above a lower bound). Bounded work.
void improve(Packing& packing, const std::vector<PackItem>& items, double good_enough = 0);

}  // namespace shardplan
