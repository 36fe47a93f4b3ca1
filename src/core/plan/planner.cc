#include "core/plan/planner.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <numeric>
#include <optional>
#include <set>

#include <fmt/format.h>

#include "core/plan/pack.h"
#include "core/plan/secure.h"
#include "core/plan/slicing.h"
#include "core/plan/tolerances.h"

namespace shardplan {
namespace {

// Layout::origin's slice index for an item that is a whole file.
constexpr std::size_t kWholeFile = std::numeric_limits<std::size_t>::max();
// FillBins::lightest_without when every bin already holds a slice of the file at hand.
constexpr std::size_t kNoBin = std::numeric_limits<std::size_t>::max();
// file_to_cut_further when no file can be cut into more pieces.
constexpr std::size_t kNoFile = std::numeric_limits<std::size_t>::max();

// Steps of each bisection on a makespan target (it may stop earlier, see keep_bisecting).
constexpr int kBisectionSteps = 12;

// One candidate layout: for each file, its cut into slices (empty: kept whole).
struct Layout {
  std::vector<std::vector<SliceRange>> cuts;
  std::vector<PackItem> items;
  std::vector<std::pair<std::size_t, std::size_t>> origin;  // item -> (file, slice or kWholeFile)
  Packing packing;
  std::size_t slices = 0;
};

// Per-file overheads, looked up once per plan (index = position in the workload).
std::vector<double> overheads_of(const Workload& work, const PlanOptions& options) {
  std::vector<double> out;
  out.reserve(work.files.size());
  for (const FileWork& file : work.files) out.push_back(overhead_for(options, file.path));
  return out;
}

bool sliceable(const FileWork& file) {
  return !file.estimated && file.tests.size() >= 2;
}

std::size_t heaviest_bin(const std::vector<double>& loads) {
  return static_cast<std::size_t>(std::max_element(loads.begin(), loads.end()) - loads.begin());
}

void build_items(const Workload& work, const std::vector<double>& overheads, Layout& layout) {
  for (std::size_t f = 0; f < work.files.size(); ++f) {
    const FileWork& file = work.files[f];
    const auto& cut = layout.cuts[f];
    if (cut.size() < 2) {
      layout.items.push_back({file.seconds + overheads[f], layout.items.size(), -1});
      layout.origin.emplace_back(f, kWholeFile);
      continue;
    }
    for (std::size_t s = 0; s < cut.size(); ++s) {
      layout.items.push_back(
          {cut[s].seconds + overheads[f], layout.items.size(), static_cast<int>(f)});
      layout.origin.emplace_back(f, s);
    }
    layout.slices += cut.size();
  }
}

// What the search needs again and again: the inputs, each file's overhead, and (once slicing
// is tried) one cutter per sliceable file.
struct PlanContext {
  const Workload& work;
  const PlanOptions& options;
  std::vector<double> overheads;
  // Built on first use: most files are never cut, and a cutter reads every test id.
  mutable std::vector<std::optional<FileCutter>> cutters;
  double bound = 0;        // lower bound on the makespan (without the shard overhead)
  double good_enough = 0;  // improvement stops at this makespan (just above the lower bound)

  // Files by weight kept whole, heaviest first, then in file order: the order every candidate
  // layout places its whole files in, sorted once.
  std::vector<std::size_t> by_weight;
  // Per file, its heaviest test (0 for a file that cannot be sliced).
  std::vector<double> heaviest_test;

  PlanContext(const Workload& w, const PlanOptions& o)
      : work(w), options(o), overheads(overheads_of(w, o)), by_weight(files_by_weight()) {}
  void prepare_cutters() {
    cutters.resize(work.files.size());
    heaviest_test.assign(work.files.size(), 0);
    for (std::size_t f = 0; f < work.files.size(); ++f) {
      if (!sliceable(work.files[f])) continue;
      for (const TestTiming& test : work.files[f].tests)
        heaviest_test[f] = std::max(heaviest_test[f], test.seconds);
    }
  }
  // The cutter of sliceable file `f` (after prepare_cutters).
  const FileCutter& cutter(std::size_t f) const {
    if (!cutters[f]) cutters[f].emplace(work.files[f].tests);
    return *cutters[f];
  }
  // File `f`'s seconds with its overhead: what it weighs kept whole.
  double file_weight(std::size_t f) const { return work.files[f].seconds + overheads[f]; }
  // Whether whole file `a` goes before whole file `b`: heavier first, then file order.
  bool heavier_file(std::size_t a, std::size_t b) const {
    const double wa = file_weight(a), wb = file_weight(b);
    return wa != wb ? wa > wb : a < b;
  }

