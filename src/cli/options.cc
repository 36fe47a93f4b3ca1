#include "cli/options.h"

#include "core/plan/duration.h"

namespace shardplan::cli {

void add_universe_options(CLI::App& command, UniverseOptions& options) {
  command.add_option(
      "--root", options.root,
      "The directory pytest runs in (default: .); its config file and rootdir may be in a "
      "parent directory, as pytest finds them");
  command.add_option("--include", options.include,
                     "Keep only test files at or under this root-relative path (repeatable)");
  command.add_option("--exclude", options.exclude,
                     "Drop test files at or under this path, or matching this glob (repeatable)");
  command.add_option("--files-from", options.files_from,
                     "Read the test files from this list (one root-relative path per line; - for "
                     "stdin) instead of walking --root");
  command.add_flag("--files-from-timings", options.files_from_timings,
                   "The test files are the files named in the timings");
  command
      .add_option("--pytest-version", options.pytest_major,
                  "Follow the collection rules of this pytest major version: 7, 8 or 9 (default 8)")
      ->check(CLI::IsMember({7, 8, 9}));
}

void add_pytest_args(CLI::App& command, UniverseOptions& options) {
  command.add_option(
      "pytest_args", options.pytest_args,
      "After --: the args you give pytest (paths, -o NAME=VALUE, -c FILE, --rootdir, "
      "--ignore, --ignore-glob, --doctest-modules, --doctest-glob, -p no:doctest); "
      "ini addopts and PYTEST_ADDOPTS are read too");
}

void add_timing_options(CLI::App& command, TimingOptions& options) {
  add_durations_option(command, options.durations,
                       "pytest-split .test_durations file (JSON object: node id -> seconds)");
  add_junit_option(command, options.junit,
                   "JUnit XML reports (path or glob, '**' spans directories; repeatable) of one "
                   "run: their test times, over --durations where both are given");
}

void add_plan_option(CLI::App& command, std::string& path, const std::string& help) {
  command.add_option("--plan", path, help)->required();
}

void add_durations_option(CLI::App& command, std::string& path, const std::string& help) {
  command.add_option("--durations", path, help);
}

CLI::Option* add_junit_option(CLI::App& command, std::vector<std::string>& patterns,
                              const std::string& help) {
  return command.add_option("--junit", patterns, help);
}

CLI::Option* add_output_option(CLI::App& command, std::string& path, const std::string& help) {
  return command.add_option("-o,--output", path, help);
}

void add_collected_option(CLI::App& command, std::vector<std::string>& sources,
                          const std::string& help) {
  command.add_option("--collected", sources, help);
}

void add_args_format_option(CLI::App& command, ArgsFormat& format) {
  add_choice_option(command, "--format", format,
                    {{"lines", ArgsFormat::lines},
                     {"nul", ArgsFormat::nul},
                     {"shell", ArgsFormat::shell},
                     {"json", ArgsFormat::json}},
                    "lines (default), nul, shell or json");
}

namespace {

struct SizingHelp {
  const char* target;
  const char* min;
  const char* max;
};

SizingHelp sizing_help(SizingUse use) {
  switch (use) {
    case SizingUse::recommend:
      return {"Wall-clock goal per job, e.g. 900, 15m, 1h30m", "Smallest N to consider (default 1)",
              "Largest N to consider (default 64)"};
    case SizingUse::plan_auto:
      return {"With --shards auto: wall-clock goal per job, e.g. 900, 15m, 1h30m",
              "With --shards auto: smallest N (default 1)",
              "With --shards auto: largest N (default 64)"};
  }
  return {"", "", ""};
}

}  // namespace

void add_sizing_options(CLI::App& command, SizingOptions& options, SizingUse use) {
  const SizingHelp help = sizing_help(use);
  command.add_option("--target", options.target, help.target);
  command.add_option("--min", options.min_shards, help.min)->check(CLI::Range(1, 100000));
  command.add_option("--max", options.max_shards, help.max)->check(CLI::Range(1, 100000));
}

Result<std::optional<double>> target_seconds(const SizingOptions& options) {
  if (options.target.empty()) return std::optional<double>();
  auto seconds = parse_duration(options.target);
  if (!seconds) return seconds.error();
  return std::optional<double>(*seconds);
}

}  // namespace shardplan::cli
