// shardplan failed: prints the exact node ids to re-run — the tests that failed or errored in
// the given JUnit reports, a whole file for a collection error — one per line (or shell-quoted,
// NUL-separated, JSON), optionally only part I of M.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/reports.h"
#include "core/emit/shard_args.h"
#include "core/verify/rerun.h"

namespace shardplan::cli {
namespace {

struct FailedCommand {
  UniverseOptions universe;
  std::vector<std::string> junit;
  int shards = 1;
  int shard = 1;
  ArgsFormat format = ArgsFormat::lines;
};

int run_failed(const FailedCommand& options) {
  if (options.shard > options.shards) {
    return fail(error_in("", fmt::format("--shard {} is out of range: --shards is {}",
                                         options.shard, options.shards)),
                kExitUsage);
  }
  const RealFileSystem fs;
  auto universe = load_universe(fs, options.universe, nullptr);
  if (!universe) return fail(universe.error());
  auto reports = read_reports(fs, options.junit, ModuleIndex(*universe));
  if (!reports) return fail(reports.error());
  const auto failed = failed_tests(*reports);
  const auto part = options.shards > 1 ? rerun_part(failed, options.shards, options.shard) : failed;
  std::vector<std::string> ids;
  for (const RerunItem& item : part) ids.push_back(item.id);
  if (!ids.empty() || options.format == ArgsFormat::json)
    fmt::print("{}", render_arguments(ids, options.format));
  note(fmt::format("{} tests or files to re-run{}", ids.size(),
                   options.shards > 1 ? fmt::format(" in part {} of {} ({} in all)", options.shard,
                                                    options.shards, failed.size())
                                      : ""));
  return kExitOk;
}

}  // namespace

Runner setup_failed(CLI::App& command) {
  auto options = std::make_shared<FailedCommand>();
  add_junit_option(command, options->junit,
                   "JUnit reports: a path or glob ('**' spans directories). Repeatable")
      ->required();
  command.add_option("--shards", options->shards, "Split the re-run into M parts")
      ->check(CLI::Range(1, 100000));
  command.add_option("--shard", options->shard, "Print part I (1-based) of --shards")
      ->check(CLI::Range(1, 100000));
  add_args_format_option(command, options->format);
  add_universe_options(command, options->universe);
  command.footer(
      "Re-run the failures: shardplan failed --junit 'reports/**/*.xml' --format nul | xargs -0 -r "
      "python3 -m pytest   (or: python3 -m pytest $(cat rerun.txt) when no id has spaces).\n"
      "Nothing to re-run prints nothing (exit 0).\nExit codes: 0 ok; 1 invalid input; 2 usage "
      "error.");
  return [options] { return run_failed(*options); };
}

}  // namespace shardplan::cli
