#include "core/plan/planner.h"

#include <algorithm>
#include <functional>
#include <limits>
#include <optional>
#include <numeric>
#include <set>

#include <fmt/format.h>

#include "core/plan/pack.h"
#include "core/plan/slicing.h"
#include "core/plan/tolerances.h"

namespace shardplan {
namespace {

// One candidate layout: for each file, its cut into slices (empty: kept whole).
struct Layout {
  std::vector<std::vector<SliceRange>> cuts;
  std::vector<PackItem> items;
  std::vector<std::pair<std::size_t, std::size_t>> origin;  // item -> (file, slice or kWholeFile)
  Packing packing;
  std::size_t slices = 0;
};

// Layout::origin's slice index for an item that is a whole file.
constexpr std::size_t kWholeFile = std::numeric_limits<std::size_t>::max();
// FillBins::lightest_without when every bin already holds a slice of the file at hand.
constexpr std::size_t kNoBin = std::numeric_limits<std::size_t>::max();
// ensure_enough_pieces: no file can be cut into more pieces.
constexpr std::size_t kNoFile = std::numeric_limits<std::size_t>::max();

// Per-file overheads, looked up once per plan (index = position in the workload).
std::vector<double> overheads_of(const Workload& work, const PlanOptions& options) {
  std::vector<double> out;
  out.reserve(work.files.size());
  for (const FileWork& file : work.files) out.push_back(overhead_for(options, file.path));
  return out;
}

bool sliceable(const FileWork& file) { return !file.estimated && file.tests.size() >= 2; }

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
      layout.items.push_back({cut[s].seconds + overheads[f], layout.items.size(),
                              static_cast<int>(f)});
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
  std::vector<std::optional<FileCutter>> cutters;
  double bound = 0;        // lower bound on the makespan (without the shard overhead)
  double good_enough = 0;  // improvement stops at this makespan (just above the lower bound)

