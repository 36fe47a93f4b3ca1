#include "cli/common.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdlib>
#include <iostream>
#include <iterator>
#include <set>

#include "cli/reports.h"
#include "core/emit/plan_json.h"
#include "core/pytest/discover.h"
#include "core/timings/durations.h"

namespace shardplan::cli {

int fail(const Diagnostic& error, int code) {
  fmt::print(stderr, "shardplan: error: {}\n", error.format());
  return code;
}

void error(const std::string& message) {
  fmt::print(stderr, "shardplan: error: {}\n", message);
}

void warn(const std::string& message) {
  fmt::print(stderr, "shardplan: warning: {}\n", message);
}
void note(const std::string& message) {
  fmt::print(stderr, "shardplan: {}\n", message);
}

namespace {

Result<std::string> read_input(const FileSystem& fs, const std::string& path) {
  if (path == "-") {
    std::string content((std::istreambuf_iterator<char>(std::cin)),
                        std::istreambuf_iterator<char>());
    return content;
  }
  return fs.read(path);
}

// Paths as filter_files compares them ("./" and trailing '/' removed), sorted, unique.
std::vector<std::string> cleaned(const std::vector<std::string>& paths) {
  std::set<std::string> out;
  for (const auto& path : paths) out.insert(normalize_path(path));
  return {out.begin(), out.end()};
}

struct FoundUniverse {
  std::vector<std::string> files;
  std::vector<std::string> doctest_modules;
  PlanScope scope;
};

Result<FoundUniverse> listed_universe(const FileSystem& fs, const UniverseOptions& options,
                                      const Timings* timings) {
  FoundUniverse found;
  std::vector<std::string> files;
  if (options.files_from_timings) {
    if (!timings) return error_in("", "--files-from-timings needs --durations");
    files = files_in_timings(*timings);
    found.scope.source = "files-from-timings";
  } else {
    auto content = read_input(fs, options.files_from);
    if (!content) return content.error();
    auto listed =
        parse_file_list(*content, options.files_from == "-" ? "<stdin>" : options.files_from);
    if (!listed) return listed.error();
    files = std::move(*listed);
    found.scope.source = "files-from";
  }
  found.files = filter_files(files, options.include, options.exclude);
  return found;
}

Result<FoundUniverse> find_universe(const FileSystem& fs, const UniverseOptions& options,
                                    const Timings* timings) {
  Result<FoundUniverse> found = FoundUniverse{};
  if (options.files_from_timings || !options.files_from.empty()) {
    found = listed_universe(fs, options, timings);
    if (!found) return found;
  } else {
    if (fs.kind(options.root) != EntryKind::directory)
      return error_in(options.root, "--root is not a directory");
    const char* env_addopts = std::getenv("PYTEST_ADDOPTS");
    auto walked = discover(
        fs, DiscoverOptions{options.root, options.include, options.exclude, options.pytest_args,
                            env_addopts ? env_addopts : "", options.pytest_major});
    if (!walked) return walked.error();
    for (const Diagnostic& warning : walked->warnings) warn(warning.format());
    found->files = std::move(walked->files);
    found->doctest_modules = std::move(walked->doctest_modules);
    found->scope.paths = std::move(walked->paths);
    found->scope.config = std::move(walked->config_path);
    found->scope.root_from_config = std::move(walked->root_from_config);
  }
  found->scope.include = cleaned(options.include);
  found->scope.exclude = cleaned(options.exclude);
  return found;
}

}  // namespace

Result<std::vector<std::string>> load_universe(const FileSystem& fs, const UniverseOptions& options,
                                               const Timings* timings) {
  auto found = find_universe(fs, options, timings);
  if (!found) return found.error();
  return std::move(found->files);
}

Result<Inputs> load_inputs(const FileSystem& fs, const UniverseOptions& universe,
                           const TimingOptions& timing) {
  Inputs inputs;
  if (!timing.durations.empty()) {
    auto content = read_input(fs, timing.durations);
    if (!content) return content.error();
    auto parsed = parse_durations_consuming(std::move(*content), timing.durations);
    if (!parsed) return parsed.error();
    inputs.timings = std::move(*parsed);
    if (inputs.timings->skipped_invalid > 0) {
      warn(
          fmt::format("{}: skipped {} entries whose value is not a non-negative finite number of "
                      "seconds",
                      timing.durations, inputs.timings->skipped_invalid));
    }
  }
  // xunit2 reports are resolved against the universe, so it comes first, unless the universe is
  // to come from the timings (then only reports that name their files can be read).
  if (!timing.junit.empty() && universe.files_from_timings) {
    auto merged = junit_timings(fs, timing.junit, {}, std::move(inputs.timings));
    if (!merged) return merged.error();
    inputs.timings = std::move(*merged);
  }
  auto found = find_universe(fs, universe, inputs.timings ? &*inputs.timings : nullptr);
  if (!found) return found.error();
  inputs.universe = std::move(found->files);
  inputs.doctest_modules = std::move(found->doctest_modules);
  inputs.scope = std::move(found->scope);
  if (!timing.junit.empty() && !universe.files_from_timings) {
    auto merged = junit_timings(fs, timing.junit, inputs.universe, std::move(inputs.timings));
    if (!merged) return merged.error();
    inputs.timings = std::move(*merged);
  }
  return inputs;
}

std::vector<std::string> known_files(const Inputs& inputs) {
  std::vector<std::string> known = inputs.universe;
  known.insert(known.end(), inputs.doctest_modules.begin(), inputs.doctest_modules.end());
  std::sort(known.begin(), known.end());
  return known;
}

Workload take_workload(Inputs& inputs) {
  return inputs.timings ? build_workload(inputs.universe, std::move(*inputs.timings))
                        : build_workload(inputs.universe, nullptr);
}

Result<Plan> load_plan(const FileSystem& fs, const std::string& path) {
  auto content = fs.read(path);
  if (!content) return content.error();
  return plan_from_json(*content, path);
}

Result<const Shard*> shard_of(const Plan& plan, int index, const std::string& plan_path) {
  if (index < 1 || index > static_cast<int>(plan.shards.size())) {
    return error_in(plan_path,
                    fmt::format("--shard {} is out of range: this plan has shards 1 to {}", index,
                                plan.shards.size()));
  }
  return &plan.shards[static_cast<std::size_t>(index - 1)];
}

std::string seconds_text(double seconds) {
  return fmt::format("{:.2f} s", seconds);
}

Result<bool> write_output(const std::string& path, std::string_view content) {
  if (!path.empty() && path != "-") return write_file_atomic(path, content);
  std::fwrite(content.data(), 1, content.size(), stdout);
  if (std::fflush(stdout) != 0) return error_in("<stdout>", "write failed");
  return true;
}

}  // namespace shardplan::cli
