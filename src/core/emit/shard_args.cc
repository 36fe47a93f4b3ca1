#include "core/emit/shard_args.h"

#include <nlohmann/json.hpp>

namespace shardplan {

std::vector<std::string> shard_arguments(const Shard& shard) {
  std::vector<std::string> args = shard.files;
  for (const Slice& slice : shard.slices)
    args.insert(args.end(), slice.tests.begin(), slice.tests.end());
  return args;
}

std::string shell_quote(const std::string& word) {
  const bool plain =
      !word.empty() &&
      word.find_first_not_of(
          "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-./:=@%+,") ==
          std::string::npos;
  if (plain) return word;
  std::string out = "'";
  for (const char c : word) {
    if (c == '\'') {
      out += "'\\''";
    } else {
      out += c;
    }
  }
  return out + "'";
}

std::string render_arguments(const std::vector<std::string>& args, ArgsFormat format) {
  std::string out;
  switch (format) {
    case ArgsFormat::lines:
      for (const std::string& arg : args) out += arg + "\n";
      break;
    case ArgsFormat::nul:
      for (const std::string& arg : args) out += arg + '\0';
      break;
    case ArgsFormat::shell:
      for (std::size_t i = 0; i < args.size(); ++i) out += (i ? " " : "") + shell_quote(args[i]);
      out += "\n";
      break;
    case ArgsFormat::json:
      out = nlohmann::json(args).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) +
            "\n";
      break;
  }
  return out;
}

}  // namespace shardplan