  PlanContext(const Workload& w, const PlanOptions& o)
      : work(w), options(o), overheads(overheads_of(w, o)) {}
  void prepare_cutters() {
    for (const FileWork& file : work.files) {
      cutters.emplace_back();
      if (sliceable(file)) cutters.back().emplace(file.tests);
    }
  }
};

// Adds slices (to the files whose pieces are heaviest) until there are at least N items.
void ensure_enough_pieces(const PlanContext& context, std::vector<std::vector<SliceRange>>& cuts) {
  const Workload& work = context.work;
  const PlanOptions& options = context.options;
  std::size_t total = 0;
  std::vector<std::size_t> pieces(work.files.size());
  for (std::size_t f = 0; f < cuts.size(); ++f) total += pieces[f] = std::max<std::size_t>(1, cuts[f].size());
  const auto shards = static_cast<std::size_t>(options.shards);
  std::vector<bool> changed(work.files.size(), false);
  for (; total < shards; ++total) {
    std::size_t pick = kNoFile;
    double pick_weight = -1;
    for (std::size_t f = 0; f < work.files.size(); ++f) {
      if (!sliceable(work.files[f]) || pieces[f] >= work.files[f].tests.size()) continue;
      const double per_piece = work.files[f].seconds / static_cast<double>(pieces[f]);
      if (per_piece > pick_weight) pick = f, pick_weight = per_piece;
    }
    if (pick == kNoFile) return;
    ++pieces[pick];
    changed[pick] = true;
  }
  for (std::size_t f = 0; f < cuts.size(); ++f) {
    if (changed[f]) cuts[f] = context.cutters[f]->into(pieces[f]);
  }
}

// Moves tests across the cut between two adjacent slices of one file while that lowers the
// heaviest shard: the slices stay contiguous, cover the same tests and keep their shards, so
// the cuts follow the packing instead of only the packing following the cuts. Among shifts
// that come within 0.1% of the bound of the best one, the cut at the coarsest boundary wins.
void shift_cuts(const PlanContext& context, Layout& layout) {
  if (layout.slices == 0) return;
  const Workload& work = context.work;
  // build_items emits the slices of one file as consecutive items, so slice s's neighbours are
  // items item - 1 and item + 1.
  std::vector<std::size_t> slice_items;
  for (std::size_t item = 0; item < layout.items.size(); ++item) {
    if (layout.origin[item].second != kWholeFile) slice_items.push_back(item);
  }
  auto& loads = layout.packing.loads;
  auto& bin_of = layout.packing.bin_of;
  const double slack = kCoarseCutAllowance * context.bound;
  struct Shift {
    double top = 0;  // the larger of the two shards' loads afterwards
    int level = 0;
    std::size_t item = 0, other = 0;  // the heavy slice and its neighbour
    std::size_t cut = 0;              // new boundary between them (a test index)
  };
  const std::size_t max_rounds = 4 * slice_items.size() + 100;
  for (std::size_t round = 0; round < max_rounds; ++round) {
    const auto heavy = static_cast<std::size_t>(std::max_element(loads.begin(), loads.end()) - loads.begin());
    if (loads[heavy] <= context.good_enough) return;
    std::vector<Shift> shifts;
    double best_top = strictly_below(loads[heavy]);
    for (const std::size_t item : slice_items) {
      if (static_cast<std::size_t>(bin_of[item]) != heavy) continue;
      const auto [f, s] = layout.origin[item];
      const auto& cut = layout.cuts[f];
      const auto& tests = work.files[f].tests;
      const FileCutter& cutter = *context.cutters[f];
      const auto consider = [&](std::size_t other, std::size_t boundary, double moved) {
        const auto to = static_cast<std::size_t>(bin_of[other]);
        if (loads[to] + moved >= loads[heavy]) return false;
        const double top = std::max(loads[heavy] - moved, loads[to] + moved);
        if (top <= best_top + slack) {
          shifts.push_back({top, cutter.boundary_level(boundary), item, other, boundary});
          best_top = std::min(best_top, top);
        }
        return true;
      };
      if (s + 1 < cut.size()) {  // its last tests go to the next slice
        double moved = 0;
        for (std::size_t e = cut[s].end - 1; e > cut[s].begin; --e) {
          moved += tests[e].seconds;
          if (!consider(item + 1, e, moved)) break;
        }
      }
      if (s > 0) {  // its first tests go to the previous slice
        double moved = 0;
        for (std::size_t b = cut[s].begin + 1; b < cut[s].end; ++b) {
          moved += tests[b - 1].seconds;
          if (!consider(item - 1, b, moved)) break;
        }
      }
    }
    const Shift* pick = nullptr;
    for (const Shift& shift : shifts) {
      if (shift.top > best_top + slack) continue;
      if (!pick || shift.level < pick->level || (shift.level == pick->level && shift.top < pick->top)) {
        pick = &shift;
      }
    }
    if (!pick) return;
    const auto [f, s] = layout.origin[pick->item];
    auto& cut = layout.cuts[f];
    const std::size_t other_slice = layout.origin[pick->other].second;
    (other_slice > s ? cut[s].end : cut[s].begin) = pick->cut;
    (other_slice > s ? cut[other_slice].begin : cut[other_slice].end) = pick->cut;
    for (const std::size_t changed : {pick->item, pick->other}) {
      const std::size_t slice = layout.origin[changed].second;
      const auto bin = static_cast<std::size_t>(bin_of[changed]);
      loads[bin] -= layout.items[changed].weight;
      cut[slice] = context.cutters[f]->range(cut[slice].begin, cut[slice].end);
      layout.items[changed].weight = cut[slice].seconds + context.overheads[f];
      loads[bin] += layout.items[changed].weight;
    }
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
    const FileCutter& cutter = *context.cutters[f];
    auto cut = cutter.within(std::max(0.0, target - overhead));
    if (cut.size() > shards) cut = cutter.into(shards);
    if (cut.size() >= 2) layout.cuts[f] = std::move(cut);
  }
  ensure_enough_pieces(context, layout.cuts);
  build_items(work, context.overheads, layout);
  layout.packing = pack_lpt(layout.items, options.shards);
  polish(context, layout);
  return layout;
}

Layout whole_file_layout(const PlanContext& context) {
  Layout layout;
  layout.cuts.resize(context.work.files.size());
  build_items(context.work, context.overheads, layout);
  layout.packing = pack_lpt(layout.items, context.options.shards);
  improve(layout.packing, layout.items, context.good_enough);
  return layout;
}

// Bin loads for the fill layouts: the lightest (roomiest) bin first, then the lowest index.
class FillBins {
 public:
  explicit FillBins(std::size_t count) : loads_(count, 0), members_(count, 0) {
    for (std::size_t b = 0; b < count; ++b) by_load_.emplace(0.0, b);
  }
  double load(std::size_t bin) const { return loads_[bin]; }
  std::size_t lightest() const { return by_load_.begin()->second; }
  void add(std::size_t bin, double seconds) {
    by_load_.erase({loads_[bin], bin});
    loads_[bin] += seconds;
    ++members_[bin];
    by_load_.emplace(loads_[bin], bin);
  }
  // The lightest bin not in `used` (the bins that already hold a slice of the file at hand);
  // kNoBin when every bin is used.
  std::size_t lightest_without(const std::vector<int>& used) const {
    for (const auto& [load, bin] : by_load_) {
      if (std::find(used.begin(), used.end(), static_cast<int>(bin)) == used.end()) return bin;
    }
    return kNoBin;
  }
  bool none_empty() const { return std::find(members_.begin(), members_.end(), 0u) == members_.end(); }

