// Clean-room implementations, from their published descriptions, of the sharding algorithms
// in use today, so the benchmarks can compare shardplan with them under one cost model.
// None of them sees the per-file cost: that is how they behave in the wild.
// Benchmark support only; never part of the shipped CLI.
#pragma once

#include "cost_model.h"

namespace shardplan::bench {

// pytest-split `least_duration`: tests longest first (ties in collection order), each onto
// the group with the smallest duration sum (ties: lowest group index).
Assignment least_duration(const Suite& suite, int jobs);

// pytest-split `duration_based_chunks`: tests in collection order; a group takes tests until
// its sum reaches total / N, then the next group starts (the last group takes the rest).
Assignment duration_based_chunks(const Suite& suite, int jobs);

// File-level planner with dedicated shards for oversized files: heaviest first, a file above
// total / N gets max(2, ceil(w / (total / N))) shards of its own (capped so that at least one
// shard is left for the other files; with fewer than 2 to give it is planned like the rest),
// its tests split over them by least_duration; all other files longest first onto the least
// loaded remaining shard.
Assignment dedicated_file_shards(const Suite& suite, int jobs);

}  // namespace shardplan::bench
