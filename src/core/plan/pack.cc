#include "core/plan/pack.h"

#include <algorithm>
#include <cassert>
#include <cstdint>
#include <numeric>
#include <set>
#include <tuple>

#include "core/plan/tolerances.h"

namespace shardplan {
namespace {

std::vector<std::size_t> heaviest_first(const std::vector<PackItem>& items) {
  std::vector<std::size_t> order(items.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (items[a].weight != items[b].weight) return items[a].weight > items[b].weight;
    return items[a].rank < items[b].rank;
  });
  return order;
}

// Mutable view used by the improvement pass: members per bin (sorted by weight, then item)
// and groups per bin.
struct Bins {
  using Member = std::pair<double, std::size_t>;  // weight, item
  const std::vector<PackItem>& items;
  Packing& packing;
  std::vector<std::vector<Member>> members;
  std::vector<std::multiset<int>> groups;

  Bins(const std::vector<PackItem>& all, Packing& p)
      : items(all), packing(p), members(p.loads.size()), groups(p.loads.size()) {
    for (std::size_t i = 0; i < items.size(); ++i) {
      const auto bin = static_cast<std::size_t>(p.bin_of[i]);
      members[bin].emplace_back(items[i].weight, i);
      if (items[i].group >= 0) groups[bin].insert(items[i].group);
    }
    for (auto& list : members) std::sort(list.begin(), list.end());
  }
  // True when `bin` would hold no other item of `item`'s group after `leaving` (if any) left.
  bool fits(std::size_t item, std::size_t bin, std::size_t leaving = SIZE_MAX) const {
    const int group = items[item].group;
    if (group < 0) return true;
    std::size_t present = groups[bin].count(group);
    if (leaving != SIZE_MAX && items[leaving].group == group) --present;
    return present == 0;
  }
  void relocate(std::size_t item, std::size_t to) {
    const auto from = static_cast<std::size_t>(packing.bin_of[item]);
    const Member member{items[item].weight, item};
    auto& list = members[from];
    list.erase(std::lower_bound(list.begin(), list.end(), member));
    members[to].insert(std::lower_bound(members[to].begin(), members[to].end(), member), member);
    if (items[item].group >= 0) {
      groups[from].erase(groups[from].find(items[item].group));
      groups[to].insert(items[item].group);
    }
    packing.loads[from] -= items[item].weight;
    packing.loads[to] += items[item].weight;
    packing.bin_of[item] = static_cast<int>(to);
  }
};

struct Candidate {
  double pair_max = 0;
  std::size_t item = SIZE_MAX;
  std::size_t bin = 0;
  std::size_t partner = SIZE_MAX;  // SIZE_MAX: a move, else a swap with this item
};

bool better(const Candidate& a, const Candidate& b, const std::vector<PackItem>& items) {
  if (b.item == SIZE_MAX) return true;
  if (a.pair_max != b.pair_max) return a.pair_max < b.pair_max;
  const bool a_move = a.partner == SIZE_MAX;
  const bool b_move = b.partner == SIZE_MAX;
  if (a_move != b_move) return a_move;
  if (items[a.item].rank != items[b.item].rank) return items[a.item].rank < items[b.item].rank;
  return a.bin < b.bin;
}

// Bins by ascending load (then index): the lightest bins are the only useful targets.
std::vector<std::size_t> lightest_first(const std::vector<double>& loads) {
  std::vector<std::size_t> order(loads.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    return loads[a] != loads[b] ? loads[a] < loads[b] : a < b;
  });
  return order;
}

// Each item of the heavy bin may move to the lightest bin that can take it.
void consider_moves(const Bins& bins, std::size_t heavy, const std::vector<std::size_t>& light,
                    double limit, Candidate& best) {
  if (bins.members[heavy].size() < 2) return;
  const auto& loads = bins.packing.loads;
  for (const auto& member : bins.members[heavy]) {
    const std::size_t item = member.second;
    for (const std::size_t bin : light) {
      if (bin == heavy || !bins.fits(item, bin)) continue;
      const Candidate move{std::max(loads[heavy] - member.first, loads[bin] + member.first), item,
                           bin};
      if (move.pair_max < limit && better(move, best, bins.items)) best = move;
      break;
    }
  }
}

// For each item of the heavy bin and each other bin, only the partners whose weight is nearest
// the ideal (half the load gap below the item) are tried: a binary search each.
void consider_swaps(const Bins& bins, std::size_t heavy, double limit, Candidate& best) {
  const auto& loads = bins.packing.loads;
  for (const auto& [weight, item] : bins.members[heavy]) {
    for (std::size_t bin = 0; bin < loads.size(); ++bin) {
      const double gap = loads[heavy] - loads[bin];
      if (bin == heavy || gap <= 0) continue;
      const auto& list = bins.members[bin];
      const Bins::Member ideal{weight - gap / 2, 0};
      const auto at = std::lower_bound(list.begin(), list.end(), ideal);
      for (auto it = at == list.begin() ? at : at - 1; it != list.end() && it <= at; ++it) {
        const std::size_t other = it->second;
        const double delta = weight - it->first;
        if (delta <= 0 || delta >= gap) continue;
        const Candidate swap{std::max(loads[heavy] - delta, loads[bin] + delta), item, bin, other};
        if (swap.pair_max >= limit || !better(swap, best, bins.items)) continue;
        if (bins.fits(item, bin, other) && bins.fits(other, heavy, item)) best = swap;
      }
    }
  }
}

