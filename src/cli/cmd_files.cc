// shardplan files: prints the universe, one root-relative path per line, to diff against
// `pytest --collect-only -q`; with --with-doctest-modules also the modules that only
// --doctest-modules collects.
#include <fmt/format.h>

#include <algorithm>
#include <memory>

#include "cli/commands.h"
#include "cli/common.h"

namespace shardplan::cli {

Runner setup_files(CLI::App& command) {
  auto universe = std::make_shared<UniverseOptions>();
  auto timing = std::make_shared<TimingOptions>();
  auto with_doctest_modules = std::make_shared<bool>(false);
  add_universe_options(command, *universe);
  add_timing_options(command, *timing);
  command.add_flag("--with-doctest-modules", *with_doctest_modules,
                   "Also print the .py modules that only --doctest-modules collects");
  add_pytest_args(command, *universe);
  return [universe, timing, with_doctest_modules] {
    const RealFileSystem fs;
    auto inputs = load_inputs(fs, *universe, *timing);
    if (!inputs) return fail(inputs.error());
    std::vector<std::string> files = std::move(inputs->universe);
    if (*with_doctest_modules) {
      files.insert(files.end(), inputs->doctest_modules.begin(), inputs->doctest_modules.end());
      std::sort(files.begin(), files.end());
    }
    for (const std::string& file : files) fmt::print("{}\n", file);
    return kExitOk;
  };
}

}  // namespace shardplan::cli
