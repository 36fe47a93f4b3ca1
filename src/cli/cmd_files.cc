// shardplan files: prints the universe, one root-relative path per line, to diff against
// `pytest --collect-only -q`.
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"

namespace shardplan::cli {

Runner setup_files(CLI::App& command) {
  auto universe = std::make_shared<UniverseOptions>();
  auto timing = std::make_shared<TimingOptions>();
  add_universe_options(command, *universe);
  add_timing_options(command, *timing);
  return [universe, timing] {
    const RealFileSystem fs;
    auto inputs = load_inputs(fs, *universe, *timing);
    if (!inputs) return fail(inputs.error());
    for (const std::string& file : inputs->universe) fmt::print("{}\n", file);
    return kExitOk;
  };
}

}  // namespace shardplan::cli
