// What every subcommand shares: the exit-code table, printing diagnostics, and loading the
// universe and timings from command-line options. Only the CLI sees streams and exit codes.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "cli/options.h"
#include "core/diagnostic.h"
#include "core/fs.h"
#include "core/model.h"
#include "core/plan/workload.h"

namespace shardplan::cli {

// Exit codes, documented in --help and the README.
inline constexpr int kExitOk = 0;
inline constexpr int kExitInvalid = 1;     // invalid input or a failed check
inline constexpr int kExitUsage = 2;       // wrong usage, or a request that cannot be met
inline constexpr int kExitInternal = 70;   // a bug in shardplan (EX_SOFTWARE)
inline constexpr int kExitNotFound = 127;  // run: the command cannot be started (as a shell says)
inline constexpr int kExitInterrupted = 130;  // run-all: interrupted by Ctrl-C (128 + SIGINT)

int fail(const Diagnostic& error, int code = kExitInvalid);  // prints "shardplan: error: ..."
void error(const std::string& message);  // prints "shardplan: error: ..." and goes on (a list)
void warn(const std::string& message);   // prints "shardplan: warning: ..."
void note(const std::string& message);   // prints "shardplan: ..."

struct Inputs {
  std::vector<std::string> universe;         // test files: every item they yield is planned
  std::vector<std::string> doctest_modules;  // .py files only --doctest-modules collects
  PlanScope scope;                           // what the plan is for (recorded in the plan)
  std::optional<Timings> timings;
};

// Reads timings (if any) and finds the universe; prints warnings; errors are returned.
Result<Inputs> load_inputs(const FileSystem& fs, const UniverseOptions& universe,
                           const TimingOptions& timing);
// What a testcase's dotted classname may name: the test files and the doctest modules, sorted.
std::vector<std::string> known_files(const Inputs& inputs);
// The planner's per-file work from loaded inputs; moves the timings out of `inputs`.
Workload take_workload(Inputs& inputs);
// The test files only (no doctest modules, no scope): for commands that just need the list.
Result<std::vector<std::string>> load_universe(const FileSystem& fs, const UniverseOptions& options,
                                               const Timings* timings);
Result<Plan> load_plan(const FileSystem& fs, const std::string& path);

// Shard I of the plan, or a usage error naming the valid range.
Result<const Shard*> shard_of(const Plan& plan, int index, const std::string& plan_path);

std::string seconds_text(double seconds);  // "12.34 s"

// Writes a command's output: to stdout when `path` is empty or "-", else atomically to `path`
// (a temporary file beside it, then a rename), so a failure leaves no partial file.
Result<bool> write_output(const std::string& path, std::string_view content);

}  // namespace shardplan::cli
