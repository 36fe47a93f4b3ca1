// shardplan audit: after all shards ran, proves from their JUnit reports that every planned
// test ran exactly once and in its shard, and prints predicted against measured seconds.
// Which shard wrote a report comes from a --junit pattern containing {shard}, or from the
// report's <property name="shardplan_shard" value="I"/>.
#include <algorithm>
#include <charconv>

#include <fmt/format.h>

#include "cli/commands.h"
#include "cli/common.h"
#include "cli/plan_scope.h"
#include "cli/process.h"
#include "cli/reports.h"
#include "core/glob.h"
#include "core/verify/audit.h"

namespace shardplan::cli {
namespace {

constexpr const char* kShardProperty = "shardplan_shard";

struct AuditCommand {
  UniverseOptions universe;
  std::string plan;
  std::vector<std::string> junit;
  std::vector<std::string> collected;
};

// The shard a report names in its properties: 0 when it names none.
Result<int> property_shard(const JunitReport& report, int shard_count) {
  const auto found = report.properties.find(kShardProperty);
  if (found == report.properties.end()) return 0;
  int shard = 0;
  const std::string& text = found->second;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), shard);
  if (ec != std::errc() || end != text.data() + text.size() || shard < 1 || shard > shard_count) {
    return error_in(report.source, fmt::format("property {} is '{}', expected a shard from 1 to {}",
                                               kShardProperty, text, shard_count));
  }
  return shard;
}

// Node ids in a report are relative to pytest's rootdir; the plan's paths to its root. The
// plugin writes both relations as properties; when they differ, ids are mapped to the root.
struct RootMapping {
  std::string rootdir_below;  // pytest's rootdir, relative to the root, when it lies below it
  std::string root_below;     // the root, relative to pytest's rootdir, when it lies below it

  bool identity() const { return rootdir_below.empty() && root_below.empty(); }
  std::optional<std::string> as_reported(const std::string& file) const {
    if (!root_below.empty()) return root_below + "/" + file;
    if (file.compare(0, rootdir_below.size() + 1, rootdir_below + "/") != 0) return std::nullopt;
    return file.substr(rootdir_below.size() + 1);
  }
  std::string to_root(std::string_view reported) const {
    if (!rootdir_below.empty()) return rootdir_below + "/" + std::string(reported);
    if (reported.substr(0, root_below.size() + 1) == root_below + "/") {
      return std::string(reported.substr(root_below.size() + 1));
    }
    return std::string(reported);
  }
};

// The report's first bytes: pytest writes the suite's properties before its testcases. A report
// that cannot be read has no head; reading it in full then names the error.
std::string report_head(const FileSystem& fs, const std::string& path) {
  std::string head;
  (void)fs.read_chunks(path, 1 << 16, [&](std::string_view chunk) {
    head = chunk;
    return false;
  });
  return head;
}

// The value of <property name="NAME" value="..."/> in a report's head, or "" when absent.
std::string early_property(std::string_view head, std::string_view name) {
  const std::string key = fmt::format("name=\"{}\" value=\"", name);
  const auto at = head.find(key);
  if (at == std::string_view::npos) return {};
  const auto start = at + key.size();
  const auto end = head.find('"', start);
  return end == std::string_view::npos ? std::string()
                                       : std::string(head.substr(start, end - start));
}

RootMapping mapping_of(const FileSystem& fs, const std::string& path) {
  const auto below = [](const std::string& rel) {
    return rel.empty() || rel == "." || rel.compare(0, 2, "..") == 0 ? std::string() : rel;
  };
  const std::string head = report_head(fs, path);
  return {below(early_property(head, "shardplan_rootdir")),
          below(early_property(head, "shardplan_root"))};
}

// Reads one report whose ids are relative to another directory than the plan's root.
Result<JunitReport> read_mapped(const FileSystem& fs, const std::string& path,
                                const RootMapping& mapping, const std::vector<std::string>& known) {
  std::vector<std::string> reported, files;
  for (const std::string& file : known) {
    if (auto as = mapping.as_reported(file)) {
      reported.push_back(std::move(*as));
      files.push_back(file);
    }
  }
  auto report = read_report(fs, path, ModuleIndex(reported, files));
  if (!report) return report;
  for (JunitCase& test : report->cases) {
    const std::string_view file = file_of(test.id);
    if (std::binary_search(known.begin(), known.end(), file)) continue;  // resolved by the index
    test.id = report->ids.store(mapping.to_root(file) + std::string(test.id.substr(file.size())));
  }
  warn_unresolved(*report);
  return report;
}

// Reads the reports of one --junit pattern and files each under its shard.
Result<std::vector<JunitReport>> read_shard_reports(const FileSystem& fs,
                                                    const std::string& pattern,
                                                    const ModuleIndex& index,
                                                    const std::vector<std::string>& known) {
  auto paths = expand_glob(fs, pattern);
  if (!paths) return paths.error();
  std::vector<JunitReport> reports;
  for (const std::string& path : *paths) {
    const RootMapping mapping = mapping_of(fs, path);
    auto report =
        mapping.identity() ? read_report(fs, path, index) : read_mapped(fs, path, mapping, known);
    if (!report) return report.error();
    if (mapping.identity()) warn_unresolved(*report);
    reports.push_back(std::move(*report));
  }
  return reports;
}

