// The table of subcommands. Each one lives in its own cmd_<name>.cc: it declares its options
// on the CLI11 subcommand and returns the function that runs it and yields the exit code.
#pragma once

#include <functional>
#include <span>

#include <CLI/CLI.hpp>

namespace shardplan::cli {

using Runner = std::function<int()>;
using Setup = Runner (*)(CLI::App& command);

struct Command {
  const char* name;
  const char* summary;
  Setup setup;
};

Runner setup_files(CLI::App& command);
Runner setup_plan(CLI::App& command);
Runner setup_show(CLI::App& command);
Runner setup_run(CLI::App& command);
Runner setup_check(CLI::App& command);
Runner setup_plugin_path(CLI::App& command);
Runner setup_recommend(CLI::App& command);
Runner setup_calibrate(CLI::App& command);
Runner setup_merge(CLI::App& command);
Runner setup_audit(CLI::App& command);
Runner setup_failed(CLI::App& command);
Runner setup_report(CLI::App& command);
Runner setup_run_all(CLI::App& command);
Runner setup_segments(CLI::App& command);

std::span<const Command> commands();

}  // namespace shardplan::cli
