// shardplan: plans a pytest suite into N balanced CI shards. This file only wires the
// subcommand table to CLI11 and maps failures to the documented exit codes.
#include <fmt/format.h>

#include "build_info.h"  // generated at build time: SHARDPLAN_COMMIT
#include "cli/commands.h"
#include "cli/common.h"

namespace shardplan::cli {

std::span<const Command> commands() {
  static const Command table[] = {
      {"files", "Print the test files pytest would collect (the universe)", setup_files},
      {"plan", "Plan the test files into N balanced shards", setup_plan},
      {"show", "Print one shard's runner arguments", setup_show},
      {"run", "Run a command with one shard's arguments appended", setup_run},
      {"check", "Validate a plan against the current test files", setup_check},
      {"plugin-path", "Print the directory holding the bundled pytest plugin", setup_plugin_path},
      {"recommend", "Tabulate predicted wall-clock and runner time over shard counts",
       setup_recommend},
      {"calibrate", "Fit per-job and per-file overheads to a finished run", setup_calibrate},
      {"merge", "Merge the JUnit reports of CI runs into an updated .test_durations", setup_merge},
      {"audit", "Check after a run that every planned test ran exactly once, in its shard",
       setup_audit},
      {"failed", "Print the node ids that failed or errored, to re-run them", setup_failed},
      {"report", "Render a plan (and a run's JUnit reports) as an HTML, Markdown or SVG report",
       setup_report},
      {"run-all",
       "Run every shard of a plan on this machine, J at a time, and compare with the plan",
       setup_run_all},
      {"segments", "List the named segments of shardplan.toml / [tool.shardplan]", setup_segments},
  };
  return table;
}

bool is_command(std::string_view name) {
  for (const Command& command : commands()) {
    if (name == command.name) return true;
  }
  return false;
}

std::string command_names() {
  std::string names;
  for (const Command& command : commands())
    names += (names.empty() ? "" : ", ") + std::string(command.name);
  return names;
}

// `shardplan --version`: the version (project(VERSION) in CMakeLists.txt) and the commit the
// binary was built from ("unknown" when built outside a git work tree).
constexpr const char* kVersionLine =
    "shardplan " SHARDPLAN_VERSION " (commit " SHARDPLAN_COMMIT ")";

constexpr const char* kFooter =
    "Exit codes: 0 ok; 1 invalid input or a failed check; 2 usage error or a request that "
    "cannot be met; 'run' exits with its command's code.";

// Builds the command line, parses it and runs the chosen command. Throws only on a bug.
int run_main(int argc, char** argv) {
  CLI::App app{"shardplan " SHARDPLAN_VERSION ": split a pytest suite into N balanced CI shards"};
  app.footer(kFooter);
  app.set_version_flag("--version", kVersionLine);
  app.require_subcommand(1);
  std::vector<std::pair<CLI::App*, Runner>> runners;
  for (const Command& command : commands()) {
    CLI::App* sub = app.add_subcommand(command.name, command.summary);
    sub->footer(kFooter);
    runners.emplace_back(sub, command.setup(*sub));
  }
  if (argc > 1 && argv[1][0] != '-' && !is_command(argv[1])) {
    fmt::print(stderr, "shardplan: error: unknown command '{}'; commands: {}\n", argv[1],
               command_names());
    return kExitUsage;
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForVersion& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    fmt::print(stderr,
               "shardplan: error: {}\nRun 'shardplan --help' or 'shardplan COMMAND --help'.\n",
               e.what());
    return kExitUsage;
  }
  for (auto& [sub, run] : runners) {
    if (sub->parsed()) return run();
  }
  return kExitUsage;
}

}  // namespace shardplan::cli

int main(int argc, char** argv) {
  using namespace shardplan::cli;
  try {
    return run_main(argc, argv);
  } catch (const std::exception& e) {
    fmt::print(stderr, "shardplan: internal error: {} (please report this)\n", e.what());
  } catch (...) {
    fmt::print(stderr, "shardplan: internal error (please report this)\n");
  }
  return kExitInternal;
}