 private:
  std::vector<double> loads_;
  std::vector<std::size_t> members_;
  std::set<std::pair<double, std::size_t>> by_load_;
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

// McNaughton's wrap-around rule at test granularity. Sliceable files heavier than `target` are
// material: cut into slices that fill the bins' remaining room up to `target`, the roomiest bin
// first, never two slices of one file in a bin; what fits nowhere goes alone to the roomiest
// bin (the layout then misses `target`). The other files are placed whole, each in the lightest
// bin. Coarse before fine, as LPT places big items first: material by its heaviest test, so a
// big test still finds an empty enough bin and fine-grained files fill the gaps. With
// `whole_first` every whole file is placed before any material; otherwise whole files (by
// weight) and material (by heaviest test) go in one order. Empty when no file needs cutting or
// a bin would stay empty.
std::optional<Layout> fill_layout(const PlanContext& context, double target, bool whole_first) {
  const Workload& work = context.work;
  const auto shards = static_cast<std::size_t>(context.options.shards);
  const auto weight = [&](std::size_t f) { return work.files[f].seconds + context.overheads[f]; };
  std::vector<double> grain(work.files.size(), 0);
  std::vector<char> is_material(work.files.size(), 0);
  for (std::size_t f = 0; f < work.files.size(); ++f) {
    is_material[f] = sliceable(work.files[f]) && weight(f) > target;
    grain[f] = weight(f);
    if (is_material[f]) {
      grain[f] = 0;
      for (const TestTiming& test : work.files[f].tests) grain[f] = std::max(grain[f], test.seconds);
    }
  }
  if (std::find(is_material.begin(), is_material.end(), 1) == is_material.end()) return std::nullopt;
  std::vector<std::size_t> order(work.files.size());
  std::iota(order.begin(), order.end(), 0);
  std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
    if (whole_first && is_material[a] != is_material[b]) return is_material[b] != 0;
    if (grain[a] != grain[b]) return grain[a] > grain[b];
    return weight(a) != weight(b) ? weight(a) > weight(b) : a < b;
  });

  FillBins bins(shards);
  Layout layout;
  layout.cuts.resize(work.files.size());
  std::vector<int> file_bin(work.files.size(), -1);
  std::vector<std::vector<int>> slice_bins(work.files.size());
  const double slack = kCoarseCutAllowance * target;
  for (const std::size_t f : order) {
    if (!is_material[f]) {
      const std::size_t b = bins.lightest();
      bins.add(b, weight(f));
      file_bin[f] = static_cast<int>(b);
      continue;
    }
    const FileCutter& cutter = *context.cutters[f];
    const double overhead = context.overheads[f];
    const std::size_t count = work.files[f].tests.size();
    for (std::size_t begin = 0; begin < count;) {
      const std::size_t b = bins.lightest_without(slice_bins[f]);
      SliceRange slice = cutter.fill(begin, target - bins.load(b) - overhead, slack);
      if (slice_bins[f].size() + 1 == shards) {
        slice = cutter.range(begin, count);  // the last bin it may use takes the rest
      } else if (slice.end == begin) {       // its next test fits nowhere: alone, then
        slice = cutter.range(begin, begin + 1);
      }
      layout.cuts[f].push_back(slice);
      slice_bins[f].push_back(static_cast<int>(b));
      bins.add(b, slice.seconds + overhead);
      begin = slice.end;
    }
    if (layout.cuts[f].size() == 1) {  // it fitted whole after all
      layout.cuts[f].clear();
      file_bin[f] = slice_bins[f].front();
    }
  }
  if (!bins.none_empty()) return std::nullopt;
  return finish_fill(context, std::move(layout), file_bin, slice_bins);
}

