// Durable shards: after packing, gives every shard work that stale timings cannot take away.
//
// A slice lists test ids; if all of them were renamed or deleted since the timings were
// recorded, a shard made only of such slices collects nothing and pytest exits 5. A whole
// file, or the owner slice of a file (which also runs the file's tests that no slice lists),
// always collects something while the file exists. spread_owners (planner.h) first moves owner
// flags at no cost; this pass then moves work between two shards for each shard still exposed:
// a whole file into it, optionally paid back with one of its slices or with listed tests moved
// from its slice of a file to the other shard (into its slice of that file, or a new one); or a
// slice into it,
// so that the owner flags can spread further. It keeps the move that leaves the busier of the
// two shards lightest. When a plan has at
// least as many files as shards, every shard ends durable (the property test proves it over
// thousands of random suites); with more shards than files some shard must depend on listed
// tests alone, and `plan`/`check` say which.
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "core/model.h"

namespace shardplan {

// What a piece of work weighs in a shard, in predicted seconds.
struct PieceWeights {
  std::function<double(const std::string&)> whole_file;  // a whole file: its tests plus overhead
  std::function<double(const std::string&)> test;        // one timed test, by id
  std::function<double(const std::string&)> overhead;    // collecting a file once, by path
};

struct Securing {
  std::vector<int> exposed;  // shards (1-based) that still depend only on listed tests
  int moves = 0;             // pieces of work moved between shards
};

// Updates each shard's predicted seconds and the plan's makespan when it moves anything.
Securing secure_shards(Plan& plan, const PieceWeights& weights);

}  // namespace shardplan
