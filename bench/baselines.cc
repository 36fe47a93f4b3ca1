#include "baselines.h"

#include <algorithm>
#include <cmath>
#include <functional>
#include <numeric>
#include <queue>

namespace shardplan::bench {
namespace {

using Load = std::pair<double, int>;  // (sum, group): the smallest sum, then the lowest group
using MinHeap = std::priority_queue<Load, std::vector<Load>, std::greater<>>;

// Longest first onto the least loaded of `groups`; `weights[i]` of item i, `out[i]` its group.
void longest_first(const std::vector<double>& weights, const std::vector<int>& groups,
                   std::vector<int>& out) {
  std::vector<std::size_t> order(weights.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return weights[a] > weights[b]; });
  MinHeap heap;
  for (const int group : groups) heap.push({0.0, group});
  out.assign(weights.size(), -1);
  for (const std::size_t i : order) {
    auto [sum, group] = heap.top();
    heap.pop();
    out[i] = group;
    heap.push({sum + weights[i], group});
  }
}

std::vector<int> range(int begin, int end) {
  std::vector<int> groups(static_cast<std::size_t>(end - begin));
  std::iota(groups.begin(), groups.end(), begin);
  return groups;
}

}  // namespace

Assignment least_duration(const Suite& suite, int jobs) {
  std::vector<double> weights;
  for (const Unit& unit : suite.units) weights.push_back(unit.seconds);
  Assignment result{{}, jobs};
  longest_first(weights, range(0, jobs), result.job_of);
  return result;
}

Assignment duration_based_chunks(const Suite& suite, int jobs) {
  double total = 0;
  for (const Unit& unit : suite.units) total += unit.seconds;
  const double per_group = total / jobs;
  Assignment result{std::vector<int>(suite.units.size(), 0), jobs};
  int group = 0;
  double sum = 0;
  for (std::size_t u = 0; u < suite.units.size(); ++u) {
    if (sum >= per_group && group + 1 < jobs) ++group, sum = 0;
    result.job_of[u] = group;
    sum += suite.units[u].seconds;
  }
  return result;
}

Assignment dedicated_file_shards(const Suite& suite, int jobs) {
  std::vector<double> file_seconds(suite.files.size(), 0);
  std::vector<std::vector<std::size_t>> units_of(suite.files.size());
  double total = 0;
  for (std::size_t u = 0; u < suite.units.size(); ++u) {
    file_seconds[suite.units[u].file] += suite.units[u].seconds;
    units_of[suite.units[u].file].push_back(u);
    total += suite.units[u].seconds;
  }
  const double share = total / jobs;
  std::vector<std::size_t> order(suite.files.size());
  std::iota(order.begin(), order.end(), 0);
  std::stable_sort(order.begin(), order.end(),
                   [&](std::size_t a, std::size_t b) { return file_seconds[a] > file_seconds[b]; });
  Assignment result{std::vector<int>(suite.units.size(), -1), jobs};
  int next_free = 0;
  std::vector<double> rest_weights;
  std::vector<std::size_t> rest_files;
  for (const std::size_t f : order) {
    const int wanted = std::max(2, static_cast<int>(std::ceil(file_seconds[f] / share)));
    const int given = std::min(wanted, jobs - next_free - 1);
    if (file_seconds[f] <= share || given < 2) {
      rest_files.push_back(f);
      rest_weights.push_back(file_seconds[f]);
      continue;
    }
    std::vector<double> weights;
    for (const std::size_t u : units_of[f]) weights.push_back(suite.units[u].seconds);
    std::vector<int> group_of;
    longest_first(weights, range(next_free, next_free + given), group_of);
    for (std::size_t i = 0; i < units_of[f].size(); ++i)
      result.job_of[units_of[f][i]] = group_of[i];
    next_free += given;
  }
  std::vector<int> group_of;
  longest_first(rest_weights, range(next_free, jobs), group_of);
  for (std::size_t i = 0; i < rest_files.size(); ++i) {
    for (const std::size_t u : units_of[rest_files[i]]) result.job_of[u] = group_of[i];
  }
  return result;
}

}  // namespace shardplan::bench