Result<bool> collect(const FileSystem& fs, const std::string& pattern, const Plan& plan,
                     const ModuleIndex& index, const std::vector<std::string>& known,
                     std::vector<JunitReport>& reports, std::vector<int>& shards) {
  const bool per_shard = pattern.find(kShardField) != std::string::npos;
  for (int shard = 1; shard <= (per_shard ? plan.shard_count : 1); ++shard) {
    const std::string expanded = per_shard ? with_shard(pattern, shard) : pattern;
    // A shard whose pattern matches nothing left no report: the audit says so.
    if (per_shard && !expand_glob(fs, expanded)) continue;
    auto found = read_shard_reports(fs, expanded, index, known);
    if (!found) return found.error();
    for (JunitReport& report : *found) {
      auto named = property_shard(report, plan.shard_count);
      if (!named) return named.error();
      if (!per_shard && *named == 0) {
        return error_in(
            report.source,
            fmt::format("cannot tell which shard wrote this report: use a --junit pattern "
                        "with {{shard}} (e.g. 'reports/shard-{{shard}}/*.xml') or write "
                        "the property {} into the report",
                        kShardProperty));
      }
      if (per_shard && *named != 0 && *named != shard) {
        return error_in(report.source,
                        fmt::format("matches the pattern of shard {} but its property {} says {}",
                                    shard, kShardProperty, *named));
      }
      shards.push_back(per_shard ? shard : *named);
      reports.push_back(std::move(report));
    }
  }
  return true;
}

void print_list(const char* title, const std::vector<std::string>& items) {
  if (items.empty()) return;
  fmt::print("{} ({}):\n", title, items.size());
  for (const std::string& item : items) fmt::print("  {}\n", item);
}

void print_audit(const AuditReport& report) {
  fmt::print("  shard  reports   tests   predicted    measured\n");
  for (const ShardMeasure& shard : report.shards) {
    fmt::print("  {:>5}  {:>7}  {:>6}  {:>10}  {:>10}\n", shard.index, shard.reports, shard.tests,
               seconds_text(shard.predicted), seconds_text(shard.measured));
  }
  std::vector<std::string> missing;
  for (const int shard : report.missing_reports) missing.push_back(fmt::format("shard {}", shard));
  print_list("shards that left no report", missing);
  print_list("planned but did not run", report.not_run);
  print_list("ran more than once", report.ran_twice);
  print_list("ran in the wrong shard", report.wrong_shard);
  print_list("ran outside the plan's scope", report.out_of_scope);
  if (report.gone_tests > 0 || report.empty_files > 0) {
    fmt::print(
        "not required: {} listed tests pytest no longer collects, {} planned files with no tests "
        "(as the shards' plugin reported them; refresh the timings and re-plan)\n",
        report.gone_tests, report.empty_files);
  }
  if (report.unresolved > 0) {
    fmt::print("testcases naming no known test file ({}): see the warnings above\n",
               report.unresolved);
  }
}

int run_audit(const AuditCommand& options) {
  const RealFileSystem fs;
  auto plan = load_plan(fs, options.plan);
  if (!plan) return fail(plan.error());
  // Every test file under the root, not only the plan's scope: a testcase from outside the scope
  // must still resolve to its file so that the audit can name it.
  auto inputs = load_inputs(fs, options.universe, TimingOptions{});
  if (!inputs) return fail(inputs.error());
  const std::vector<std::string> known = known_files(*inputs);
  const ModuleIndex index(known);
  std::vector<JunitReport> reports;
  std::vector<int> shards;
  for (const std::string& pattern : options.junit) {
    if (auto done = collect(fs, pattern, *plan, index, known, reports, shards); !done)
      return fail(done.error());
  }
  std::vector<std::vector<const JunitReport*>> by_shard(
      static_cast<std::size_t>(plan->shard_count));
  for (std::size_t i = 0; i < reports.size(); ++i)
    by_shard[static_cast<std::size_t>(shards[i] - 1)].push_back(&reports[i]);
  std::optional<std::vector<std::string>> collected;
  if (!options.collected.empty()) {
    auto ids = load_collected(fs, options.collected, index);
    if (!ids) return fail(ids.error());
    collected = std::move(*ids);
  }
  const AuditReport report =
      audit_run(*plan, by_shard, AuditScope{&known, collected ? &*collected : nullptr});
  print_audit(report);
  if (!report.ok()) {
    return fail(
        error_in(options.plan,
                 "audit failed: the run did not execute this plan exactly once (lists above)"));
  }
  note(fmt::format("audit ok: {} reports; every planned test ran exactly once, in its shard",
                   reports.size()));
  return kExitOk;
}

}  // namespace

Runner setup_audit(CLI::App& command) {
  auto options = std::make_shared<AuditCommand>();
  add_plan_option(command, options->plan, "The plan the shards ran");
  add_junit_option(command, options->junit,
                   "JUnit reports of the shards: a path or glob; '{shard}' in it stands for the "
                   "shard index (e.g. 'reports/shard-{shard}/*.xml'). Without it each report must "
                   "carry <property name=\"shardplan_shard\" value=\"I\"/>. Repeatable")
      ->required();
  add_collected_option(command, options->collected,
                       "Node ids that exist now: the output of 'pytest --collect-only -q', or "
                       "JUnit reports of a full run (repeatable); planned slice tests missing from "
                       "it were deleted and are not required");
  add_universe_options(command, options->universe);
  add_pytest_args(command, options->universe);
  command.footer(
      "Fails when a planned test did not run (sliced files: every listed test that still exists; "
      "whole files: at least one testcase), a test ran more than once, a test ran outside its "
      "shard (unplanned tests belong to their file's shard or owner slice; unknown files to shard "
      "fnv1a64(path) mod N + 1), a test outside the plan's scope ran, or a shard left no "
      "report.\nExit codes: 0 ok; 1 the audit failed "
      "or invalid input; 2 usage error.");
  return [options] { return run_audit(*options); };
}

}  // namespace shardplan::cli