 private:
  std::vector<std::size_t> files_by_weight() const {
    std::vector<std::pair<double, std::size_t>> keyed(work.files.size());
    for (std::size_t f = 0; f < keyed.size(); ++f) keyed[f] = {-file_weight(f), f};
    std::sort(keyed.begin(), keyed.end());
    std::vector<std::size_t> order(keyed.size());
    for (std::size_t i = 0; i < keyed.size(); ++i) order[i] = keyed[i].second;
    return order;
  }
};

// The items of `layout` in LPT's placement order (heaviest first, then by rank, as pack_lpt
// sorts them): the whole files in the context's presorted order, merged with the few slices.
// Ranks follow file order, so a whole file and a slice of another file compare as their files.
std::vector<std::size_t> placement_order(const PlanContext& context, const Layout& layout) {
  const auto& items = layout.items;
  const auto heavier = [&](std::size_t a, std::size_t b) {
    return items[a].weight != items[b].weight ? items[a].weight > items[b].weight
                                              : items[a].rank < items[b].rank;
  };
  std::vector<std::size_t> item_of_file(context.work.files.size(), kWholeFile);
  std::vector<std::size_t> slices;
  for (std::size_t item = 0; item < items.size(); ++item) {
    const auto [f, s] = layout.origin[item];
    if (s == kWholeFile)
      item_of_file[f] = item;
    else
      slices.push_back(item);
  }
  std::vector<std::size_t> whole;
  whole.reserve(items.size() - slices.size());
  for (const std::size_t f : context.by_weight) {
    if (item_of_file[f] != kWholeFile) whole.push_back(item_of_file[f]);
  }
  std::sort(slices.begin(), slices.end(), heavier);
  std::vector<std::size_t> order(items.size());
  std::merge(whole.begin(), whole.end(), slices.begin(), slices.end(), order.begin(), heavier);
  return order;
}

// The sliceable file whose pieces are heaviest among those that can take one more piece
// (at most one per test); kNoFile when none can.
std::size_t file_to_cut_further(const Workload& work, const std::vector<std::size_t>& pieces) {
  std::size_t pick = kNoFile;
  double pick_weight = -1;
  for (std::size_t f = 0; f < work.files.size(); ++f) {
    if (!sliceable(work.files[f]) || pieces[f] >= work.files[f].tests.size()) continue;
    const double per_piece = work.files[f].seconds / static_cast<double>(pieces[f]);
    if (per_piece > pick_weight) pick = f, pick_weight = per_piece;
  }
  return pick;
}

// Adds slices (to the files whose pieces are heaviest) until there are at least N items.
void ensure_enough_pieces(const PlanContext& context, std::vector<std::vector<SliceRange>>& cuts) {
  const Workload& work = context.work;
  std::size_t total = 0;
  std::vector<std::size_t> pieces(work.files.size());
  for (std::size_t f = 0; f < cuts.size(); ++f) {
    total += pieces[f] = std::max<std::size_t>(1, cuts[f].size());
  }
  const auto shards = static_cast<std::size_t>(context.options.shards);
  std::vector<bool> changed(work.files.size(), false);
  for (; total < shards; ++total) {
    const std::size_t pick = file_to_cut_further(work, pieces);
    if (pick == kNoFile) return;
    ++pieces[pick];
    changed[pick] = true;
  }
  for (std::size_t f = 0; f < cuts.size(); ++f) {
    if (changed[f]) cuts[f] = context.cutter(f).into(pieces[f]);
  }
}

// Moving the cut between a slice on the heaviest shard and its neighbour slice of one file.
struct Shift {
  double top = 0;                   // the larger of the two shards' loads afterwards
  int level = 0;                    // boundary level of the new cut (0 is the coarsest)
  std::size_t item = 0, other = 0;  // the heavy slice and its neighbour
  std::size_t cut = 0;              // new boundary between them (a test index)
};

// The shifts out of one heaviest shard, in one round of shift_cuts. Keeps those whose top is
// within the coarse-cut allowance of the lowest top found so far.
class ShiftSearch {
 public:
  ShiftSearch(const PlanContext& context, const Layout& layout, std::size_t heavy)
      : context_(context),
        layout_(layout),
        heavy_(heavy),
        allowance_(kCoarseCutAllowance * context.bound),
        best_top_(strictly_below(layout.packing.loads[heavy])) {}

  // The shifts that hand the last tests of slice item `item` to the next slice, or its first
  // tests to the previous one. build_items emits the slices of one file as consecutive items,
  // so the neighbours are items item + 1 and item - 1.
  void add_shifts_of(std::size_t item) {
    const auto [f, s] = layout_.origin[item];
    const auto& cut = layout_.cuts[f];
    const auto& tests = context_.work.files[f].tests;
    if (s + 1 < cut.size()) {
      double moved = 0;
      for (std::size_t e = cut[s].end - 1; e > cut[s].begin; --e) {
        moved += tests[e].seconds;
        if (!consider(item, item + 1, e, moved)) break;
      }
    }
    if (s > 0) {
      double moved = 0;
      for (std::size_t b = cut[s].begin + 1; b < cut[s].end; ++b) {
        moved += tests[b - 1].seconds;
        if (!consider(item, item - 1, b, moved)) break;
      }
    }
  }

  // Among the shifts within the allowance of the lowest top, the one at the coarsest boundary
  // (then the lowest top, then the first found); null when no shift lowers the heaviest shard.
  const Shift* pick() const {
    const Shift* best = nullptr;
    for (const Shift& shift : shifts_) {
      if (shift.top > best_top_ + allowance_) continue;
      if (!best || shift.level < best->level ||
          (shift.level == best->level && shift.top < best->top)) {
        best = &shift;
      }
    }
    return best;
  }

 private:
  // Records moving `moved` seconds from `item` to `other` with the new cut before test
  // `boundary`. False once `other`'s shard would reach the heaviest: moving more only hurts.
  bool consider(std::size_t item, std::size_t other, std::size_t boundary, double moved) {
    const auto& loads = layout_.packing.loads;
    const auto to = static_cast<std::size_t>(layout_.packing.bin_of[other]);
    if (loads[to] + moved >= loads[heavy_]) return false;
    const double top = std::max(loads[heavy_] - moved, loads[to] + moved);
    if (top <= best_top_ + allowance_) {
      const FileCutter& cutter = context_.cutter(layout_.origin[item].first);
      shifts_.push_back({top, cutter.boundary_level(boundary), item, other, boundary});
      best_top_ = std::min(best_top_, top);
    }
    return true;
  }

