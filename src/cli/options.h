// The command-line options that several subcommands share, each registered in one place so its
// name, help text and checks are the same wherever it appears: where the universe and timings
// come from, the plan file, JUnit report globs, the output file, --collected, the search over
// shard counts (--target/--min/--max) and word choices such as --format and --mode. Registration
// only: what the values mean is up to the commands (and common.h's loaders).
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "core/diagnostic.h"
#include "core/emit/shard_args.h"

namespace shardplan::cli {

struct UniverseOptions {
  std::string root = ".";
  std::vector<std::string> include;
  std::vector<std::string> exclude;
  std::string files_from;
  bool files_from_timings = false;
  std::vector<std::string> pytest_args;  // after `--`: what the user gives pytest (paths, -o, ...)
  int pytest_major = 8;                  // --pytest-version: whose collection rules to follow
};

struct TimingOptions {
  std::string durations;
  std::vector<std::string> junit;  // JUnit report globs: one run; newer than --durations
};

void add_universe_options(CLI::App& command, UniverseOptions& options);
// The pytest args after `--` (`shardplan files -- -o python_files=check_*.py tests/unit`); only
// for commands that have no positional arguments of their own (not run/run-all).
void add_pytest_args(CLI::App& command, UniverseOptions& options);
void add_timing_options(CLI::App& command, TimingOptions& options);

// --plan FILE, always required; `help` says which plan the command wants.
void add_plan_option(CLI::App& command, std::string& path, const std::string& help = "Plan file");
// --durations FILE: a pytest-split .test_durations file; `help` says what it is for.
void add_durations_option(CLI::App& command, std::string& path, const std::string& help);
// --junit PATTERN (repeatable): JUnit XML reports by path or glob. Returned so that a command
// that cannot work without reports can make it required.
CLI::Option* add_junit_option(CLI::App& command, std::vector<std::string>& patterns,
                              const std::string& help);
// -o,--output FILE ("-" or none: stdout; see write_output). Returned for ->required().
CLI::Option* add_output_option(CLI::App& command, std::string& path, const std::string& help);
// --collected SOURCE (repeatable): node ids that exist now (see plan_scope.h load_collected).
void add_collected_option(CLI::App& command, std::vector<std::string>& sources,
                          const std::string& help);

// An option whose value is one of a few words (case-insensitive), stored as its enum value; any
// other word is a usage error listing the choices.
template <class Enum>
void add_choice_option(CLI::App& command, const std::string& name, Enum& value,
                       const std::map<std::string, Enum>& choices, const std::string& help) {
  command.add_option(name, value, help)
      ->transform(CLI::CheckedTransformer(choices, CLI::ignore_case));
}

// --format lines|nul|shell|json: how node ids and paths are printed (show, failed).
void add_args_format_option(CLI::App& command, ArgsFormat& format);

// The search over shard counts: the smallest N in [min, max] whose makespan meets the target.
struct SizingOptions {
  std::string target;  // a duration (900, 15m, 1h30m); empty when not given
  int min_shards = 1;
  int max_shards = 64;
};
// Who asks: recommend tabulates the range; plan searches it only with --shards auto.
enum class SizingUse { recommend, plan_auto };
void add_sizing_options(CLI::App& command, SizingOptions& options, SizingUse use);
// --target in seconds; nothing when it was not given. A malformed one is a usage error.
Result<std::optional<double>> target_seconds(const SizingOptions& options);

}  // namespace shardplan::cli
