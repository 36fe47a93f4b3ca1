// The cost model file that `shardplan calibrate` writes and `plan --model` reads: the per-job
// overhead, the default per-file overhead and optional per-file overheads, in seconds.
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "core/diagnostic.h"

namespace shardplan {

inline constexpr int kModelFormatVersion = 1;
// Overheads above this are refused as absurd (a typo such as minutes for seconds).
inline constexpr double kMaxOverheadSeconds = 86400;

struct CostModel {
  double shard_overhead = 0;
  double file_overhead = 0;
  std::map<std::string, double> files;  // per-file overrides
  bool operator==(const CostModel&) const = default;
};

std::string cost_model_to_json(const CostModel& model);
// Errors: malformed JSON (line:column), another format version, negative or absurd values.
Result<CostModel> cost_model_from_json(std::string_view content, const std::string& source_name);

// Checks one overhead value given on the command line; the message names `what`.
Result<double> checked_overhead(double seconds, std::string_view what);

}  // namespace shardplan