  const PlanContext& context_;
  const Layout& layout_;
  std::size_t heavy_;
  double allowance_;
  double best_top_;  // the lowest top so far; starts just below the heaviest load
  std::vector<Shift> shifts_;
};

// Moves the cut between `shift`'s two slices and updates their weights and their shards' loads.
void apply_shift(const PlanContext& context, Layout& layout, const Shift& shift) {
  const auto [f, s] = layout.origin[shift.item];
  auto& cut = layout.cuts[f];
  const std::size_t other_slice = layout.origin[shift.other].second;
  (other_slice > s ? cut[s].end : cut[s].begin) = shift.cut;
  (other_slice > s ? cut[other_slice].begin : cut[other_slice].end) = shift.cut;
  auto& loads = layout.packing.loads;
  for (const std::size_t changed : {shift.item, shift.other}) {
    const std::size_t slice = layout.origin[changed].second;
    const auto bin = static_cast<std::size_t>(layout.packing.bin_of[changed]);
    loads[bin] -= layout.items[changed].weight;
    cut[slice] = context.cutter(f).range(cut[slice].begin, cut[slice].end);
    layout.items[changed].weight = cut[slice].seconds + context.overheads[f];
    loads[bin] += layout.items[changed].weight;
  }
}

std::vector<std::size_t> slice_items_of(const Layout& layout) {
  std::vector<std::size_t> slice_items;
  for (std::size_t item = 0; item < layout.items.size(); ++item) {
    if (layout.origin[item].second != kWholeFile) slice_items.push_back(item);
  }
  return slice_items;
}

// Moves tests across the cut between two adjacent slices of one file while that lowers the
// heaviest shard: the slices stay contiguous, cover the same tests and keep their shards, so
// the cuts follow the packing instead of only the packing following the cuts. Among shifts
// that come within 0.1% of the bound of the best one, the cut at the coarsest boundary wins.
void shift_cuts(const PlanContext& context, Layout& layout) {
  if (layout.slices == 0) return;
  const std::vector<std::size_t> slice_items = slice_items_of(layout);
  const auto& loads = layout.packing.loads;
  const std::size_t max_rounds = 4 * slice_items.size() + 100;
  for (std::size_t round = 0; round < max_rounds; ++round) {
    const std::size_t heavy = heaviest_bin(loads);
    if (loads[heavy] <= context.good_enough) return;
    ShiftSearch search(context, layout, heavy);
    for (const std::size_t item : slice_items) {
      const auto bin = static_cast<std::size_t>(layout.packing.bin_of[item]);
      if (bin == heavy) search.add_shifts_of(item);
    }
    const Shift* pick = search.pick();
    if (!pick) return;
    apply_shift(context, layout, *pick);
  }
}

// The improvement pass, then cut shifting, then the improvement pass again.
void polish(const PlanContext& context, Layout& layout) {
  improve(layout.packing, layout.items, context.good_enough);
  if (layout.slices == 0) return;
  shift_cuts(context, layout);
  improve(layout.packing, layout.items, context.good_enough);
}

// Cuts every file heavier than `target` so that each slice fits it, packs, and improves.
Layout layout_for_target(const PlanContext& context, double target) {
  const Workload& work = context.work;
  const PlanOptions& options = context.options;
  Layout layout;
  layout.cuts.resize(work.files.size());
  const auto shards = static_cast<std::size_t>(options.shards);
  for (std::size_t f = 0; f < work.files.size(); ++f) {
    const FileWork& file = work.files[f];
    const double overhead = context.overheads[f];
    if (!sliceable(file) || file.seconds + overhead <= target) continue;
    const FileCutter& cutter = context.cutter(f);
    auto cut = cutter.within(std::max(0.0, target - overhead));
    if (cut.size() > shards) cut = cutter.into(shards);
    if (cut.size() >= 2) layout.cuts[f] = std::move(cut);
  }
  ensure_enough_pieces(context, layout.cuts);
  build_items(work, context.overheads, layout);
  layout.packing = pack_lpt(layout.items, options.shards, placement_order(context, layout));
  polish(context, layout);
  return layout;
}

Layout whole_file_layout(const PlanContext& context) {
  Layout layout;
  layout.cuts.resize(context.work.files.size());
  build_items(context.work, context.overheads, layout);
  layout.packing = pack_lpt(layout.items, context.options.shards, placement_order(context, layout));
  improve(layout.packing, layout.items, context.good_enough);
  return layout;
}

// Bin loads for the fill layouts: the lightest (roomiest) bin first, then the lowest index. A
// binary min-heap of bins with each bin's position, so a bin's load changes in place.
class FillBins {
 public:
  explicit FillBins(std::size_t count)
      : loads_(count, 0), members_(count, 0), heap_(count), position_(count) {
    for (std::size_t b = 0; b < count; ++b) heap_[b] = position_[b] = b;  // all 0: index order
  }
  double load(std::size_t bin) const { return loads_[bin]; }
  std::size_t lightest() const { return heap_.front(); }
  void add(std::size_t bin, double seconds) {
    loads_[bin] += seconds;
    ++members_[bin];
    sift_up(position_[bin]);
    sift_down(position_[bin]);
  }
  // The lightest bin not in `used` (the bins that already hold a slice of the file at hand);
  // kNoBin when every bin is used. Visits heap nodes lightest first, from the root down, until
  // one is not used: at most a few more nodes than `used` holds.
  std::size_t lightest_without(const std::vector<int>& used) const {
    const auto is_used = [&](std::size_t bin) {
      return std::find(used.begin(), used.end(), static_cast<int>(bin)) != used.end();
    };
    if (heap_.empty()) return kNoBin;
    if (!is_used(heap_.front())) return heap_.front();
    const auto after = [&](std::size_t a, std::size_t b) { return lighter(heap_[b], heap_[a]); };
    std::vector<std::size_t> frontier{0};  // heap positions, as a min-heap on their bins
    while (!frontier.empty()) {
      std::pop_heap(frontier.begin(), frontier.end(), after);
      const std::size_t at = frontier.back();
      frontier.pop_back();
      if (!is_used(heap_[at])) return heap_[at];
      for (const std::size_t child : {2 * at + 1, 2 * at + 2}) {
        if (child >= heap_.size()) continue;
        frontier.push_back(child);
        std::push_heap(frontier.begin(), frontier.end(), after);
      }
    }
    return kNoBin;
  }
  bool none_empty() const {
    return std::find(members_.begin(), members_.end(), 0u) == members_.end();
  }

 private:
  bool lighter(std::size_t a, std::size_t b) const {
    return loads_[a] != loads_[b] ? loads_[a] < loads_[b] : a < b;
  }
  void swap_at(std::size_t i, std::size_t j) {
    std::swap(heap_[i], heap_[j]);
    position_[heap_[i]] = i;
    position_[heap_[j]] = j;
  }
  void sift_up(std::size_t at) {
    while (at > 0 && lighter(heap_[at], heap_[(at - 1) / 2])) {
      swap_at(at, (at - 1) / 2);
      at = (at - 1) / 2;
    }
  }
  void sift_down(std::size_t at) {
    for (;;) {
      const std::size_t left = 2 * at + 1;
      if (left >= heap_.size()) return;
      const std::size_t right = left + 1;
      const std::size_t least =
          right < heap_.size() && lighter(heap_[right], heap_[left]) ? right : left;
      if (!lighter(heap_[least], heap_[at])) return;
      swap_at(least, at);
      at = least;
    }
  }

