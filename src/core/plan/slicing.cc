#include "core/plan/slicing.h"

#include <algorithm>
#include <iterator>
#include <string_view>

#include "core/plan/tolerances.h"

namespace shardplan {
namespace {

// Boundary levels, coarsest first: 0 = class (or a module-level test with its variants),
// 1 = one test with all its parametrized variants, 2 = a single test id.
constexpr int kLevels = 3;

std::string_view unit_key(std::string_view id, int level) {
  if (level == 2) return id;
  const std::string_view base = id.substr(0, id.find('['));  // '::' may appear inside params
  if (level == 1) return base;
  const auto first = base.find("::");
  const auto last = base.rfind("::");
  return first == last ? base : base.substr(0, last);  // file::Class for methods
}

std::vector<SliceRange> units_at(const std::vector<TestTiming>& tests, int level) {
  std::vector<SliceRange> units;
  for (std::size_t i = 0; i < tests.size(); ++i) {
    if (units.empty() || unit_key(tests[i].id, level) != unit_key(tests[i - 1].id, level)) {
      units.push_back({i, i, 0});
    }
    units.back().end = i + 1;
    units.back().seconds += tests[i].seconds;
  }
  return units;
}

// Consecutive units into parts of at most `cap` seconds (a larger unit stands alone).
std::vector<SliceRange> greedy(const std::vector<SliceRange>& units, double cap) {
  std::vector<SliceRange> parts;
  for (const SliceRange& unit : units) {
    if (!parts.empty() && parts.back().seconds + unit.seconds <= cap) {
      parts.back().end = unit.end;
      parts.back().seconds += unit.seconds;
    } else {
      parts.push_back(unit);
    }
  }
  return parts;
}

// Smallest cap for which greedy needs at most `count` parts.
double min_cap(const std::vector<SliceRange>& units, std::size_t count) {
  double lo = 0, hi = 0;
  for (const SliceRange& unit : units) {
    lo = std::max(lo, unit.seconds);
    hi += unit.seconds;
  }
  if (greedy(units, lo).size() <= count) return lo;
  for (int step = 0; step < 64 && hi - lo > kFloatSlack * std::max(1.0, hi); ++step) {
    const double mid = lo + (hi - lo) / 2;
    (greedy(units, mid).size() <= count ? hi : lo) = mid;
  }
  return hi;
}

// Splits the heaviest multi-test part in two until there are `count` parts.
void split_until(std::vector<SliceRange>& parts, const std::vector<TestTiming>& tests,
                 std::size_t count) {
  while (parts.size() < count) {
    auto widest = parts.end();
    for (auto it = parts.begin(); it != parts.end(); ++it) {
      if (it->end - it->begin < 2) continue;
      if (widest == parts.end() || it->seconds > widest->seconds) widest = it;
    }
    if (widest == parts.end()) return;
    SliceRange left{widest->begin, widest->begin + 1, tests[widest->begin].seconds};
    while (left.end + 1 < widest->end && left.seconds * 2 < widest->seconds) {
      left.seconds += tests[left.end++].seconds;
    }
    const SliceRange right{left.end, widest->end, widest->seconds - left.seconds};
    *widest = left;
    parts.insert(widest + 1, right);
  }
}

}  // namespace

FileCutter::FileCutter(const std::vector<TestTiming>& tests) : tests_(&tests) {
  for (int level = 0; level < kLevels; ++level) units_.push_back(units_at(tests, level));
  prefix_.reserve(tests.size() + 1);
  prefix_.push_back(0);
  for (const TestTiming& test : tests) prefix_.push_back(prefix_.back() + test.seconds);
  levels_.assign(tests.size() + 1, 0);
  for (std::size_t i = 1; i < tests.size(); ++i) {
    int level = 0;
    while (level < kLevels - 1 && unit_key(tests[i - 1].id, level) == unit_key(tests[i].id, level))
      ++level;
    levels_[i] = static_cast<unsigned char>(level);
  }
}

SliceRange FileCutter::fill(std::size_t begin, double capacity, double slack) const {
  const std::size_t count = tests_->size();
  if (begin >= count) return {begin, begin, 0};
  // Furthest end whose seconds fit: prefix_ is non-decreasing (durations are >= 0).
  const double limit = prefix_[begin] + capacity * (1 + kRoundingNoise);
  const auto past = std::upper_bound(prefix_.begin() + static_cast<std::ptrdiff_t>(begin) + 1,
                                     prefix_.end(), limit);
  const auto finest = static_cast<std::size_t>(past - prefix_.begin()) - 1;
  if (finest <= begin) return {begin, begin, 0};
  std::size_t end = finest;
  if (finest < count) {  // the file's end is the coarsest boundary of all
    const double wanted = prefix_[finest] - prefix_[begin] - slack;
    for (int level = 0; level < kLevels - 1; ++level) {
      const auto& units = units_[static_cast<std::size_t>(level)];
      // Last unit of this level ending at or before `finest`.
      const auto after =
          std::upper_bound(units.begin(), units.end(), finest,
                           [](std::size_t e, const SliceRange& u) { return e < u.end; });
      if (after == units.begin()) continue;
      const std::size_t boundary = std::prev(after)->end;
      if (boundary > begin && prefix_[boundary] - prefix_[begin] >= wanted) {
        end = boundary;
        break;
      }
    }
  }
  return range(begin, end);
}

SliceRange FileCutter::range(std::size_t begin, std::size_t end) const {
  SliceRange out{begin, end, 0};
  for (std::size_t t = begin; t < end; ++t) out.seconds += (*tests_)[t].seconds;
  return out;
}

static double heaviest(const std::vector<SliceRange>& parts) {
  double most = 0;
  for (const SliceRange& part : parts) most = std::max(most, part.seconds);
  return most;
}

std::vector<SliceRange> FileCutter::within(double capacity) const {
  auto finest = greedy(units_.back(), capacity);
  const double limit = std::max(capacity, heaviest(finest));  // a lone test may exceed it
  for (int level = 0; level < kLevels - 1; ++level) {
    auto parts = greedy(units_[level], capacity);
    if (parts.size() <= finest.size() && heaviest(parts) <= limit) return parts;
  }
  return finest;
}

std::vector<SliceRange> FileCutter::into(std::size_t count) const {
  count = std::min(count, tests_->size());
  if (const auto it = into_cache_.find(count); it != into_cache_.end()) return it->second;
  return into_cache_[count] = cut_into(count);
}

std::vector<SliceRange> FileCutter::cut_into(std::size_t count) const {
  const double best = min_cap(units_.back(), count);
  for (int level = 0; level < kLevels; ++level) {
    const auto& units = units_[level];
    if (units.size() < count && level < kLevels - 1) continue;
    const double cap = level < kLevels - 1 ? min_cap(units, count) : best;
    if (level < kLevels - 1 && cap > best * kCoarseIntoFactor + kFloatSlack) continue;
    auto parts = greedy(units, cap);
    split_until(parts, *tests_, count);
    return parts;
  }
  return {};
}

}  // namespace shardplan
