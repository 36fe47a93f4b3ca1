#include "cli/plan_scope.h"

#include <algorithm>

#include "cli/reports.h"
#include "core/glob.h"
#include "core/text.h"

namespace shardplan::cli {

UniverseOptions universe_of_plan(UniverseOptions given, const Plan& plan) {
  if (!given.files_from.empty() || given.files_from_timings) return given;
  if (given.include.empty() && given.exclude.empty()) {
    given.include = plan.scope.include;
    given.exclude = plan.scope.exclude;
  }
  if (given.pytest_args.empty()) given.pytest_args = plan.scope.paths;
  return given;
}

namespace {

bool looks_like_xml(std::string_view content) {
  const auto start = content.find_first_not_of(" \t\r\n\xEF\xBB\xBF");
  return start != std::string_view::npos && content[start] == '<';
}

void add_lines(std::string_view content, std::vector<std::string>& ids) {
  while (!content.empty()) {
    std::string_view line = next_line(content);
    // `--collect-only -q` ends with "N tests collected in 0.1s" and may print warnings: only
    // lines that look like node ids count.
    const auto names = line.find("::");
    if (names != std::string_view::npos && names > 0 &&
        line.substr(0, names).find(' ') == std::string_view::npos) {
      ids.emplace_back(without_xdist_group(line));
    }
  }
}

}  // namespace

Result<std::vector<std::string>> load_collected(const FileSystem& fs,
                                                const std::vector<std::string>& sources,
                                                const ModuleIndex& index) {
  std::vector<std::string> ids;
  for (const std::string& source : sources) {
    const bool pattern = source.find_first_of("*?[") != std::string::npos;
    if (!pattern) {
      auto content = fs.read(source);
      if (!content) return content.error();
      if (!looks_like_xml(*content)) {
        add_lines(*content, ids);
        continue;
      }
    }
    auto reports = read_reports(fs, source, index);
    if (!reports) return reports.error();
    for (const JunitReport& report : *reports) {
      warn_unresolved(report);
      for (const JunitCase& test : report.cases) ids.emplace_back(test.id);
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  return ids;
}

}  // namespace shardplan::cli
