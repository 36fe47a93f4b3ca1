// The tolerances of plan/'s floating-point comparisons, named by what each protects. Plans
// depend on every value and on how it is applied (relative, absolute, strict or not): change
// one only to change plans, and then regenerate the golden tests on purpose.
#pragma once

namespace shardplan {

// Rounding noise: the same durations summed in another order differ by about this much
// (relatively). A load only counts as lower when it beats the other by more, so improvement
// and cut shifting never loop on moves that gain nothing but rounding.
inline constexpr double kRoundingNoise = 1e-12;

// Float equality: two results of different computations (makespans, a makespan and the target
// it was built for, a determinant and zero) within this relative distance count as equal, so
// ties go to the simpler choice (fewer slices, whole files) and not to rounding.
inline constexpr double kFloatSlack = 1e-9;

// A layout with more slices must be 0.1% faster than one with fewer: every slice re-imports
// its file, a cost the model only estimates.
inline constexpr double kSliceMustWin = 1e-3;

// Within 0.1% above the lower bound a makespan is good enough: improvement and the target
// searches stop there, and a whole-file plan that close is not sliced at all.
inline constexpr double kNearBound = 1e-3;

// A cut at a coarser boundary (between classes, or between tests rather than parametrized
// variants) may give up 0.1% of the target in seconds filled or in the heaviest shard.
inline constexpr double kCoarseCutAllowance = 1e-3;

// FileCutter::into: a coarser boundary level wins while its heaviest slice stays within 1% of
// the finest level's (a factor, not a relative distance).
inline constexpr double kCoarseIntoFactor = 1.01;

// A bisection on a makespan target stops once its interval is within 0.01% of its upper end.
inline constexpr double kTargetResolution = 1e-4;

// The highest value below `load` by more than rounding noise: a candidate must stay under it
// to count as lowering `load` (relative and absolute, so zero loads work too).
inline double strictly_below(double load) {
  return load * (1 - kRoundingNoise) - kRoundingNoise;
}

}  // namespace shardplan
