// The plan's scope as a rule on root-relative paths: which collected files a job may run at
// all. One rule for check, audit, show and run; the plugin applies the same rule in Python
// (python/shardplan_pytest.py, `Scope`). Pure: no filesystem access.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/model.h"

namespace shardplan {

// "walk", "files-from" or "files-from-timings".
bool is_scope_source(std::string_view source);

// True when `path` is `dir` or lies under it ("" is the root and holds everything).
bool is_at_or_under(std::string_view path, std::string_view dir);

// --exclude: a path drops itself and everything under it; a glob (fnmatch, '*' spans '/')
// drops the files it matches and everything under the directories it matches.
bool is_excluded(std::string_view file, const std::vector<std::string>& exclude);

// --include: no entries keep everything; otherwise the file must be at or under one of them.
bool is_included(std::string_view file, const std::vector<std::string>& include);

class ScopeRule {
 public:
  explicit ScopeRule(const Plan& plan);
  // Whether a collected test file (root-relative) belongs to the plan's scope: only such files
  // may run; a file in scope that the plan does not know runs in its hash shard.
  bool contains(std::string_view file) const;
  // One line for people: "walk of the root; include tests/unit; exclude tests/integration".
  std::string describe() const;

 private:
  const PlanScope& scope_;
  std::vector<std::string> planned_;  // for source "files-from": the only files in scope
};

}  // namespace shardplan
