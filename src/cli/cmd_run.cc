// shardplan run: runs COMMAND (no shell) with shard I appended — by default the bundled pytest
// plugin's options (the project's own testpaths and conftest keep working), or with
// --mode args the shard's file paths and node ids — and exits with the command's code.
// `--shard auto` takes the shard from the CI's variables (core/ci/ci_env.h); in GitHub Actions a
// short summary is appended to $GITHUB_STEP_SUMMARY.
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdlib>
#include <cstring>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/process.h"
#include "core/ci/ci_env.h"
#include "core/ci/github.h"

namespace shardplan::cli {
namespace {

constexpr const char* kAuto = "auto";

struct RunCommand {
  std::string plan;
  std::string shard;  // a 1-based index, or "auto"
  RunMode mode = RunMode::plugin;
  std::vector<std::string> command;
};

using RunOutcome = ShardOutcome;

std::optional<int> parse_index(const std::string& text) {
  int value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (text.empty() || error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::optional<std::string> environment(const std::string& name) {
  const char* value = std::getenv(name.c_str());
  if (!value) return std::nullopt;
  return std::string(value);
}

// Bazel's test runner checks that a sharded test touched this file to say it shards.
Result<bool> touch(const std::string& path) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0644);
  if (fd < 0 || ::futimens(fd, nullptr) != 0) {
    const Diagnostic error = error_in(
        path, fmt::format("cannot touch TEST_SHARD_STATUS_FILE: {}", std::strerror(errno)));
    if (fd >= 0) ::close(fd);
    return error;
  }
  ::close(fd);
  return true;
}

// --shard I, or --shard auto: the CI's variables, whose total must be the plan's shard count.
Result<int> resolve_shard(const RunCommand& options, const Plan& plan) {
  if (options.shard != kAuto) return parse_index(options.shard).value_or(0);
  auto ci = shard_from_environment(environment);
  if (!ci) return ci.error();
  if (ci->total != plan.shard_count) {
    return error_in(
        options.plan,
        fmt::format("--shard auto: {} gives {} shards, but this plan has {}; plan with "
                    "-n {} or run {} jobs",
                    ci->source, ci->total, plan.shard_count, ci->total, plan.shard_count));
  }
  if (!ci->status_file.empty()) {
    if (auto touched = touch(ci->status_file); !touched) return touched.error();
  }
  note(fmt::format("--shard auto: shard {} of {} from {}", ci->index, ci->total, ci->source));
  return ci->index;
}

std::string selection_text(const Shard& shard) {
  return fmt::format("{} files, {} slices", shard.files.size(), shard.slices.size());
}

// Appends the shard's section to the job's page; never truncates what earlier steps wrote.
void append_step_summary(const std::string& path, const RunOutcome& run) {
  const std::string section = step_summary(run);
  if (!append_file(path, section))
    warn(fmt::format("{}: cannot append the step summary (GITHUB_STEP_SUMMARY)", path));
}

int run_shard(const RunCommand& options) {
  const RealFileSystem fs;
  auto plan = load_plan(fs, options.plan);
  if (!plan) return fail(plan.error());
  auto index = resolve_shard(options, *plan);
  if (!index) return fail(index.error(), kExitUsage);
  auto shard = shard_of(*plan, *index, options.plan);
  if (!shard) return fail(shard.error(), kExitUsage);
  auto argv = shard_command(fs, options.command, options.mode, options.plan, **shard);
  if (!argv) return fail(argv.error());
  note(fmt::format("shard {}/{} of plan {}: {}", *index, plan->shard_count, plan->inputs_digest,
                   selection_text(**shard)));
  const auto start = std::chrono::steady_clock::now();
  auto code = run_foreground(*argv);
  if (!code) return fail(code.error());
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  const RunOutcome outcome{&*plan, *shard, wall.count(), *code};
  note(fmt::format("shard {}/{}: predicted {}, measured {}, exit code {}", *index,
                   plan->shard_count, seconds_text((*shard)->predicted_seconds),
                   seconds_text(outcome.measured), outcome.exit_code));
  if (auto summary = environment("GITHUB_STEP_SUMMARY"); summary && !summary->empty()) {
    append_step_summary(*summary, outcome);
  }
  return outcome.exit_code;
}

std::string check_shard(const std::string& text) {
  if (text == kAuto || parse_index(text)) return "";
  return fmt::format("'{}' is not a shard: give a 1-based index or 'auto'", text);
}

}  // namespace

Runner setup_run(CLI::App& command) {
  auto options = std::make_shared<RunCommand>();
  add_plan_option(command, options->plan);
  command
      .add_option(
          "--shard", options->shard,
          "Shard index, 1-based; or 'auto': from the CI's variables (SHARDPLAN_SHARD/"
          "SHARDPLAN_TOTAL, Bazel TEST_SHARD_INDEX/TEST_TOTAL_SHARDS, GitLab CI_NODE_INDEX/"
          "CI_NODE_TOTAL, CircleCI CIRCLE_NODE_INDEX/CIRCLE_NODE_TOTAL, Buildkite "
          "BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT), whose total must match the plan")
      ->required()
      ->check(CLI::Validator(check_shard, "INDEX|auto"));
  add_mode_option(command, options->mode);
  command
      .add_option("command", options->command,
                  "The command to run, after --; '{shard}' in it becomes the shard index")
      ->required();
  command.footer(
      "With $GITHUB_STEP_SUMMARY set, appends the shard's predicted and measured time to it.\n"
      "Exit codes: the command's own; 1 invalid plan; 2 usage error (also: CI variables missing, "
      "invalid, or disagreeing with the plan); 127 command not found.");
  return [options] { return run_shard(*options); };
}

}  // namespace shardplan::cli
