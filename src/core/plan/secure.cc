#include "core/plan/secure.h"

#include <algorithm>
#include <cstddef>
#include <iterator>
#include <tuple>

#include "core/plan/planner.h"
#include "core/plan/tolerances.h"

namespace shardplan {
namespace {

constexpr std::size_t kNone = static_cast<std::size_t>(-1);
// The best-balanced candidates usually work at once; the bound keeps a pathological plan from
// trying every pair of pieces.
constexpr std::size_t kTriesPerShard = 4096;

// One way to give the exposed shard `target` durable work, taken from `donor`:
//   a whole file of the donor moves over                       (file);
//   ... and one of the target's slices moves back               (file, slice);
//   ... and the last `tests` listed tests of the target's slice `slice` move to the donor's
//       slice `donor_slice` of the same file, or to a new slice of it (file, slice, tests);
//   one of the donor's slices moves over                        (donor_slice only).
struct Move {
  double busier = 0;  // the larger of the two shards' seconds after the move
  std::size_t donor = 0;
  std::size_t file = kNone;
  std::size_t slice = kNone;
  std::size_t donor_slice = kNone;
  std::size_t tests = 0;
  auto key() const { return std::tie(busier, donor, file, slice, donor_slice, tests); }
};

const Slice* slice_of(const Shard& shard, const std::string& file, std::size_t* at = nullptr) {
  for (std::size_t s = 0; s < shard.slices.size(); ++s) {
    if (shard.slices[s].file != file) continue;
    if (at) *at = s;
    return &shard.slices[s];
  }
  return nullptr;
}

void insert_sorted(std::vector<std::string>& files, std::string file) {
  files.insert(std::lower_bound(files.begin(), files.end(), file), std::move(file));
}

void insert_sorted(std::vector<Slice>& slices, Slice slice) {
  const auto before = [](const Slice& a, const Slice& b) {
    return std::tie(a.file, a.index) < std::tie(b.file, b.index);
  };
  slices.insert(std::lower_bound(slices.begin(), slices.end(), slice, before), std::move(slice));
}

double busier_after(const Shard& from, const Shard& to, double delta) {
  return std::max(from.predicted_seconds - delta, to.predicted_seconds + delta);
}

// The whole file `weight` moved into the target, paid back with the target slice's last tests
// (as many as come closest to `weight`, always leaving the slice at least one), which join the
// donor's slice of that file or, when it has none, a new slice that costs the file's overhead.
void add_test_paybacks(const Shard& from, const Shard& to, const Move& base, double weight,
                       const PieceWeights& weights, std::vector<Move>& moves) {
  for (std::size_t s = 0; s < to.slices.size(); ++s) {
    const Slice& mine = to.slices[s];
    std::size_t theirs = kNone;
    double paid = slice_of(from, mine.file, &theirs) ? 0 : -weights.overhead(mine.file);
    for (std::size_t k = 1; k < mine.tests.size(); ++k) {
      paid += weights.test(mine.tests[mine.tests.size() - k]);
      Move move = base;
      move.slice = s, move.donor_slice = theirs, move.tests = k;
      move.busier = busier_after(from, to, weight - paid);
      moves.push_back(move);
      if (paid >= weight) break;
    }
  }
}

std::vector<Move> candidates(const Plan& plan, std::size_t target, const PieceWeights& weights) {
  const Shard& to = plan.shards[target];
  std::vector<Move> moves;
  for (std::size_t d = 0; d < plan.shards.size(); ++d) {
    const Shard& from = plan.shards[d];
    if (d == target || from.files.size() + from.slices.size() < 2) continue;  // never empty a donor
    for (std::size_t f = 0; f < from.files.size(); ++f) {
      const double weight = weights.whole_file(from.files[f]);
      const Move base{busier_after(from, to, weight), d, f};
      moves.push_back(base);
      for (std::size_t s = 0; s < to.slices.size(); ++s) {
        if (slice_of(from, to.slices[s].file)) continue;
        Move swap = base;
        swap.slice = s;
        swap.busier = busier_after(from, to, weight - to.slices[s].seconds);
        moves.push_back(swap);
      }
      add_test_paybacks(from, to, base, weight, weights, moves);
    }
    for (std::size_t s = 0; s < from.slices.size(); ++s) {
      if (slice_of(to, from.slices[s].file)) continue;
      Move move{busier_after(from, to, from.slices[s].seconds), d};
      move.donor_slice = s;
      moves.push_back(move);
    }
  }
  std::sort(moves.begin(), moves.end(),
            [](const Move& a, const Move& b) { return a.key() < b.key(); });
  if (moves.size() > kTriesPerShard) moves.resize(kTriesPerShard);
  return moves;
}

Slice take_slice(Shard& shard, std::size_t s) {
  Slice slice = std::move(shard.slices[s]);
  shard.slices.erase(shard.slices.begin() + static_cast<std::ptrdiff_t>(s));
  shard.predicted_seconds -= slice.seconds;
  return slice;
}

void put_slice(Shard& shard, Slice slice) {
  shard.predicted_seconds += slice.seconds;
  insert_sorted(shard.slices, std::move(slice));
}

// Moves the tests [first, last) of the slice `s` of `giver` into `taker`: into its slice `into`
// of the same file (merged in order) or, when `into` is kNone, into a new slice of that file.
void move_tests(Plan& plan, Shard& giver, std::size_t s, std::size_t first, std::size_t last,
                Shard& taker, std::size_t into, const PieceWeights& weights) {
  Slice& from = giver.slices[s];
  const auto begin = from.tests.begin() + static_cast<std::ptrdiff_t>(first);
  const auto end = from.tests.begin() + static_cast<std::ptrdiff_t>(last);
  std::vector<std::string> moved(std::make_move_iterator(begin), std::make_move_iterator(end));
  from.tests.erase(begin, end);
  double seconds = 0;
  for (const std::string& id : moved) seconds += weights.test(id);
  from.seconds -= seconds, giver.predicted_seconds -= seconds;
  if (into == kNone) {
    const std::string file = from.file;
    const int count_after = from.count + 1;
    for (Shard& shard : plan.shards) {
      for (Slice& slice : shard.slices) {
        if (slice.file == file) slice.count = count_after;
      }
    }
    put_slice(taker, Slice{file, count_after, count_after, false, seconds + weights.overhead(file),
                           std::move(moved)});
    return;
  }
  Slice& to = taker.slices[into];
  std::vector<std::string> merged;
  std::merge(std::make_move_iterator(to.tests.begin()), std::make_move_iterator(to.tests.end()),
             std::make_move_iterator(moved.begin()), std::make_move_iterator(moved.end()),
             std::back_inserter(merged));
  to.tests = std::move(merged);
  to.seconds += seconds, taker.predicted_seconds += seconds;
}

// Moves the whole file `f` of `from` into `to`.
void move_whole_file(Shard& from, std::size_t f, Shard& to, const PieceWeights& weights) {
  std::string file = from.files[f];
  from.files.erase(from.files.begin() + static_cast<std::ptrdiff_t>(f));
  const double weight = weights.whole_file(file);
  from.predicted_seconds -= weight;
  to.predicted_seconds += weight;
  insert_sorted(to.files, std::move(file));
}

void apply(Plan& plan, std::size_t target, const Move& move, const PieceWeights& weights) {
  Shard& from = plan.shards[move.donor];
  Shard& to = plan.shards[target];
  if (move.file == kNone) {  // a slice of the donor moves over
    put_slice(to, take_slice(from, move.donor_slice));
    return;
  }
  move_whole_file(from, move.file, to, weights);
  if (move.tests > 0) {
    const std::size_t size = to.slices[move.slice].tests.size();
    move_tests(plan, to, move.slice, size - move.tests, size, from, move.donor_slice, weights);
  } else if (move.slice != kNone) {
    put_slice(from, take_slice(to, move.slice));
  }
}

// What a try may change in shards it does not move work between: every slice's owner flag
// (spread_owners rewrites them all) and slice count (a new slice renumbers its file's).
std::vector<std::vector<std::pair<bool, int>>> slice_marks(const Plan& plan) {
  std::vector<std::vector<std::pair<bool, int>>> marks;
  for (const Shard& shard : plan.shards) {
    marks.emplace_back();
    for (const Slice& slice : shard.slices) marks.back().emplace_back(slice.owner, slice.count);
  }
  return marks;
}

void restore_marks(Plan& plan, const std::vector<std::vector<std::pair<bool, int>>>& marks) {
  for (std::size_t s = 0; s < plan.shards.size(); ++s) {
    for (std::size_t k = 0; k < marks[s].size(); ++k) {
      std::tie(plan.shards[s].slices[k].owner, plan.shards[s].slices[k].count) = marks[s][k];
    }
  }
}

// Tries `candidates` in order until one is kept: `apply(candidate)` changes the plan, only in
// the two shards `shards_of(candidate)` names (and slice marks); `keep()` then says whether the
// result stays. A try that is not kept is undone. `stop(candidate)` ends the tries early.
template <class Candidate, class ShardsOf, class Apply, class Keep, class Stop>
bool keep_first(Plan& plan, const std::vector<Candidate>& candidates, ShardsOf shards_of,
                Apply apply_one, Keep keep, Stop stop) {
  const auto marks = slice_marks(plan);
  for (const Candidate& candidate : candidates) {
    if (stop(candidate)) break;
    const auto [a, b] = shards_of(candidate);
    const Shard saved_a = plan.shards[a], saved_b = plan.shards[b];
    apply_one(candidate);
    if (keep(candidate)) return true;
    plan.shards[a] = saved_a;
    plan.shards[b] = saved_b;
    restore_marks(plan, marks);
  }
  return false;
}

// Tries the candidates for `target`, best first, until one leaves fewer shards exposed.
bool secure_one(Plan& plan, std::size_t target, std::size_t exposed_now,
                const PieceWeights& weights) {
  return keep_first(
      plan, candidates(plan, target, weights),
      [&](const Move& move) {
        return std::pair{move.donor, target};
      },
      [&](const Move& move) { apply(plan, target, move, weights); },
      [&](const Move&) { return spread_owners(plan).size() < exposed_now; },
      [](const Move&) { return false; });
}

// One step of levelling: `piece` of the heaviest shard (a whole file when `slice` is kNone, a
// slice when `test` is kNone, else one listed test of a slice) moves to shard `to`.
struct Step {
  double heavier = 0;  // the larger of the two shards' seconds after the step
  std::size_t to = 0;
  std::size_t file = kNone;
  std::size_t slice = kNone;
  std::size_t test = kNone;
  auto key() const { return std::tie(heavier, to, file, slice, test); }
};

std::vector<Step> levelling_steps(const Plan& plan, std::size_t heavy,
                                  const PieceWeights& weights) {
  const Shard& from = plan.shards[heavy];
  std::vector<Step> steps;
  const auto consider = [&](double w, const std::string* file_of_slice, Step step) {
    for (std::size_t o = 0; o < plan.shards.size(); ++o) {
      const Shard& other = plan.shards[o];
      if (o == heavy) continue;
      const bool holds = file_of_slice && slice_of(other, *file_of_slice);
      if (step.slice != kNone && (step.test == kNone) == holds) continue;  // slices never share
      step.to = o;
      step.heavier = std::max(from.predicted_seconds - w, other.predicted_seconds + w);
      steps.push_back(step);
    }
  };
  if (from.files.size() + from.slices.size() >= 2) {
    for (std::size_t f = 0; f < from.files.size(); ++f)
      consider(weights.whole_file(from.files[f]), nullptr, {0, 0, f});
    for (std::size_t s = 0; s < from.slices.size(); ++s)
      consider(from.slices[s].seconds, &from.slices[s].file, {0, 0, kNone, s});
  }
  for (std::size_t s = 0; s < from.slices.size(); ++s) {
    if (from.slices[s].tests.size() < 2) continue;
    for (std::size_t t = 0; t < from.slices[s].tests.size(); ++t)
      consider(weights.test(from.slices[s].tests[t]), &from.slices[s].file, {0, 0, kNone, s, t});
  }
  std::sort(steps.begin(), steps.end(),
            [](const Step& a, const Step& b) { return a.key() < b.key(); });
  return steps;
}

void take_step(Plan& plan, std::size_t heavy, const Step& step, const PieceWeights& weights) {
  Shard& from = plan.shards[heavy];
  Shard& to = plan.shards[step.to];
  if (step.slice == kNone) {
    move_whole_file(from, step.file, to, weights);
  } else if (step.test == kNone) {
    put_slice(to, take_slice(from, step.slice));
  } else {
    std::size_t into = 0;
    slice_of(to, from.slices[step.slice].file, &into);
    move_tests(plan, from, step.slice, step.test, step.test + 1, to, into, weights);
  }
}

// The moves that secured shards were chosen one by one and can leave the heaviest shard above
// what the rest of the plan allows. Moves pieces out of the heaviest shard (a whole file, a
// slice, or one listed test into another shard's slice of the same file) while that lowers it
// and leaves no more shards exposed; never empties a shard or a slice.
void level(Plan& plan, std::size_t exposed_now, const PieceWeights& weights) {
  constexpr int kMaxSteps = 100000;
  constexpr std::size_t kTriesPerStep = 16;
  for (int round = 0; round < kMaxSteps; ++round) {
    const std::size_t heavy = static_cast<std::size_t>(
        std::max_element(plan.shards.begin(), plan.shards.end(),
                         [](const Shard& a, const Shard& b) {
                           return a.predicted_seconds < b.predicted_seconds;
                         }) -
        plan.shards.begin());
    const double limit = strictly_below(plan.shards[heavy].predicted_seconds);
    std::size_t tries = 0;
    const bool moved = keep_first(
        plan, levelling_steps(plan, heavy, weights),
        [&](const Step& candidate) {
          return std::pair{heavy, candidate.to};
        },
        [&](const Step& candidate) { take_step(plan, heavy, candidate, weights); },
        [&](const Step& candidate) {
          return candidate.test != kNone || spread_owners(plan).size() <= exposed_now;
        },
        [&](const Step& candidate) {
          return candidate.heavier >= limit || tries++ == kTriesPerStep;
        });
    if (!moved) return;
  }
}

}  // namespace

Securing secure_shards(Plan& plan, const PieceWeights& weights) {
  Securing result;
  result.exposed = spread_owners(plan);
  bool progress = true;
  while (progress && !result.exposed.empty()) {
    progress = false;
    for (const int shard : result.exposed) {
      if (secure_one(plan, static_cast<std::size_t>(shard - 1), result.exposed.size(), weights)) {
        ++result.moves;
        progress = true;
        break;
      }
    }
    result.exposed = spread_owners(plan);
  }
  if (result.moves > 0) {
    level(plan, result.exposed.size(), weights);
    plan.makespan = 0;
    for (const Shard& shard : plan.shards)
      plan.makespan = std::max(plan.makespan, shard.predicted_seconds);
  }
  return result;
}

}  // namespace shardplan
