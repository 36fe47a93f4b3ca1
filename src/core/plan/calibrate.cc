#include "core/plan/calibrate.h"

#include <algorithm>
#include <cmath>

#include "core/plan/tolerances.h"

namespace shardplan {
namespace {

double squared_error(const std::vector<ShardObservation>& points, double a, double b) {
  double sum = 0;
  for (const ShardObservation& p : points) {
    const double residual = p.wall_seconds - p.test_seconds - a - b * static_cast<double>(p.files);
    sum += residual * residual;
  }
  return sum;
}

}  // namespace

OverheadFit fit_overheads(const std::vector<ShardObservation>& points) {
  OverheadFit fit;
  if (points.empty()) return fit;
  const double n = static_cast<double>(points.size());
  double sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (const ShardObservation& p : points) {
    const double x = static_cast<double>(p.files);
    const double y = p.wall_seconds - p.test_seconds;
    sx += x, sy += y, sxx += x * x, sxy += x * y;
  }
  const double denominator = n * sxx - sx * sx;
  fit.file_overhead_identified = std::fabs(denominator) > kFloatSlack * std::max(1.0, n * sxx);
  // Candidates on the boundary of a, b >= 0, and the free optimum when it is feasible.
  std::vector<std::pair<double, double>> candidates{
      {std::max(0.0, sy / n), 0.0}, {0.0, sxx > 0 ? std::max(0.0, sxy / sxx) : 0.0}, {0.0, 0.0}};
  if (fit.file_overhead_identified) {
    const double b = (n * sxy - sx * sy) / denominator;
    const double a = (sy - b * sx) / n;
    if (a >= 0 && b >= 0) candidates.insert(candidates.begin(), {a, b});
  }
  double best = INFINITY;
  for (const auto& [a, b] : candidates) {
    const double error = squared_error(points, a, b);
    if (error < best - kRoundingNoise) best = error, fit.shard_overhead = a, fit.file_overhead = b;
  }
  fit.rms_error = std::sqrt(best / n);
  for (const ShardObservation& p : points) {
    const double predicted =
        p.test_seconds + fit.shard_overhead + fit.file_overhead * static_cast<double>(p.files);
    fit.max_error = std::max(fit.max_error, std::fabs(predicted - p.wall_seconds));
  }
  return fit;
}

}  // namespace shardplan
