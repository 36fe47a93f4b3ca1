// shardplan plugin-path: prints where the bundled pytest plugin is, for use without `run`:
//   PYTHONPATH=$(shardplan plugin-path) python3 -m pytest -p shardplan_pytest --shardplan=...
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/plugin_files.h"

namespace shardplan::cli {

Runner setup_plugin_path(CLI::App& /*command*/) {
  return [] {
    auto dir = plugin_directory();
    if (!dir) return fail(dir.error());
    fmt::print("{}\n", *dir);
    return kExitOk;
  };
}

}  // namespace shardplan::cli
