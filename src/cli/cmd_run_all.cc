// shardplan run-all: runs every shard of a plan on this machine, J at a time, each child the
// command `run` would start for that shard, with its output in DIR/shard-I.log. Shows progress
// on stderr, then a table of predicted against measured seconds per shard. Ctrl-C stops every
// child: each runs in a process group of its own, and the whole group is signalled.
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <thread>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/process.h"
#include "core/emit/shard_args.h"

namespace shardplan::cli {
namespace {

using Clock = std::chrono::steady_clock;

constexpr auto kPollInterval = std::chrono::milliseconds(50);
constexpr auto kStopGrace = std::chrono::seconds(3);  // then SIGKILL

volatile std::sig_atomic_t g_stop_signal = 0;
volatile std::sig_atomic_t g_stop_count = 0;

extern "C" void on_stop_signal(int signal) {
  g_stop_signal = signal;
  g_stop_count = g_stop_count + 1;
}

struct RunAllCommand {
  std::string plan;
  int jobs = 2;
  std::string logs;
  RunMode mode = RunMode::plugin;
  std::vector<std::string> command;
};

struct ShardRun {
  const Shard* shard = nullptr;
  std::string log;
  pid_t pid = 0;  // while running
  Clock::time_point started;
  double measured = 0;
  std::optional<int> exit_code;  // once finished

  bool running() const { return pid > 0; }
  bool failed() const { return exit_code && *exit_code != 0; }
};

struct LogDirectory {
  std::string path;
  bool temporary = false;  // made by us: removed when every shard passed
};

double seconds_since(Clock::time_point start, Clock::time_point now) {
  return std::chrono::duration<double>(now - start).count();
}

std::string clock_text(double seconds) {
  const auto whole = static_cast<long>(seconds);  // whole seconds, as a clock shows them
  return fmt::format("{}:{:02}", whole / 60, whole % 60);
}

Result<LogDirectory> prepare_logs(const std::string& requested) {
  if (!requested.empty()) {
    if (auto made = make_directories(requested, "log directory"); !made) return made.error();
    return LogDirectory{requested, false};
  }
  auto made = make_temporary_directory("shardplan-run-all-", "log directory");
  if (!made) return made.error();
  return LogDirectory{*made, true};
}

// Longest predicted shard first, so a long shard does not start last (ties: by index).
std::vector<ShardRun> planned_runs(const Plan& plan, const LogDirectory& logs) {
  std::vector<ShardRun> runs;
  for (const Shard& shard : plan.shards) {
    ShardRun run;
    run.shard = &shard;
    run.log = join_path(logs.path, fmt::format("shard-{}.log", shard.index));
    runs.push_back(std::move(run));
  }
  std::stable_sort(runs.begin(), runs.end(), [](const ShardRun& a, const ShardRun& b) {
    return a.shard->predicted_seconds > b.shard->predicted_seconds;
  });
  return runs;
}

std::size_t running_count(const std::vector<ShardRun>& runs) {
  return static_cast<std::size_t>(
      std::count_if(runs.begin(), runs.end(), [](const ShardRun& run) { return run.running(); }));
}

// Wall-clock the remaining work needs on `jobs` slots by the plan's predictions: running shards
// need what their prediction has left, waiting shards start in order on the first free slot.
double predicted_remaining(const std::vector<ShardRun>& runs, int jobs, Clock::time_point now) {
  std::vector<double> slots;
  for (const ShardRun& run : runs) {
    if (run.running()) {
      slots.push_back(
          std::max(0.0, run.shard->predicted_seconds - seconds_since(run.started, now)));
    }
  }
  slots.resize(std::max(slots.size(), static_cast<std::size_t>(jobs)), 0.0);
  for (const ShardRun& run : runs) {
    if (run.running() || run.exit_code) continue;
    *std::min_element(slots.begin(), slots.end()) += run.shard->predicted_seconds;
  }
  return *std::max_element(slots.begin(), slots.end());
}

// The progress line on a terminal, redrawn in place; plain lines per finished shard otherwise.
class Progress {
 public:
  Progress(std::size_t total, int jobs)
      : total_(total), jobs_(jobs), tty_(::isatty(STDERR_FILENO) == 1) {}

  void tick(const std::vector<ShardRun>& runs, Clock::time_point start, Clock::time_point now) {
    if (!tty_) return;
    const std::string line = status(runs, start, now);
    if (line == shown_) return;
    fmt::print(stderr, "\r{}\x1b[K", line);
    shown_ = line;
  }

