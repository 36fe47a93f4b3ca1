// --segment NAME on the commands that plan (plan, recommend): the named segment of the project's
// configuration (docs/segments.md) fills in what the command line left out.
#pragma once

#include <string>

#include <CLI/CLI.hpp>

#include "cli/cost_options.h"
#include "cli/options.h"
#include "core/diagnostic.h"
#include "core/fs.h"

namespace shardplan::cli {

struct SegmentOptions {
  std::string name;                   // empty: no segment
  const CLI::Option* root = nullptr;  // --root, to know whether it was given
};

void add_segment_option(CLI::App& command, SegmentOptions& options);

// Where the command line is silent, the segment's values: --root (the configuration's
// directory), --include/--exclude (the command line's replace the segment's), pytest args (the
// segment's first), the timings file, the overheads, and `shards` (a number or "auto", when
// `shards` is not null and empty) with the target of "auto".
Result<bool> apply_segment(const FileSystem& fs, const SegmentOptions& segment,
                           UniverseOptions& universe, TimingOptions& timing, CostOptions& cost,
                           SizingOptions& sizing, std::string* shards);

}  // namespace shardplan::cli
