// What shardplan writes for GitHub Actions: the job matrix of a plan (`plan --format
// github-matrix`, read with fromJSON) and the Markdown section a shard appends to the job's
// $GITHUB_STEP_SUMMARY. Text only; the CLI writes it.
#pragma once

#include <string>

#include "core/model.h"

namespace shardplan {

// {"include":[{"shard":1},...,{"shard":N}]} and a newline.
std::string github_matrix(int shards);

struct ShardOutcome {
  const Plan* plan = nullptr;
  const Shard* shard = nullptr;
  double measured = 0;  // wall-clock seconds
  int exit_code = 0;
};

// A short Markdown section for the job's page.
std::string step_summary(const ShardOutcome& run);

}  // namespace shardplan
