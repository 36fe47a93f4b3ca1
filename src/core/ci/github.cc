#include "core/ci/github.h"

#include <fmt/format.h>

namespace shardplan {

std::string github_matrix(int shards) {
  std::string out = "{\"include\":[";
  for (int i = 1; i <= shards; ++i) out += fmt::format("{}{{\"shard\":{}}}", i > 1 ? "," : "", i);
  return out + "]}\n";
}

std::string step_summary(const ShardOutcome& run) {
  return fmt::format(
      "### shardplan: shard {} of {} {}\n\n"
      "| plan | shard | predicted | measured | exit code |\n"
      "| --- | --- | ---: | ---: | ---: |\n"
      "| `{}` | {} files, {} slices | {:.2f} s | {:.2f} s | {} |\n\n",
      run.shard->index, run.plan->shard_count, run.exit_code == 0 ? "passed" : "failed",
      run.plan->inputs_digest, run.shard->files.size(), run.shard->slices.size(),
      run.shard->predicted_seconds, run.measured, run.exit_code);
}

}  // namespace shardplan
