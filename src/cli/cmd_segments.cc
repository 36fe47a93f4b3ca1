// shardplan segments: the named segments of the project's configuration (shardplan.toml or
// [tool.shardplan] in pyproject.toml, docs/segments.md), for people and for CI scripts that
// build their job matrix from them.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/options.h"
#include "core/plan/segments.h"

namespace shardplan::cli {
namespace {

enum class SegmentsFormat { text, json, names };

struct SegmentsCommand {
  std::string config;
  SegmentsFormat format = SegmentsFormat::text;
};

std::string seconds_text(double seconds) {
  return fmt::format("{:g} s", seconds);
}

std::string describe(const Segment& segment) {
  std::vector<std::string> parts;
  parts.push_back(segment.shards
                      ? fmt::format("{} shards", *segment.shards)
                      : fmt::format("auto shards for {}", seconds_text(*segment.target_seconds)));
  if (!segment.include.empty())
    parts.push_back("include " + fmt::format("{}", fmt::join(segment.include, ", ")));
  if (!segment.exclude.empty())
    parts.push_back("exclude " + fmt::format("{}", fmt::join(segment.exclude, ", ")));
  if (!segment.pytest_args.empty())
    parts.push_back("pytest " + fmt::format("{}", fmt::join(segment.pytest_args, " ")));
  if (segment.file_overhead)
    parts.push_back("file overhead " + seconds_text(*segment.file_overhead));
  if (segment.shard_overhead)
    parts.push_back("shard overhead " + seconds_text(*segment.shard_overhead));
  return fmt::format("{}: {}", segment.name, fmt::join(parts, "; "));
}

int run_segments(const SegmentsCommand& options) {
  const RealFileSystem fs;
  Result<ProjectConfig> config = ProjectConfig{};
  if (options.config.empty()) {
    config = find_project_config(fs, ".");
  } else {
    auto content = fs.read(options.config);
    if (!content) return fail(content.error());
    config =
        parse_project_config(*content, options.config, options.config.ends_with("pyproject.toml"));
  }
  if (!config) return fail(config.error());
  switch (options.format) {
    case SegmentsFormat::json:
      fmt::print("{}", segments_json(*config));
      break;
    case SegmentsFormat::names: {
      std::vector<std::string> names;
      for (const Segment& segment : config->segments)
        names.push_back(fmt::format("\"{}\"", segment.name));
      fmt::print("[{}]\n", fmt::join(names, ", "));
      break;
    }
    case SegmentsFormat::text:
      if (config->source.empty()) {
        note(
            "no shardplan.toml or pyproject.toml with [tool.shardplan] here or above "
            "(docs/segments.md)");
      }
      for (const Segment& segment : config->segments) fmt::print("{}\n", describe(segment));
      break;
  }
  return kExitOk;
}

}  // namespace

Runner setup_segments(CLI::App& command) {
  auto options = std::make_shared<SegmentsCommand>();
  command.add_option("--config", options->config,
                     "shardplan.toml or pyproject.toml to read (default: the first one with "
                     "shardplan's settings in this directory or above)");
  add_choice_option(command, "--format", options->format,
                    {{"text", SegmentsFormat::text},
                     {"json", SegmentsFormat::json},
                     {"names", SegmentsFormat::names}},
                    "text (default), json (every setting), names (a JSON list, for a CI matrix)");
  return [options] { return run_segments(*options); };
}

}  // namespace shardplan::cli