// The fill rule with big tests placed first. In every sliceable file heavier than a quarter of
// `target`, the tests of at least a quarter of `target` are anchors: each run of adjacent anchors (split where it would not
// fit `target`) becomes a slice, placed with the whole files, heaviest first, each in the
// lightest bin that holds nothing of its file. The runs of small tests between anchors then
// fill the remaining room as in fill_layout. Suited to suites where a few big tests, some of
// them side by side in one file, decide the makespan. Empty when no file is that heavy, a file
// would need more slices than bins, or a bin would stay empty.
std::optional<Layout> anchored_fill_layout(const PlanContext& context, double target,
                                           bool join_anchors) {
  const Workload& work = context.work;
  const auto shards = static_cast<std::size_t>(context.options.shards);
  const double anchor_min = target / 4;
  struct Piece {
    double weight = 0;
    std::size_t file = 0;
    SliceRange range;  // end == 0: the whole file
  };
  std::vector<Piece> pieces;
  std::vector<std::vector<SliceRange>> sand(work.files.size());
  std::vector<std::size_t> material;
  for (std::size_t f = 0; f < work.files.size(); ++f) {
    const FileWork& file = work.files[f];
    const double overhead = context.overheads[f];
    if (!sliceable(file) || file.seconds + overhead <= anchor_min) {
      pieces.push_back({file.seconds + overhead, f, {}});
      continue;
    }
    material.push_back(f);
    SliceRange run{0, 0, 0};  // the current run, anchors or sand
    bool anchors = false;
    const auto flush = [&] {
      if (run.end == run.begin) return;
      if (anchors) pieces.push_back({run.seconds + overhead, f, run});
      else sand[f].push_back(run);
    };
    for (std::size_t t = 0; t < file.tests.size(); ++t) {
      const double seconds = file.tests[t].seconds;
      const bool anchor = seconds >= anchor_min;
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
  if (material.empty()) return std::nullopt;
  std::sort(pieces.begin(), pieces.end(), [](const Piece& a, const Piece& b) {
    if (a.weight != b.weight) return a.weight > b.weight;
    return a.file != b.file ? a.file < b.file : a.range.begin < b.range.begin;
  });

  FillBins bins(shards);
  std::vector<int> file_bin(work.files.size(), -1);
  std::vector<std::vector<std::pair<SliceRange, int>>> placed(work.files.size());
  std::vector<std::vector<int>> used(work.files.size());
  const auto place = [&](std::size_t f, const SliceRange& range, std::size_t b) {
    placed[f].emplace_back(range, static_cast<int>(b));
    used[f].push_back(static_cast<int>(b));
    bins.add(b, range.seconds + context.overheads[f]);
  };
  for (const Piece& piece : pieces) {
    const bool whole = piece.range.end == 0;
    const std::size_t b = whole ? bins.lightest() : bins.lightest_without(used[piece.file]);
    if (b == kNoBin) return std::nullopt;
    if (whole) {
      file_bin[piece.file] = static_cast<int>(b);
      bins.add(b, piece.weight);
    } else {
      place(piece.file, piece.range, b);
    }
  }
  const double slack = kCoarseCutAllowance * target;
  for (const std::size_t f : material) {
    const FileCutter& cutter = *context.cutters[f];
    const double overhead = context.overheads[f];
    for (const SliceRange& run : sand[f]) {
      for (std::size_t begin = run.begin; begin < run.end;) {
        const std::size_t b = bins.lightest_without(used[f]);
        if (b == kNoBin) return std::nullopt;
        const SliceRange fitted = cutter.fill(begin, target - bins.load(b) - overhead, slack);
        // At least one test; never into the anchors after the run (they are placed).
        const SliceRange slice =
            cutter.range(begin, std::clamp(fitted.end, begin + 1, run.end));
        place(f, slice, b);
        begin = slice.end;
      }
    }
  }
  if (!bins.none_empty()) return std::nullopt;

  Layout layout;
  layout.cuts.resize(work.files.size());
  std::vector<std::vector<int>> slice_bins(work.files.size());
  for (const std::size_t f : material) {
    auto& list = placed[f];
    std::sort(list.begin(), list.end(), [](const auto& a, const auto& b) { return a.first.begin < b.first.begin; });
    if (list.size() == 1) {
      file_bin[f] = list.front().second;
      continue;
    }
    for (const auto& [range, bin] : list) {
      layout.cuts[f].push_back(range);
      slice_bins[f].push_back(bin);
    }
  }
  return finish_fill(context, std::move(layout), file_bin, slice_bins);
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

// A layout with more slices must be clearly faster (0.1%): every slice re-imports its file.
bool better_layout(const Layout& a, const Layout& b) {
  const double ma = a.packing.makespan(), mb = b.packing.makespan();
  if (a.slices > b.slices) return ma < mb * (1 - kSliceMustWin);
  return ma < mb * (1 + kFloatSlack) && (ma < mb * (1 - kFloatSlack) || a.slices < b.slices);
}

void keep_better(Layout& best, Layout&& candidate, int shards) {
  if (candidate.items.size() >= static_cast<std::size_t>(shards) && better_layout(candidate, best)) {
    best = std::move(candidate);
  }
}

// Bisection on the slice target between the lower bound and the whole-file makespan, then a
// few targets below the bound: cutting finer than the bound can let the pieces pack tighter.
Layout best_sliced_layout(const PlanContext& context, double low, double high) {
  const int shards = context.options.shards;
  Layout best = layout_for_target(context, high);
  for (int step = 0; step < 12 && high - low > kTargetResolution * high &&
                     best.packing.makespan() > context.good_enough;
       ++step) {
    const double target = low + (high - low) / 2;
    Layout candidate = layout_for_target(context, target);
    const bool reached = candidate.packing.makespan() <= target * (1 + kFloatSlack);
    keep_better(best, std::move(candidate), shards);
    (reached ? high : low) = target;
  }
  const double bound = low;
  for (const double factor : {0.85, 0.7, 0.55, 0.4}) {
    keep_better(best, layout_for_target(context, bound * factor), shards);
  }
  // Filling each bin's remaining room with slices (wrap-around), bisecting on the fill target:
  // in both orders (0, 1), then with big tests placed first, adjacent ones joined (2) or not
  // (3). Keeping adjacent anchors apart only differs when two adjacent tests can both be
  // anchors, i.e. the smaller of some adjacent pair reaches a quarter of the target.
  double adjacent_pair = 0;  // largest min(seconds) over adjacent tests of one file
  for (const FileWork& file : context.work.files) {
    for (std::size_t t = 1; t < file.tests.size(); ++t) {
      adjacent_pair = std::max(adjacent_pair, std::min(file.tests[t - 1].seconds, file.tests[t].seconds));
    }
  }
  for (const int order : {0, 1, 2, 3}) {
    double fill_low = context.bound, fill_high = best.packing.makespan();
    if (order == 3 && adjacent_pair < fill_low / 4) continue;
    for (int step = 0; step < 12 && fill_high - fill_low > kTargetResolution * fill_high &&
                       best.packing.makespan() > context.good_enough;
         ++step) {
      const double target = fill_low + (fill_high - fill_low) / 2;
      std::optional<Layout> candidate = order < 2 ? fill_layout(context, target, order == 0)
                                                  : anchored_fill_layout(context, target, order == 2);
      const bool reached = candidate && candidate->packing.makespan() <= target * (1 + kFloatSlack);
      if (candidate) keep_better(best, std::move(*candidate), shards);
      (reached ? fill_high : fill_low) = target;
    }
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
  hash.add(scope.source).add("\n").add(scope.config).add("\n").add(scope.root_from_config).add("\n");
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
  Slice slice{file.path, static_cast<int>(s + 1), static_cast<int>(cut.size()), s == 0,
              cut[s].seconds + overhead, {}};
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
  for (const Shard& shard : plan.shards) plan.makespan = std::max(plan.makespan, shard.predicted_seconds);
  spread_owners(plan);
  return plan;
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
    return error_in("", "no test files to plan: check --root, the pytest configuration, "
                        "--include/--exclude, or the file list");
  }
  const std::size_t supported = max_supported_shards(work, options.allow_slicing);
  if (static_cast<std::size_t>(options.shards) > supported) {
    return error_in("", fmt::format(
        "cannot fill {} shards: this suite supports at most {} ({}); ask for --shards {} or fewer",
        options.shards, supported,
        options.allow_slicing ? "one per timed test, one per untimed file" : "one per test file",
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
      chosen = std::move(sliced);
    }
  }
  return assemble_plan(context, *chosen);
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
