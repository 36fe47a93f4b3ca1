// shardplan show: prints one shard's runner arguments (files, then slice node ids).
#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "core/emit/shard_args.h"

namespace shardplan::cli {

Runner setup_show(CLI::App& command) {
  struct Options {
    std::string plan;
    int shard = 0;
    ArgsFormat format = ArgsFormat::lines;
  };
  auto options = std::make_shared<Options>();
  add_plan_option(command, options->plan);
  command.add_option("--shard", options->shard, "Shard index, 1-based")->required();
  add_args_format_option(command, options->format);
  return [options] {
    const RealFileSystem fs;
    auto plan = load_plan(fs, options->plan);
    if (!plan) return fail(plan.error());
    auto shard = shard_of(*plan, options->shard, options->plan);
    if (!shard) return fail(shard.error(), kExitUsage);
    fmt::print("{}", render_arguments(shard_arguments(**shard), options->format));
    return kExitOk;
  };
}

}  // namespace shardplan::cli
