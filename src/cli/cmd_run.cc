// shardplan run: runs COMMAND (no shell) with shard I appended — by default the bundled pytest
// plugin's options (the project's own testpaths and conftest keep working), or with
// --mode args the shard's file paths and node ids — and exits with the command's code.
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <filesystem>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/plugin_files.h"
#include "core/emit/shard_args.h"

namespace shardplan::cli {
namespace {

enum class RunMode { plugin, args };

struct RunCommand {
  std::string plan;
  int shard = 0;
  RunMode mode = RunMode::plugin;
  std::vector<std::string> command;
};

Result<std::vector<std::string>> plugin_arguments(const std::string& plan_path, int shard) {
  auto dir = plugin_directory();
  if (!dir) return dir.error();
  const char* old = std::getenv("PYTHONPATH");
  const std::string path = old && *old ? *dir + ":" + old : *dir;
  ::setenv("PYTHONPATH", path.c_str(), 1);
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(plan_path, ec);
  return std::vector<std::string>{"-p", "shardplan_pytest",
                                  "--shardplan=" + (ec ? plan_path : absolute.string()),
                                  fmt::format("--shardplan-shard={}", shard)};
}

// Runs argv without a shell; returns the child's exit code (128 + signal when killed).
int spawn_and_wait(const std::vector<std::string>& argv) {
  std::vector<char*> raw;
  for (const std::string& arg : argv) raw.push_back(const_cast<char*>(arg.c_str()));
  raw.push_back(nullptr);
  const pid_t child = ::fork();
  if (child < 0) return fail(error_in("", fmt::format("cannot start {}: {}", argv[0], std::strerror(errno))));
  if (child == 0) {
    ::execvp(raw[0], raw.data());
    fmt::print(stderr, "shardplan: error: cannot run '{}': {}\n", argv[0], std::strerror(errno));
    ::_exit(127);
  }
  // Ctrl-C reaches the child through the terminal; the parent waits for it to finish.
  auto* previous_int = std::signal(SIGINT, SIG_IGN);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  std::signal(SIGINT, previous_int);
  if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
  return WEXITSTATUS(status);
}

int run_shard(const RunCommand& options) {
  const RealFileSystem fs;
  auto plan = load_plan(fs, options.plan);
  if (!plan) return fail(plan.error());
  auto shard = shard_of(*plan, options.shard, options.plan);
  if (!shard) return fail(shard.error(), kExitUsage);
  std::vector<std::string> argv = options.command;
  if (options.mode == RunMode::plugin) {
    auto extra = plugin_arguments(options.plan, options.shard);
    if (!extra) return fail(extra.error());
    argv.insert(argv.end(), extra->begin(), extra->end());
  } else {
    const auto args = shard_arguments(**shard);
    argv.insert(argv.end(), args.begin(), args.end());
  }
  note(fmt::format("shard {}/{} of plan {}: {} files, {} slices", options.shard, plan->shard_count,
                   plan->inputs_digest, (*shard)->files.size(), (*shard)->slices.size()));
  const auto start = std::chrono::steady_clock::now();
  const int code = spawn_and_wait(argv);
  const std::chrono::duration<double> wall = std::chrono::steady_clock::now() - start;
  note(fmt::format("shard {}/{}: predicted {}, measured {}, exit code {}", options.shard,
                   plan->shard_count, seconds_text((*shard)->predicted_seconds),
                   seconds_text(wall.count()), code));
  return code;
}

}  // namespace

Runner setup_run(CLI::App& command) {
  auto options = std::make_shared<RunCommand>();
  command.add_option("--plan", options->plan, "Plan file")->required();
  command.add_option("--shard", options->shard, "Shard index, 1-based")->required();
  const std::map<std::string, RunMode> modes{{"plugin", RunMode::plugin}, {"args", RunMode::args}};
  command.add_option("--mode", options->mode,
                     "plugin (default: load the bundled pytest plugin) or args (append the shard's "
                     "files and node ids)")
      ->transform(CLI::CheckedTransformer(modes, CLI::ignore_case));
  command.add_option("command", options->command, "The command to run, after --")->required();
  command.footer("Exit codes: the command's own; 1 invalid plan; 2 usage error; 127 command not found.");
  return [options] { return run_shard(*options); };
}

}  // namespace shardplan::cli