  void finished(const ShardRun& run, const std::vector<ShardRun>& runs, Clock::time_point start,
                Clock::time_point now) {
    if (tty_ && !run.failed()) return;
    clear();
    std::string line = fmt::format(
        "shard {}/{} {} in {} (predicted {})", run.shard->index, total_,
        run.failed() ? fmt::format("failed with exit code {}", *run.exit_code) : "passed",
        seconds_text(run.measured), seconds_text(run.shard->predicted_seconds));
    if (run.failed()) line += fmt::format("; log: {}", run.log);
    if (!tty_) line += fmt::format(" [{}]", status(runs, start, now));
    note(line);
  }

  void clear() {
    if (tty_ && !shown_.empty()) fmt::print(stderr, "\r\x1b[K");
    shown_.clear();
  }

 private:
  std::string status(const std::vector<ShardRun>& runs, Clock::time_point start,
                     Clock::time_point now) const {
    const auto done = static_cast<std::size_t>(std::count_if(
        runs.begin(), runs.end(), [](const ShardRun& r) { return r.exit_code.has_value(); }));
    const auto failed =
        std::count_if(runs.begin(), runs.end(), [](const ShardRun& r) { return r.failed(); });
    const std::size_t running = running_count(runs);
    return fmt::format("{}/{} shards done{}, {} running, {} elapsed, ~{} predicted remaining", done,
                       total_, failed ? fmt::format(" ({} failed)", failed) : "", running,
                       clock_text(seconds_since(start, now)),
                       clock_text(predicted_remaining(runs, jobs_, now)));
  }

