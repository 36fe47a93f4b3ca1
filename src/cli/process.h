// Starting shard commands: the argv one shard's child runs (the bundled plugin's options, or the
// shard's files and node ids) and spawning children without a shell, in the foreground (`run`)
// or in process groups of their own with output to a log (`run-all`). Only the CLI starts
// processes; nothing here prints except a child that cannot exec.
#pragma once

#include <sys/types.h>

#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/fs.h"
#include "core/model.h"

namespace CLI {
class App;
}

namespace shardplan::cli {

enum class RunMode { plugin, args };

// --mode plugin|args, for the commands that run shards.
void add_mode_option(CLI::App& command, RunMode& mode);

// "{shard}" in a command word or a report pattern stands for the 1-based shard index.
inline constexpr std::string_view kShardField = "{shard}";
std::string with_shard(std::string word, int shard);

// COMMAND for shard `shard` of the plan at plan_path: every "{shard}" in it replaced by the
// 1-based index, then in plugin mode the plugin's options appended (the plan's path made absolute
// against fs's current directory; the plugin's directory put first on this process's PYTHONPATH,
// which children inherit), in args mode the shard's files and node ids appended.
Result<std::vector<std::string>> shard_command(const FileSystem& fs,
                                               const std::vector<std::string>& command,
                                               RunMode mode, const std::string& plan_path,
                                               const Shard& shard);

// Exit code from a waitpid status: the child's code, or 128 + the signal that killed it.
int exit_code_of(int wait_status);

// Runs argv in the foreground (same terminal and process group) and waits for it; Ctrl-C
// reaches the child through the terminal while this process waits. Returns exit_code_of, or
// kExitNotFound when the command cannot be run.
Result<int> run_foreground(const std::vector<std::string>& argv);

// Starts argv as the leader of a new process group (so `kill(-pid, ...)` reaches everything it
// starts), stdin from /dev/null, stdout and stderr appended to log_path (created if missing),
// SIGINT and SIGTERM at their default disposition. Returns the child's pid; the caller reaps it.
Result<pid_t> start_in_own_group(const std::vector<std::string>& argv, const std::string& log_path);

}  // namespace shardplan::cli
