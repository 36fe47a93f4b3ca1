// shardplan check: re-discovers the universe and validates the plan against it before the run.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/plan_scope.h"
#include "core/scope.h"
#include "core/verify/check.h"

namespace shardplan::cli {
namespace {

struct CheckCommand {
  std::string plan;
  UniverseOptions universe;
  TimingOptions timing;
  bool strict = false;
};

// What the plan covers of today's universe (new files run in the shard the plugin picks for
// them, so they are counted apart), then the predicted balance.
void print_summary(const Plan& plan, const CheckReport& report) {
  const std::string new_files =
      report.new_files.empty()
          ? ""
          : fmt::format(" ({} new, each run in one shard by the plugin)", report.new_files.size());
  fmt::print("coverage: {} of {} test files planned{}, {} shards, none empty\n",
             report.covered_files, report.universe_files, new_files, plan.shard_count);
  const Balance balance = balance_of(plan);
  fmt::print("balance: max {}, mean {}, min {}; makespan / lower bound = {:.3f}\n",
             seconds_text(balance.max), seconds_text(balance.mean), seconds_text(balance.min),
             balance.ratio_to_lower_bound);
}

int run_check(const CheckCommand& options) {
  const RealFileSystem fs;
  auto plan = load_plan(fs, options.plan);
  if (!plan) return fail(plan.error());
  auto inputs = load_inputs(fs, universe_of_plan(options.universe, *plan), options.timing);
  if (!inputs) return fail(inputs.error());
  fmt::print("scope: {}\n", ScopeRule(*plan).describe());
  const CheckReport report = check_plan(*plan, inputs->universe, inputs->doctest_modules);
  for (const ExposedShard& shard : report.exposed) {
    warn(exposed_warning(shard));
  }
  for (const NewFile& file : report.new_files) {
    const std::string text = fmt::format(
        "{} is not in the plan (added after planning?): the "
        "plugin runs it in shard {}",
        file.path, file.shard);
    options.strict ? error(text) : warn(text);
  }
  for (const std::string& problem : report.errors) error(problem);
  if (!report.ok(options.strict)) {
    fmt::print(stderr,
               "shardplan: check failed: {} problem(s) in {}; re-plan with 'shardplan plan'\n",
               report.errors.size() + (options.strict ? report.new_files.size() : 0), options.plan);
    return kExitInvalid;
  }
  print_summary(*plan, report);
  return kExitOk;
}

}  // namespace

Runner setup_check(CLI::App& command) {
  auto options = std::make_shared<CheckCommand>();
  add_plan_option(command, options->plan);
  add_universe_options(command, options->universe);
  add_pytest_args(command, options->universe);
  add_timing_options(command, options->timing);
  command.add_flag("--strict", options->strict,
                   "Fail on test files the plan does not know (by default they are warnings: the "
                   "plugin runs each in exactly one shard)");
  command.footer("Exit codes: 0 the plan covers the suite; 1 a problem was found; 2 usage error.");
  return [options] { return run_check(*options); };
}

}  // namespace shardplan::cli