  std::size_t total_;
  int jobs_;
  bool tty_;
  std::string shown_;
};

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // the main loop polls g_stop_signal every kPollInterval
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
}

Result<bool> start(const FileSystem& fs, ShardRun& run, const RunAllCommand& options) {
  auto argv = shard_command(fs, options.command, options.mode, options.plan, *run.shard);
  if (!argv) return argv.error();
  std::vector<std::string> quoted;
  for (const std::string& word : *argv) quoted.push_back(shell_quote(word));
  if (auto header = write_file_atomic(run.log, fmt::format("$ {}\n", fmt::join(quoted, " ")));
      !header) {
    return header.error();
  }
  auto pid = start_in_own_group(*argv, run.log);
  if (!pid) return pid.error();
  run.pid = *pid;
  run.started = Clock::now();
  return true;
}

// Records the exit of one child; null when `pid` is none of ours.
ShardRun* record_exit(std::vector<ShardRun>& runs, pid_t pid, int status) {
  for (ShardRun& run : runs) {
    if (run.pid != pid) continue;
    run.pid = 0;
    run.exit_code = exit_code_of(status);
    run.measured = seconds_since(run.started, Clock::now());
    return &run;
  }
  return nullptr;
}

bool any_running(const std::vector<ShardRun>& runs) {
  return running_count(runs) > 0;
}

// Signals every running group, waits a grace period, then kills what is left; reaps them all.
void stop_all(std::vector<ShardRun>& runs, int signal) {
  for (const ShardRun& run : runs) {
    if (run.running()) ::kill(-run.pid, signal);
  }
  const int count_at_start = g_stop_count;
  const auto deadline = Clock::now() + kStopGrace;
  while (any_running(runs) && Clock::now() < deadline && g_stop_count == count_at_start) {
    int status = 0;
    const pid_t pid = ::waitpid(-1, &status, WNOHANG);
    if (pid > 0) record_exit(runs, pid, status);
    if (pid <= 0) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (ShardRun& run : runs) {
    if (!run.running()) continue;
    ::kill(-run.pid, SIGKILL);
    int status = 0;
    while (::waitpid(run.pid, &status, 0) < 0 && errno == EINTR) {
    }
    record_exit(runs, run.pid, status);
  }
}

void print_table(const std::vector<ShardRun>& runs) {
  std::vector<const ShardRun*> by_index;
  for (const ShardRun& run : runs) by_index.push_back(&run);
  std::sort(by_index.begin(), by_index.end(),
            [](const ShardRun* a, const ShardRun* b) { return a->shard->index < b->shard->index; });
  fmt::print("  shard   predicted    measured   exit  log\n");
  for (const ShardRun* run : by_index) {
    fmt::print("  {:>5}  {:>10}  {:>10}  {:>5}  {}\n", run->shard->index,
               seconds_text(run->shard->predicted_seconds),
               run->exit_code ? seconds_text(run->measured) : "-",
               run->exit_code ? std::to_string(*run->exit_code) : "-", run->log);
  }
}

int interrupted(std::vector<ShardRun>& runs, Progress& progress, const LogDirectory& logs) {
  progress.clear();
  const int signal = g_stop_signal;
  note(fmt::format("{}: stopping every running shard",
                   signal == SIGTERM ? "terminated" : "interrupted"));
  stop_all(runs, signal);
  print_table(runs);
  note(fmt::format("logs kept in {}", logs.path));
  return kExitInterrupted;
}

int finish(const std::vector<ShardRun>& runs, const LogDirectory& logs, double wall, int jobs) {
  print_table(runs);
  std::vector<const ShardRun*> failed;
  for (const ShardRun& run : runs) {
    if (run.failed()) failed.push_back(&run);
  }
  std::sort(failed.begin(), failed.end(),
            [](const ShardRun* a, const ShardRun* b) { return a->shard->index < b->shard->index; });
  std::vector<ShardRun> unstarted = runs;
  for (ShardRun& run : unstarted) run.exit_code.reset();
  const double predicted = predicted_remaining(unstarted, jobs, Clock::now());
  const std::string timing = fmt::format("in {} (predicted {} with {} job{})", seconds_text(wall),
                                         seconds_text(predicted), jobs, jobs == 1 ? "" : "s");
  if (failed.empty()) {
    if (logs.temporary) remove_tree(logs.path);
    note(fmt::format("all {} shards passed {}", runs.size(), timing));
    return kExitOk;
  }
  std::vector<std::string> names;
  std::vector<std::string> logs_of_failed;
  for (const ShardRun* run : failed) {
    names.push_back(fmt::format("{} (exit code {})", run->shard->index, *run->exit_code));
    logs_of_failed.push_back(run->log);
  }
  return fail(error_in(
      "", fmt::format("{} of {} shards failed {}: shard {}; logs: {}", failed.size(), runs.size(),
                      timing, fmt::join(names, ", shard "), fmt::join(logs_of_failed, ", "))));
}

int run_all(const RunAllCommand& options) {
  const RealFileSystem fs;
  auto plan = load_plan(fs, options.plan);
  if (!plan) return fail(plan.error());
  auto logs = prepare_logs(options.logs);
  if (!logs) return fail(logs.error());
  std::vector<ShardRun> runs = planned_runs(*plan, *logs);
  note(fmt::format("running {} shards of plan {}, {} at a time; logs in {}", runs.size(),
                   plan->inputs_digest, options.jobs, logs->path));
  install_stop_handlers();
  Progress progress(runs.size(), options.jobs);
  const auto start_time = Clock::now();
  std::size_t next = 0;
  std::size_t done = 0;
  while (done < runs.size()) {
    if (g_stop_signal != 0) return interrupted(runs, progress, *logs);
    for (std::size_t running = running_count(runs);
         running < static_cast<std::size_t>(options.jobs) && next < runs.size();
         ++running, ++next) {
      if (auto started = start(fs, runs[next], options); !started) {
        progress.clear();
        stop_all(runs, SIGTERM);
        return fail(started.error());
      }
    }
    int status = 0;
    pid_t pid = 0;
    while ((pid = ::waitpid(-1, &status, WNOHANG)) > 0) {
      if (ShardRun* run = record_exit(runs, pid, status)) {
        ++done;
        progress.finished(*run, runs, start_time, Clock::now());
      }
    }
    progress.tick(runs, start_time, Clock::now());
    if (done < runs.size()) std::this_thread::sleep_for(kPollInterval);
  }
  progress.clear();
  return finish(runs, *logs, seconds_since(start_time, Clock::now()), options.jobs);
}

}  // namespace

Runner setup_run_all(CLI::App& command) {
  auto options = std::make_shared<RunAllCommand>();
  add_plan_option(command, options->plan);
  command.add_option("--jobs,-j", options->jobs, "Shards to run at the same time (default: 2)")
      ->check(CLI::PositiveNumber);
  command.add_option("--logs", options->logs,
                     "Directory for each shard's output, shard-I.log (default: a new temporary "
                     "directory, removed when every shard passed)");
  add_mode_option(command, options->mode);
  command
      .add_option("command", options->command,
                  "The command to run for each shard, after --; '{shard}' in it becomes the shard "
                  "index (e.g. --junitxml=reports/shard-{shard}.xml)")
      ->required();
  command.footer(
      "Each shard runs what 'shardplan run --shard I' runs, longest predicted first. Progress goes "
      "to stderr (one line redrawn on a terminal), the table of predicted against measured seconds "
      "to stdout. Ctrl-C (or SIGTERM) stops every shard's process group.\n"
      "Exit codes: 0 every shard passed; 1 a shard failed (named, with its log) or invalid input; "
      "2 usage error; 130 interrupted.");
  return [options] { return run_all(*options); };
}

}  // namespace shardplan::cli