  std::vector<double> loads_;
  std::vector<std::size_t> members_;
  std::vector<std::size_t> heap_;      // bins
  std::vector<std::size_t> position_;  // per bin, its index in heap_
};

// Items, packing and polish for a fill layout whose cuts (in file order) and bins are chosen.
Layout finish_fill(const PlanContext& context, Layout layout, const std::vector<int>& file_bin,
                   const std::vector<std::vector<int>>& slice_bins) {
  build_items(context.work, context.overheads, layout);
  layout.packing.bin_of.resize(layout.items.size());
  layout.packing.loads.assign(static_cast<std::size_t>(context.options.shards), 0);
  for (std::size_t item = 0; item < layout.items.size(); ++item) {
    const auto [f, s] = layout.origin[item];
    const int bin = s == kWholeFile ? file_bin[f] : slice_bins[f][s];
    layout.packing.bin_of[item] = bin;
    layout.packing.loads[static_cast<std::size_t>(bin)] += layout.items[item].weight;
  }
  polish(context, layout);
  return layout;
}

// The ways to fill the bins' remaining room with slices (wrap-around), tried in this order.
enum class FillStrategy {
  // fill_layout: every whole file (heaviest first) before any material (coarsest first).
  whole_files_first,
  // fill_layout: whole files (by weight) and material (by heaviest test) in one order.
  coarse_first,
  // anchored_fill_layout: big tests placed first; adjacent ones share a slice while it fits.
  anchors_joined,
  // anchored_fill_layout: big tests placed first, each a slice of its own.
  anchors_apart,
};
constexpr FillStrategy kFillStrategies[] = {
    FillStrategy::whole_files_first, FillStrategy::coarse_first, FillStrategy::anchors_joined,
    FillStrategy::anchors_apart};

// Which files a fill at some target cuts (material) and how coarse each file is: a material
// file's heaviest test, another file's whole weight.
struct FillMaterial {
  std::vector<char> is_material;
  std::vector<double> grain;
  bool any() const {
    return std::find(is_material.begin(), is_material.end(), 1) != is_material.end();
  }
};

// Material: the sliceable files heavier than `target`.
FillMaterial fill_material(const PlanContext& context, double target) {
  const Workload& work = context.work;
  FillMaterial material{std::vector<char>(work.files.size(), 0),
                        std::vector<double>(work.files.size(), 0)};
  for (std::size_t f = 0; f < work.files.size(); ++f) {
    material.is_material[f] = sliceable(work.files[f]) && context.file_weight(f) > target;
    material.grain[f] = context.file_weight(f);
    if (material.is_material[f]) material.grain[f] = context.heaviest_test[f];
  }
  return material;
}

// The order in which fill_layout places files: coarse before fine (then heavier, then file
// order), whole files before any material under whole_files_first.
std::vector<std::size_t> fill_order(const PlanContext& context, const FillMaterial& material,
                                    FillStrategy strategy) {
  const bool whole_first = strategy == FillStrategy::whole_files_first;
  const auto& is_material = material.is_material;
  const auto& grain = material.grain;
  const auto weight = [&](std::size_t f) { return context.file_weight(f); };
  const auto before = [&](std::size_t a, std::size_t b) {
    if (whole_first && is_material[a] != is_material[b]) return is_material[b] != 0;
    if (grain[a] != grain[b]) return grain[a] > grain[b];
    return weight(a) != weight(b) ? weight(a) > weight(b) : a < b;
  };
  // A whole file's grain is its weight, so the whole files keep the presorted order; only the
  // material is sorted, then merged in.
  std::vector<std::size_t> whole, cut;
  whole.reserve(context.work.files.size());
  for (const std::size_t f : context.by_weight) (is_material[f] ? cut : whole).push_back(f);
  std::sort(cut.begin(), cut.end(), before);
  std::vector<std::size_t> order(whole.size() + cut.size());
  std::merge(whole.begin(), whole.end(), cut.begin(), cut.end(), order.begin(), before);
  return order;
}

// Cuts material file `f` into slices, each filling the roomiest bin without a slice of the
// file up to `target`. The last bin the file may use takes the rest; a test that fits in no
// bin goes alone to the roomiest one. Appends the slices to `cut` and their bins to `cut_bins`.
void wrap_file(const PlanContext& context, std::size_t f, double target, FillBins& bins,
               std::vector<SliceRange>& cut, std::vector<int>& cut_bins) {
  const FileCutter& cutter = context.cutter(f);
  const double overhead = context.overheads[f];
  const double allowance = kCoarseCutAllowance * target;
  const auto shards = static_cast<std::size_t>(context.options.shards);
  const std::size_t count = context.work.files[f].tests.size();
  for (std::size_t begin = 0; begin < count;) {
    const std::size_t b = bins.lightest_without(cut_bins);
    SliceRange slice = cutter.fill(begin, target - bins.load(b) - overhead, allowance);
    if (cut_bins.size() + 1 == shards) {
      slice = cutter.range(begin, count);
    } else if (slice.end == begin) {
      slice = cutter.range(begin, begin + 1);
    }
    cut.push_back(slice);
    cut_bins.push_back(static_cast<int>(b));
    bins.add(b, slice.seconds + overhead);
    begin = slice.end;
  }
}

// McNaughton's wrap-around rule at test granularity. Sliceable files heavier than `target` are
// material: cut into slices that fill the bins' remaining room up to `target`, the roomiest bin
// first, never two slices of one file in a bin; what fits nowhere goes alone to the roomiest
// bin (the layout then misses `target`). The other files are placed whole, each in the lightest
// bin. Coarse before fine, as LPT places big items first: material by its heaviest test, so a
// big test still finds an empty enough bin and fine-grained files fill the gaps. `strategy` is
// whole_files_first or coarse_first (see fill_order). Empty when no file needs cutting or a bin
// would stay empty.
std::optional<Layout> fill_layout(const PlanContext& context, double target,
                                  FillStrategy strategy) {
  const Workload& work = context.work;
  const FillMaterial material = fill_material(context, target);
  if (!material.any()) return std::nullopt;
  FillBins bins(static_cast<std::size_t>(context.options.shards));
  Layout layout;
  layout.cuts.resize(work.files.size());
  std::vector<int> file_bin(work.files.size(), -1);
  std::vector<std::vector<int>> slice_bins(work.files.size());
  for (const std::size_t f : fill_order(context, material, strategy)) {
    if (!material.is_material[f]) {
      const std::size_t b = bins.lightest();
      bins.add(b, context.file_weight(f));
      file_bin[f] = static_cast<int>(b);
      continue;
    }
    wrap_file(context, f, target, bins, layout.cuts[f], slice_bins[f]);
    if (layout.cuts[f].size() == 1) {  // it fitted whole after all
      layout.cuts[f].clear();
      file_bin[f] = slice_bins[f].front();
    }
  }
  if (!bins.none_empty()) return std::nullopt;
  return finish_fill(context, std::move(layout), file_bin, slice_bins);
}

// The smallest test an anchored fill at `target` treats as an anchor (a big test).
double anchor_min(double target) {
  return target / 4;
}

// What the anchored fill places before the sand: a whole file or a run of adjacent anchors.
struct AnchorPiece {
  double weight = 0;
  std::size_t file = 0;
  SliceRange range;  // the anchors' tests; end == 0 for a whole file
  bool whole() const { return range.end == 0; }
};

// The anchored fill's view of the files: the pieces it places first, heaviest first; per file,
// the runs of small tests (sand) between the anchors; the files cut into anchors and sand.
struct AnchorSplit {
  std::vector<AnchorPiece> pieces;
  std::vector<std::vector<SliceRange>> sand;
  std::vector<std::size_t> material;
};

// Splits material file `f` into runs of anchors (pieces) and runs of sand. Each anchor starts a
// new run unless `join_anchors` and the run with it still fits `target`.
void split_at_anchors(const PlanContext& context, std::size_t f, double target, bool join_anchors,
                      AnchorSplit& split) {
  const FileWork& file = context.work.files[f];
  const double overhead = context.overheads[f];
  SliceRange run{0, 0, 0};  // the current run, anchors or sand
  bool anchors = false;
  const auto flush = [&] {
    if (run.end == run.begin) return;
    if (anchors)
      split.pieces.push_back({run.seconds + overhead, f, run});
    else
      split.sand[f].push_back(run);
  };
  for (std::size_t t = 0; t < file.tests.size(); ++t) {
    const double seconds = file.tests[t].seconds;
    const bool anchor = seconds >= anchor_min(target);
    const bool join = join_anchors && run.seconds + seconds + overhead <= target;
    if (anchor != anchors || (anchor && !join && run.end > run.begin)) {
      flush();
      run = {t, t, 0};
      anchors = anchor;
    }
    run.end = t + 1;
    run.seconds += seconds;
  }
  flush();
}

// Material: the sliceable files heavier than a quarter of `target`. Pieces are sorted only
// when there is material (otherwise the fill gives up anyway).
AnchorSplit split_for_anchored_fill(const PlanContext& context, double target, bool join_anchors) {
  const Workload& work = context.work;
  AnchorSplit split;
  split.sand.resize(work.files.size());
  const auto is_material = [&](std::size_t f) {
    return sliceable(work.files[f]) && context.file_weight(f) > anchor_min(target);
  };
  for (std::size_t f = 0; f < work.files.size(); ++f) {
    if (!is_material(f)) continue;
    split.material.push_back(f);
    split_at_anchors(context, f, target, join_anchors, split);
  }
  if (split.material.empty()) return split;
  const auto heavier = [](const AnchorPiece& a, const AnchorPiece& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.file != b.file ? a.file < b.file : a.range.begin < b.range.begin;
  };
  std::sort(split.pieces.begin(), split.pieces.end(), heavier);
  // The whole files, in the presorted order (whole pieces start at test 0), merged in.
  std::vector<AnchorPiece> whole;
  whole.reserve(work.files.size());
  for (const std::size_t f : context.by_weight) {
    if (!is_material(f)) whole.push_back({context.file_weight(f), f, {}});
  }
  std::vector<AnchorPiece> pieces(whole.size() + split.pieces.size());
  std::merge(whole.begin(), whole.end(), split.pieces.begin(), split.pieces.end(), pieces.begin(),
             heavier);
  split.pieces = std::move(pieces);
  return split;
}

// The anchored fill's bins and what it has placed in them.
struct AnchoredFill {
  AnchoredFill(std::size_t files, std::size_t shards)
      : bins(shards), file_bin(files, -1), placed(files), used(files) {}
  // Places a slice of file `f` in bin `b`.
  void place(const PlanContext& context, std::size_t f, const SliceRange& range, std::size_t b) {
    placed[f].emplace_back(range, static_cast<int>(b));
    used[f].push_back(static_cast<int>(b));
    bins.add(b, range.seconds + context.overheads[f]);
  }

