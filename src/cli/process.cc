#include "cli/process.h"

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <optional>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "cli/common.h"
#include "cli/plugin_files.h"
#include "core/emit/shard_args.h"

namespace shardplan::cli {

std::string with_shard(std::string word, int shard) {
  const std::string index = std::to_string(shard);
  for (auto at = word.find(kShardField); at != std::string::npos;
       at = word.find(kShardField, at + index.size())) {
    word.replace(at, kShardField.size(), index);
  }
  return word;
}

namespace {

Result<std::vector<std::string>> plugin_arguments(const FileSystem& fs,
                                                  const std::string& plan_path, int shard) {
  auto dir = plugin_directory();
  if (!dir) return dir.error();
  const std::string old = std::getenv("PYTHONPATH") ? std::getenv("PYTHONPATH") : "";
  // run-all asks once per shard: put the directory first only once.
  if (old != *dir && !old.starts_with(*dir + ":")) {
    const std::string path = old.empty() ? *dir : *dir + ":" + old;
    ::setenv("PYTHONPATH", path.c_str(), 1);
  }
  return std::vector<std::string>{"-p", "shardplan_pytest", "--shardplan=" + fs.absolute(plan_path),
                                  fmt::format("--shardplan-shard={}", shard)};
}

std::vector<char*> raw_argv(const std::vector<std::string>& argv) {
  std::vector<char*> raw;
  for (const std::string& arg : argv) raw.push_back(const_cast<char*>(arg.c_str()));
  raw.push_back(nullptr);
  return raw;
}

// In the child after fork: only async-signal-safe calls until exec.
[[noreturn]] void exec_or_exit(const std::vector<char*>& raw) {
  ::execvp(raw[0], raw.data());
  const int error = errno;
  static constexpr char kPrefix[] = "shardplan: error: cannot run '";
  const char* reason = std::strerror(error);
  [[maybe_unused]] ssize_t ignored = ::write(STDERR_FILENO, kPrefix, sizeof kPrefix - 1);
  ignored = ::write(STDERR_FILENO, raw[0], std::strlen(raw[0]));
  ignored = ::write(STDERR_FILENO, "': ", 3);
  ignored = ::write(STDERR_FILENO, reason, std::strlen(reason));
  ignored = ::write(STDERR_FILENO, "\n", 1);
  ::_exit(kExitNotFound);
}

Diagnostic cannot_start(const std::string& program) {
  return error_in("", fmt::format("cannot start {}: {}", program, std::strerror(errno)));
}

}  // namespace

void add_mode_option(CLI::App& command, RunMode& mode) {
  add_choice_option(command, "--mode", mode, {{"plugin", RunMode::plugin}, {"args", RunMode::args}},
                    "plugin (default: load the bundled pytest plugin) or args (append the shard's "
                    "files and node ids)");
}

Result<std::vector<std::string>> shard_command(const FileSystem& fs,
                                               const std::vector<std::string>& command,
                                               RunMode mode, const std::string& plan_path,
                                               const Shard& shard) {
  std::vector<std::string> argv;
  for (const std::string& word : command) argv.push_back(with_shard(word, shard.index));
  if (mode == RunMode::plugin) {
    auto extra = plugin_arguments(fs, plan_path, shard.index);
    if (!extra) return extra.error();
    argv.insert(argv.end(), extra->begin(), extra->end());
  } else {
    const auto args = shard_arguments(shard);
    argv.insert(argv.end(), args.begin(), args.end());
  }
  return argv;
}

int exit_code_of(int wait_status) {
  if (WIFSIGNALED(wait_status)) return 128 + WTERMSIG(wait_status);
  return WEXITSTATUS(wait_status);
}

Result<int> run_foreground(const std::vector<std::string>& argv) {
  const std::vector<char*> raw = raw_argv(argv);
  const pid_t child = ::fork();
  if (child < 0) return cannot_start(argv[0]);
  if (child == 0) exec_or_exit(raw);
  // Ctrl-C reaches the child through the terminal; this process waits for it to finish.
  auto* previous_int = std::signal(SIGINT, SIG_IGN);
  int status = 0;
  while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
  }
  std::signal(SIGINT, previous_int);
  return exit_code_of(status);
}

Result<pid_t> start_in_own_group(const std::vector<std::string>& argv,
                                 const std::string& log_path) {
  const int log = ::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log < 0)
    return error_in(log_path, fmt::format("cannot write the log: {}", std::strerror(errno)));
  const int null = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  const std::vector<char*> raw = raw_argv(argv);
  const pid_t child = ::fork();
  if (child == 0) {
    ::setpgid(0, 0);
    ::signal(SIGINT, SIG_DFL);
    ::signal(SIGTERM, SIG_DFL);
    if (null >= 0) ::dup2(null, STDIN_FILENO);
    ::dup2(log, STDOUT_FILENO);
    ::dup2(log, STDERR_FILENO);
    exec_or_exit(raw);
  }
  const std::optional<Diagnostic> failure =
      child < 0 ? std::optional(cannot_start(argv[0])) : std::nullopt;
  ::close(log);
  if (null >= 0) ::close(null);
  if (failure) return *failure;
  // Both sides set the group, so it exists before the caller may signal it.
  ::setpgid(child, child);
  return child;
}

}  // namespace shardplan::cli
