#include "cli/cost_options.h"

#include <cstdlib>

#include <fmt/format.h>

#include "core/plan/cost_model.h"

namespace shardplan::cli {

namespace {

// Rejects an overhead out of range while the command line is parsed, so it is a usage error
// (exit 2) like any bad flag; a text that is not a number is left to CLI11's own conversion.
CLI::Validator overhead_in_range(const std::string& flag) {
  return CLI::Validator(
      [flag](const std::string& text) -> std::string {
        char* end = nullptr;  // strtod reads what CLI11's conversion reads (hex, inf, nan)
        const double seconds = std::strtod(text.c_str(), &end);
        if (text.empty() || end != text.c_str() + text.size()) return {};
        if (checked_overhead(seconds, flag)) return {};
        // CLI11 puts the flag's name in front: "--file-overhead: must be between ..."
        return fmt::format("must be between 0 and {} seconds, got {}", kMaxOverheadSeconds,
                           seconds);
      },
      "SECONDS");
}

}  // namespace

void add_cost_options(CLI::App& command, CostOptions& options) {
  command
      .add_option("--file-overhead", options.file_overhead,
                  fmt::format("Seconds charged each time a shard collects a file or a slice "
                              "(import, collection, module fixtures; default {}, or the model's)",
                              kDefaultFileOverhead))
      ->check(overhead_in_range("--file-overhead"));
  command
      .add_option("--shard-overhead", options.shard_overhead,
                  "Seconds every job pays before its tests (checkout, install, start-up; "
                  "default 0, or the model's)")
      ->check(overhead_in_range("--shard-overhead"));
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
  if (options.file_overhead) plan.file_overhead = *options.file_overhead;
  if (options.shard_overhead) plan.shard_overhead = *options.shard_overhead;
  return plan;
}

}  // namespace shardplan::cli