std::size_t heaviest_bin(const std::vector<double>& loads) {
  return static_cast<std::size_t>(std::max_element(loads.begin(), loads.end()) - loads.begin());
}

// The bins LPT may fill next, as a binary min-heap on (load, items, index): the same order a
// sorted set of those tuples gives, without a node allocation per placement.
class LoadHeap {
 public:
  explicit LoadHeap(int bins) {
    for (int bin = 0; bin < bins; ++bin) heap_.push_back({0.0, 0, bin});
  }
  struct Entry {
    double load;
    std::size_t items;
    int bin;
    bool operator<(const Entry& other) const {
      if (load != other.load) return load < other.load;
      if (items != other.items) return items < other.items;
      return bin < other.bin;
    }
  };
  const Entry& top() const { return heap_.front(); }
  Entry pop() {
    const Entry top = heap_.front();
    heap_.front() = heap_.back();
    heap_.pop_back();
    if (!heap_.empty()) sift_down(0);
    return top;
  }
  void push(const Entry& entry) {
    heap_.push_back(entry);
    std::size_t at = heap_.size() - 1;
    while (at > 0 && heap_[at] < heap_[(at - 1) / 2]) {
      std::swap(heap_[at], heap_[(at - 1) / 2]);
      at = (at - 1) / 2;
    }
  }
  // Replaces the top with `entry` (cheaper than pop then push).
  void replace_top(const Entry& entry) {
    heap_.front() = entry;
    sift_down(0);
  }

 private:
  void sift_down(std::size_t at) {
    for (;;) {
      const std::size_t left = 2 * at + 1;
      if (left >= heap_.size()) return;
      std::size_t least = left;
      if (left + 1 < heap_.size() && heap_[left + 1] < heap_[left]) least = left + 1;
      if (!(heap_[least] < heap_[at])) return;
      std::swap(heap_[least], heap_[at]);
      at = least;
    }
  }
  std::vector<Entry> heap_;
};

}  // namespace

double Packing::makespan() const {
  return loads.empty() ? 0.0 : *std::max_element(loads.begin(), loads.end());
}

Packing pack_lpt(const std::vector<PackItem>& items, int bins) {
  return pack_lpt(items, bins, heaviest_first(items));
}

Packing pack_lpt(const std::vector<PackItem>& items, int bins,
                 const std::vector<std::size_t>& order) {
  assert(order.size() == items.size());
  assert(bins > 0 && items.size() >= static_cast<std::size_t>(bins));
  Packing packing{std::vector<int>(items.size(), -1), std::vector<double>(bins, 0.0)};
  LoadHeap by_load(bins);
  std::vector<std::set<int>> groups_in_bin(bins);
  std::vector<LoadHeap::Entry> skipped;
  for (const std::size_t item : order) {
    const int group = items[item].group;
    // The least loaded bin without the item's group: bins holding the group wait aside.
    while (group >= 0 && groups_in_bin[static_cast<std::size_t>(by_load.top().bin)].count(group))
      skipped.push_back(by_load.pop());
    const LoadHeap::Entry chosen = by_load.top();
    const auto bin = static_cast<std::size_t>(chosen.bin);
    packing.bin_of[item] = chosen.bin;
    packing.loads[bin] += items[item].weight;
    if (group >= 0) groups_in_bin[bin].insert(group);
    by_load.replace_top({packing.loads[bin], chosen.items + 1, chosen.bin});
    for (const LoadHeap::Entry& entry : skipped) by_load.push(entry);
    skipped.clear();
  }
  return packing;
}

void improve(Packing& packing, const std::vector<PackItem>& items, double good_enough) {
  Bins bins(items, packing);
  const std::size_t max_rounds = std::max<std::size_t>(100, 4 * packing.loads.size());
  for (std::size_t round = 0; round < max_rounds; ++round) {
    const std::size_t heavy = heaviest_bin(packing.loads);
    if (packing.loads[heavy] <= good_enough) return;
    const double limit = strictly_below(packing.loads[heavy]);
    Candidate best;
    const std::vector<std::size_t> light = lightest_first(packing.loads);
    consider_moves(bins, heavy, light, limit, best);
    consider_swaps(bins, heavy, limit, best);
    if (best.item == SIZE_MAX) return;
    if (best.partner != SIZE_MAX) bins.relocate(best.partner, heavy);
    bins.relocate(best.item, best.bin);
  }
}

}  // namespace shardplan
