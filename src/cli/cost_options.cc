#include "cli/cost_options.h"

#include <fmt/format.h>

#include "core/plan/cost_model.h"

namespace shardplan::cli {

void add_cost_options(CLI::App& command, CostOptions& options) {
  command.add_option("--file-overhead", options.file_overhead,
                     fmt::format("Seconds charged each time a shard collects a file or a slice "
                                 "(import, collection, module fixtures; default {}, or the model's)",
                                 kDefaultFileOverhead));
  command.add_option("--shard-overhead", options.shard_overhead,
                     "Seconds every job pays before its tests (checkout, install, start-up; "
                     "default 0, or the model's)");
  command.add_option("--model", options.model,
                     "Cost model written by 'shardplan calibrate' (explicit flags win)");
  command.add_flag("--no-split", options.no_split,
                   "Plan whole files only (never split a file's tests across shards)");
}

Result<PlanOptions> plan_options(const FileSystem& fs, const CostOptions& options, int shards) {
  PlanOptions plan(shards, kDefaultFileOverhead, !options.no_split);
  if (!options.model.empty()) {
    auto content = fs.read(options.model);
    if (!content) return content.error();
    auto model = cost_model_from_json(*content, options.model);
    if (!model) return model.error();
    plan.file_overhead = model->file_overhead;
    plan.shard_overhead = model->shard_overhead;
    plan.file_overheads = model->files;
  }
  if (options.file_overhead) {
    auto checked = checked_overhead(*options.file_overhead, "--file-overhead");
    if (!checked) return checked.error();
    plan.file_overhead = *checked;
  }
  if (options.shard_overhead) {
    auto checked = checked_overhead(*options.shard_overhead, "--shard-overhead");
    if (!checked) return checked.error();
    plan.shard_overhead = *checked;
  }
  return plan;
}

}  // namespace shardplan::cli