  FillBins bins;
  std::vector<int> file_bin;                                    // per whole file
  std::vector<std::vector<std::pair<SliceRange, int>>> placed;  // per file: slice, bin
  std::vector<std::vector<int>> used;                           // per file: bins of its slices
};

// Each piece, heaviest first, in the lightest bin that holds nothing of its file. False when a
// run of anchors finds no such bin.
bool place_pieces(const PlanContext& context, const std::vector<AnchorPiece>& pieces,
                  AnchoredFill& fill) {
  for (const AnchorPiece& piece : pieces) {
    const std::size_t b =
        piece.whole() ? fill.bins.lightest() : fill.bins.lightest_without(fill.used[piece.file]);
    if (b == kNoBin) return false;
    if (piece.whole()) {
      fill.file_bin[piece.file] = static_cast<int>(b);
      fill.bins.add(b, piece.weight);
    } else {
      fill.place(context, piece.file, piece.range, b);
    }
  }
  return true;
}

// The sand, run by run, in slices that fill the roomiest bin without a slice of its file up to
// `target`. False when a file runs out of bins.
bool place_sand(const PlanContext& context, const AnchorSplit& split, double target,
                AnchoredFill& fill) {
  const double allowance = kCoarseCutAllowance * target;
  for (const std::size_t f : split.material) {
    const FileCutter& cutter = context.cutter(f);
    const double overhead = context.overheads[f];
    for (const SliceRange& run : split.sand[f]) {
      for (std::size_t begin = run.begin; begin < run.end;) {
        const std::size_t b = fill.bins.lightest_without(fill.used[f]);
        if (b == kNoBin) return false;
        const SliceRange fitted =
            cutter.fill(begin, target - fill.bins.load(b) - overhead, allowance);
        // At least one test; never into the anchors after the run (they are placed).
        const SliceRange slice = cutter.range(begin, std::clamp(fitted.end, begin + 1, run.end));
        fill.place(context, f, slice, b);
        begin = slice.end;
      }
    }
  }
  return true;
}

// The cuts, in file order, of what the anchored fill placed; a file placed as one slice is whole.
Layout finish_anchored_fill(const PlanContext& context, const std::vector<std::size_t>& material,
                            AnchoredFill& fill) {
  Layout layout;
  layout.cuts.resize(context.work.files.size());
  std::vector<std::vector<int>> slice_bins(context.work.files.size());
  for (const std::size_t f : material) {
    auto& list = fill.placed[f];
    std::sort(list.begin(), list.end(),
              [](const auto& a, const auto& b) { return a.first.begin < b.first.begin; });
    if (list.size() == 1) {
      fill.file_bin[f] = list.front().second;
      continue;
    }
    for (const auto& [range, bin] : list) {
      layout.cuts[f].push_back(range);
      slice_bins[f].push_back(bin);
    }
  }
  return finish_fill(context, std::move(layout), fill.file_bin, slice_bins);
}

// The fill rule with big tests placed first. In every sliceable file heavier than a quarter of
// `target`, the tests of at least a quarter of `target` are anchors: each run of adjacent
// anchors (under anchors_joined; split where it would not fit `target`) or each anchor alone
// (under anchors_apart) becomes a slice, placed with the whole files, heaviest first, each in
// the lightest bin that holds nothing of its file. The runs of small tests between anchors
// then fill the remaining room as in fill_layout. Suited to suites where a few big tests, some
// of them side by side in one file, decide the makespan. Empty when no file is that heavy, a
// file would need more slices than bins, or a bin would stay empty.
std::optional<Layout> anchored_fill_layout(const PlanContext& context, double target,
                                           FillStrategy strategy) {
  const AnchorSplit split =
      split_for_anchored_fill(context, target, strategy == FillStrategy::anchors_joined);
  if (split.material.empty()) return std::nullopt;
  AnchoredFill fill(context.work.files.size(), static_cast<std::size_t>(context.options.shards));
  if (!place_pieces(context, split.pieces, fill)) return std::nullopt;
  if (!place_sand(context, split, target, fill)) return std::nullopt;
  if (!fill.bins.none_empty()) return std::nullopt;
  return finish_anchored_fill(context, split.material, fill);
}

std::optional<Layout> fill_layout_with(const PlanContext& context, FillStrategy strategy,
                                       double target) {
  switch (strategy) {
    case FillStrategy::whole_files_first:
    case FillStrategy::coarse_first:
      return fill_layout(context, target, strategy);
    case FillStrategy::anchors_joined:
    case FillStrategy::anchors_apart:
      return anchored_fill_layout(context, target, strategy);
  }
  return std::nullopt;
}

double total_work(const Workload& work, const std::vector<double>& overheads) {
  double total = 0;
  for (std::size_t f = 0; f < work.files.size(); ++f) total += work.files[f].seconds + overheads[f];
  return total;
}

// The heaviest piece no cut can divide: a single test plus its file overhead, or a whole file
// that cannot (or may not) be sliced.
double heaviest_piece(const Workload& work, const std::vector<double>& overheads,
                      bool allow_slicing) {
  double heaviest = 0;
  for (std::size_t f = 0; f < work.files.size(); ++f) {
    const FileWork& file = work.files[f];
    const double overhead = overheads[f];
    double piece = file.seconds + overhead;
    if (allow_slicing && sliceable(file)) {
      piece = overhead;
      for (const TestTiming& test : file.tests) piece = std::max(piece, test.seconds + overhead);
    }
    heaviest = std::max(heaviest, piece);
  }
  return heaviest;
}

// Without the per-shard overhead, which every shard pays alike.
double lower_bound(const Workload& work, const PlanOptions& options,
                   const std::vector<double>& overheads) {
  return std::max(total_work(work, overheads) / options.shards,
                  heaviest_piece(work, overheads, options.allow_slicing));
}

// A layout with more slices must be clearly faster: every slice re-imports its file. Between
// equally fast layouts, the one with fewer slices.
bool better_layout(const Layout& a, const Layout& b) {
  const double ma = a.packing.makespan(), mb = b.packing.makespan();
  if (a.slices > b.slices) return ma < mb * (1 - kSliceMustWin);
  return ma < mb * (1 + kFloatSlack) && (ma < mb * (1 - kFloatSlack) || a.slices < b.slices);
}

void keep_better(Layout& best, Layout&& candidate, int shards) {
  if (candidate.items.size() >= static_cast<std::size_t>(shards) &&
      better_layout(candidate, best)) {
    best = std::move(candidate);
  }
}

// Whether `layout` meets the makespan `target` it was built for.
bool reaches(const Layout& layout, double target) {
  return layout.packing.makespan() <= target * (1 + kFloatSlack);
}

// A bisection on a makespan target goes on for a bounded number of steps, while its interval
// is wider than the resolution and the best layout is not yet good enough.
bool keep_bisecting(const PlanContext& context, const Layout& best, int step, double low,
                    double high) {
  return step < kBisectionSteps && high - low > kTargetResolution * high &&
         best.packing.makespan() > context.good_enough;
}

// Bisection on the cut target between the lower bound and the whole-file makespan, then a
// few targets below the bound: cutting finer than the bound can let the pieces pack tighter.
Layout best_cut_layout(const PlanContext& context, double low, double high) {
  const int shards = context.options.shards;
  Layout best = layout_for_target(context, high);
  for (int step = 0; keep_bisecting(context, best, step, low, high); ++step) {
    const double target = low + (high - low) / 2;
    Layout candidate = layout_for_target(context, target);
    const bool reached = reaches(candidate, target);
    keep_better(best, std::move(candidate), shards);
    (reached ? high : low) = target;
  }
  const double bound = low;
  for (const double factor : {0.85, 0.7, 0.55, 0.4}) {
    keep_better(best, layout_for_target(context, bound * factor), shards);
  }
  return best;
}

// Bisection on the fill target between the lower bound and the best makespan so far.
void bisect_fill_target(const PlanContext& context, FillStrategy strategy, Layout& best) {
  double low = context.bound, high = best.packing.makespan();
  for (int step = 0; keep_bisecting(context, best, step, low, high); ++step) {
    const double target = low + (high - low) / 2;
    std::optional<Layout> candidate = fill_layout_with(context, strategy, target);
    const bool reached = candidate && reaches(*candidate, target);
    if (candidate) keep_better(best, std::move(*candidate), context.options.shards);
    (reached ? high : low) = target;
  }
}

// The largest min(seconds) over two adjacent tests of one file.
double largest_adjacent_pair(const Workload& work) {
  double largest = 0;
  for (const FileWork& file : work.files) {
    for (std::size_t t = 1; t < file.tests.size(); ++t) {
      largest = std::max(largest, std::min(file.tests[t - 1].seconds, file.tests[t].seconds));
    }
  }
  return largest;
}

// The best cut layout, then each fill strategy in turn, bisecting on its fill target. Keeping
// adjacent anchors apart only differs from joining them when two adjacent tests can both be
// anchors at a target no lower than the bound.
Layout best_sliced_layout(const PlanContext& context, double low, double high) {
  Layout best = best_cut_layout(context, low, high);
  const bool anchors_never_adjacent =
      largest_adjacent_pair(context.work) < anchor_min(context.bound);
  for (const FillStrategy strategy : kFillStrategies) {
    if (strategy == FillStrategy::anchors_apart && anchors_never_adjacent) continue;
    bisect_fill_target(context, strategy, best);
  }
  return best;
}

std::string inputs_digest(const Workload& work, const PlanOptions& options) {
  WordHash64 hash;
  hash.add(fmt::format("v{} n{} s{} e{}\n", kPlanFormatVersion, options.shards,
                       options.allow_slicing, work.estimated))
      .add(options.file_overhead)
      .add(options.shard_overhead);
  for (const auto& [path, seconds] : options.file_overheads) hash.add(path).add(seconds);
  const PlanScope& scope = options.scope;
  hash.add(scope.source)
      .add("\n")
      .add(scope.config)
      .add("\n")
      .add(scope.root_from_config)
      .add("\n");
  for (const auto* list : {&scope.paths, &scope.include, &scope.exclude}) {
    for (const std::string& entry : *list) hash.add(entry).add("\n");
    hash.add("\x1f");
  }
  for (const FileWork& file : work.files) {
    hash.add(file.path).add(file.seconds);
    for (const TestTiming& test : file.tests) hash.add(test.id).add(test.seconds);
  }
  return word_digest_hex(hash.value());
}

Slice make_slice(const FileWork& file, const std::vector<SliceRange>& cut, std::size_t s,
                 double overhead) {
  Slice slice{file.path, static_cast<int>(s + 1),   static_cast<int>(cut.size()),
              s == 0,    cut[s].seconds + overhead, {}};
  for (std::size_t t = cut[s].begin; t < cut[s].end; ++t) slice.tests.push_back(file.tests[t].id);
  return slice;
}

Plan assemble_plan(const PlanContext& context, const Layout& layout) {
  const Workload& work = context.work;
  const PlanOptions& options = context.options;
  Plan plan;
  plan.shard_count = options.shards;
  plan.file_overhead = options.file_overhead;
  plan.shard_overhead = options.shard_overhead;
  plan.estimated = work.estimated;
  plan.stats = work.stats;
  plan.scope = options.scope;
  plan.lower_bound = options.shard_overhead + lower_bound(work, options, context.overheads);
  std::vector<std::string> universe;
  for (const FileWork& file : work.files) universe.push_back(file.path);
  plan.universe_digest = universe_digest(universe);
  plan.inputs_digest = inputs_digest(work, options);
  plan.shards.resize(static_cast<std::size_t>(options.shards));
  for (int i = 0; i < options.shards; ++i) {
    plan.shards[static_cast<std::size_t>(i)].index = i + 1;
    plan.shards[static_cast<std::size_t>(i)].predicted_seconds = options.shard_overhead;
  }
  // Items are in file order, so files and slices land in each shard already sorted.
  for (std::size_t item = 0; item < layout.items.size(); ++item) {
    Shard& shard = plan.shards[static_cast<std::size_t>(layout.packing.bin_of[item])];
    const auto [f, s] = layout.origin[item];
    const FileWork& file = work.files[f];
    if (s == kWholeFile) {
      shard.files.push_back(file.path);
      shard.predicted_seconds += file.seconds + context.overheads[f];
    } else {
      shard.slices.push_back(make_slice(file, layout.cuts[f], s, context.overheads[f]));
      shard.predicted_seconds += shard.slices.back().seconds;
    }
  }
  for (const Shard& shard : plan.shards)
    plan.makespan = std::max(plan.makespan, shard.predicted_seconds);
  return plan;
}

// The layout as a plan whose every shard holds durable work where the files allow it (see
// secure.h). Returns whether securing moved work, which may have raised the makespan.
std::pair<Plan, bool> assemble_secured(const PlanContext& context, const Layout& layout) {
  Plan plan = assemble_plan(context, layout);
  const std::vector<FileWork>& files = context.work.files;
  const auto file_at = [&](std::string_view path) {
    return static_cast<std::size_t>(
        std::lower_bound(files.begin(), files.end(), path,
                         [](const FileWork& f, std::string_view p) { return f.path < p; }) -
        files.begin());
  };
  const PieceWeights weights{
      [&](const std::string& path) { return context.file_weight(file_at(path)); },
      [&](const std::string& id) {
        const std::vector<TestTiming>& tests = files[file_at(file_of(id))].tests;
        return std::lower_bound(tests.begin(), tests.end(), id,
                                [](const TestTiming& t, const std::string& i) { return t.id < i; })
            ->seconds;
      },
      [&](const std::string& path) { return context.overheads[file_at(path)]; }};
  const Securing securing = secure_shards(plan, weights);
  return {std::move(plan), securing.moves > 0};
}

}  // namespace

std::size_t max_supported_shards(const Workload& work, bool allow_slicing) {
  std::size_t pieces = 0;
  for (const FileWork& file : work.files) {
    pieces += allow_slicing && sliceable(file) ? file.tests.size() : 1;
  }
  return pieces;
}

Result<Plan> make_plan(const Workload& work, const PlanOptions& options) {
  if (work.files.empty()) {
    return error_in("",
                    "no test files to plan: check --root, the pytest configuration, "
                    "--include/--exclude, or the file list");
  }
  const std::size_t supported = max_supported_shards(work, options.allow_slicing);
  if (static_cast<std::size_t>(options.shards) > supported) {
    return error_in("",
                    fmt::format("cannot fill {} shards: this suite supports at most {} ({}); ask "
                                "for --shards {} or fewer",
                                options.shards, supported,
                                options.allow_slicing ? "one per timed test, one per untimed file"
                                                      : "one per test file",
                                supported));
  }
  const bool files_suffice = work.files.size() >= static_cast<std::size_t>(options.shards);
  PlanContext context(work, options);
  const double bound = lower_bound(work, options, context.overheads);
  context.bound = bound;
  context.good_enough = bound * (1 + kNearBound);
  std::optional<Layout> chosen;
  if (files_suffice) chosen = whole_file_layout(context);
  // Slicing is tried only when the whole-file plan is more than 0.1% above the bound.
  if (options.allow_slicing && (!chosen || chosen->packing.makespan() > bound * (1 + kNearBound))) {
    double high = 0;
    for (std::size_t f = 0; f < work.files.size(); ++f) {
      high = std::max(high, work.files[f].seconds + context.overheads[f]);
    }
    if (chosen) high = std::min(high, chosen->packing.makespan());
    context.prepare_cutters();
    Layout sliced = best_sliced_layout(context, bound, std::max(high, bound));
    if (!chosen || sliced.packing.makespan() < chosen->packing.makespan() * (1 - kFloatSlack)) {
      auto [plan, moved] = assemble_secured(context, sliced);
      if (!moved || !chosen) return plan;
      // Securing moved work, so the sliced plan may have lost its lead: compare the plans.
      Plan whole = assemble_plan(context, *chosen);
      return plan.makespan < whole.makespan * (1 - kFloatSlack) ? plan : whole;
    }
  }
  return assemble_secured(context, *chosen).first;
}

namespace {

// Kuhn's augmenting paths: shards that need durable work on one side, sliced files on the
// other, an edge where the shard holds a slice of the file. Visiting shards and files in index
// and path order keeps the result deterministic.
class OwnerMatching {
 public:
  explicit OwnerMatching(const Plan& plan) {
    for (const Shard& shard : plan.shards) {
      std::vector<std::size_t> held;
      for (const Slice& slice : shard.slices) held.push_back(file_index(slice.file));
      files_of_.push_back(std::move(held));
    }
    owner_of_.assign(index_.size(), -1);
  }
  bool claim(int shard) {
    std::vector<bool> visited(index_.size(), false);
    return augment(shard, visited);
  }
  // The shard (0-based) that must own file `f`, or -1 when any slice may.
  int owner(const std::string& file) const { return owner_of_[index_.at(file)]; }

