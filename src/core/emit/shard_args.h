// A shard's runner arguments: its whole files, then the node ids of its slices, in plan order,
// rendered one per line, NUL-separated, shell-quoted, or as a JSON array.
#pragma once

#include <string>
#include <vector>

#include "core/diagnostic.h"
#include "core/model.h"

namespace shardplan {

enum class ArgsFormat { lines, nul, shell, json };

std::vector<std::string> shard_arguments(const Shard& shard);
std::string render_arguments(const std::vector<std::string>& args, ArgsFormat format);

// POSIX shell single-quoting; plain words stay as they are.
std::string shell_quote(const std::string& word);

}  // namespace shardplan
