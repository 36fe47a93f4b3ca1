// What commands that read a plan take from it: the universe options of the plan's scope (so
// check and audit look at what the plan was made for without repeating --include/--exclude),
// and lists of node ids that exist now (--collected).
#pragma once

#include <string>
#include <vector>

#include "cli/common.h"
#include "core/diagnostic.h"
#include "core/fs.h"
#include "core/model.h"
#include "core/timings/junit.h"

namespace shardplan::cli {

// The universe options for a command that reads a plan: what the user gave, with the plan's
// includes and excludes when the user gave neither, and its positional paths when the user gave
// no pytest args. A plan made from --files-from is checked against a walk (the scope rule then
// keeps only its files) unless a list is given again.
UniverseOptions universe_of_plan(UniverseOptions given, const Plan& plan);

// Node ids that exist now, normalized (xdist group suffixes removed), sorted, unique: the output
// of `pytest --collect-only -q` (lines holding "::"; a bare "path.py" line names a module-level
// item), or JUnit reports (a path starting with '<' is read as XML; globs allowed).
Result<std::vector<std::string>> load_collected(const FileSystem& fs,
                                                const std::vector<std::string>& sources,
                                                const ModuleIndex& index);

}  // namespace shardplan::cli