 private:
  std::size_t file_index(const std::string& file) {
    return index_.emplace(file, index_.size()).first->second;
  }
  bool augment(int shard, std::vector<bool>& visited) {
    for (const std::size_t f : files_of_[static_cast<std::size_t>(shard)]) {
      if (visited[f]) continue;
      visited[f] = true;
      if (owner_of_[f] < 0 || augment(owner_of_[f], visited)) {
        owner_of_[f] = shard;
        return true;
      }
    }
    return false;
  }
  std::map<std::string, std::size_t> index_;
  std::vector<std::vector<std::size_t>> files_of_;
  std::vector<int> owner_of_;
};

}  // namespace

std::vector<int> spread_owners(Plan& plan) {
  OwnerMatching matching(plan);
  std::vector<int> exposed;
  for (std::size_t s = 0; s < plan.shards.size(); ++s) {
    const Shard& shard = plan.shards[s];
    if (!shard.files.empty() || shard.slices.empty()) continue;
    if (!matching.claim(static_cast<int>(s))) exposed.push_back(shard.index);
  }
  // Files no needy shard claimed keep their owner where it is.
  std::map<std::string, int> current;
  for (std::size_t s = 0; s < plan.shards.size(); ++s) {
    for (const Slice& slice : plan.shards[s].slices) {
      if (slice.owner) current[slice.file] = static_cast<int>(s);
    }
  }
  for (std::size_t s = 0; s < plan.shards.size(); ++s) {
    for (Slice& slice : plan.shards[s].slices) {
      const int wanted = matching.owner(slice.file);
      slice.owner = static_cast<int>(s) == (wanted >= 0 ? wanted : current[slice.file]);
    }
  }
  return exposed;
}

double overhead_for(const PlanOptions& options, const std::string& path) {
  const auto it = options.file_overheads.find(path);
  return it == options.file_overheads.end() ? options.file_overhead : it->second;
}

}  // namespace shardplan
