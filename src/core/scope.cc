#include "core/scope.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/fnmatch.h"

namespace shardplan {
namespace {

bool under_any(std::string_view file, const std::vector<std::string>& dirs) {
  return std::any_of(dirs.begin(), dirs.end(),
                     [&](const std::string& dir) { return is_at_or_under(file, dir); });
}

}  // namespace

bool is_scope_source(std::string_view source) {
  return source == "walk" || source == "files-from" || source == "files-from-timings";
}

bool is_at_or_under(std::string_view path, std::string_view dir) {
  if (dir.empty()) return true;
  return path.substr(0, dir.size()) == dir &&
         (path.size() == dir.size() || path[dir.size()] == '/');
}

bool is_excluded(std::string_view file, const std::vector<std::string>& exclude) {
  for (const std::string& pattern : exclude) {
    if (!pattern.empty() && is_at_or_under(file, pattern)) return true;
    if (!has_glob_chars(pattern)) continue;
    for (std::size_t end = file.size(); end != std::string_view::npos && end > 0;
         end = file.rfind('/', end - 1)) {
      if (fnmatch(file.substr(0, end), pattern)) return true;
    }
  }
  return false;
}

bool is_included(std::string_view file, const std::vector<std::string>& include) {
  return include.empty() || under_any(file, include);
}

ScopeRule::ScopeRule(const Plan& plan) : scope_(plan.scope) {
  if (scope_.source == "files-from") planned_ = planned_files(plan);
}

bool ScopeRule::contains(std::string_view file) const {
  if (scope_.source == "files-from") {
    return std::binary_search(planned_.begin(), planned_.end(), file, std::less<>());
  }
  return (scope_.paths.empty() || under_any(file, scope_.paths)) &&
         is_included(file, scope_.include) && !is_excluded(file, scope_.exclude);
}

std::string ScopeRule::describe() const {
  std::string text = scope_.source == "walk" ? "the files pytest collects under the root"
                     : scope_.source == "files-from"
                         ? "exactly the planned files (--files-from)"
                         : "the files pytest collects under the root (timings)";
  if (!scope_.paths.empty()) text += fmt::format("; paths {}", fmt::join(scope_.paths, ", "));
  if (!scope_.include.empty()) text += fmt::format("; include {}", fmt::join(scope_.include, ", "));
  if (!scope_.exclude.empty()) text += fmt::format("; exclude {}", fmt::join(scope_.exclude, ", "));
  if (!scope_.config.empty()) text += fmt::format("; config {}", scope_.config);
  return text;
}

}  // namespace shardplan
