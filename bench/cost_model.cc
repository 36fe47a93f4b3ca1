#include "cost_model.h"

#include <algorithm>
#include <unordered_map>

#include <fmt/format.h>

namespace shardplan::bench {

Suite suite_from_workload(const Workload& work) {
  Suite suite;
  for (std::size_t f = 0; f < work.files.size(); ++f) {
    const FileWork& file = work.files[f];
    suite.files.push_back(file.path);
    if (file.tests.empty()) {
      suite.units.push_back({f, file.seconds});
      suite.ids.push_back(file.path);
    }
    for (const TestTiming& test : file.tests) {
      suite.units.push_back({f, test.seconds});
      suite.ids.push_back(test.id);
    }
  }
  return suite;
}

double lower_bound(const Suite& suite, int jobs, const CostModel& cost) {
  double total = cost.file_overhead * static_cast<double>(suite.files.size());
  double heaviest = 0;
  for (const Unit& unit : suite.units) {
    total += unit.seconds;
    heaviest = std::max(heaviest, unit.seconds);
  }
  return cost.job_overhead + std::max(total / jobs, heaviest + cost.file_overhead);
}

Evaluation evaluate(const Suite& suite, const Assignment& assignment, const CostModel& cost) {
  const auto jobs = static_cast<std::size_t>(assignment.jobs);
  std::vector<double> load(jobs, cost.job_overhead);
  std::vector<std::vector<std::size_t>> files_of(jobs);
  for (std::size_t u = 0; u < suite.units.size(); ++u) {
    const auto job = static_cast<std::size_t>(assignment.job_of[u]);
    load[job] += suite.units[u].seconds;
    files_of[job].push_back(suite.units[u].file);
  }
  Evaluation result;
  std::vector<std::size_t> jobs_of_file(suite.files.size(), 0);
  for (std::size_t job = 0; job < jobs; ++job) {
    auto& files = files_of[job];
    std::sort(files.begin(), files.end());
    files.erase(std::unique(files.begin(), files.end()), files.end());
    for (const std::size_t file : files) ++jobs_of_file[file];
    load[job] += cost.file_overhead * static_cast<double>(files.size());
    result.imports += files.size();
    result.empty_jobs += files.empty() ? 1 : 0;
    result.job_seconds += load[job];
    result.makespan = std::max(result.makespan, load[job]);
  }
  result.max_imports = *std::max_element(jobs_of_file.begin(), jobs_of_file.end());
  result.lower_bound = lower_bound(suite, assignment.jobs, cost);
  return result;
}

std::string assignment_from_plan(const Suite& suite, const Plan& plan, Assignment& out) {
  std::unordered_map<std::string_view, std::size_t> unit_of;
  std::unordered_map<std::string_view, std::vector<std::size_t>> units_of_file;
  for (std::size_t u = 0; u < suite.units.size(); ++u) {
    unit_of.emplace(suite.ids[u], u);
    units_of_file[suite.files[suite.units[u].file]].push_back(u);
  }
  out = Assignment{std::vector<int>(suite.units.size(), -1), plan.shard_count};
  auto place = [&](std::size_t u, int job) {
    if (out.job_of[u] >= 0)
      return fmt::format("{} is in shards {} and {}", suite.ids[u], out.job_of[u] + 1, job + 1);
    out.job_of[u] = job;
    return std::string();
  };
  for (const Shard& shard : plan.shards) {
    for (const std::string& file : shard.files) {
      for (const std::size_t u : units_of_file[file]) {
        if (auto error = place(u, shard.index - 1); !error.empty()) return error;
      }
    }
    for (const Slice& slice : shard.slices) {
      for (const std::string& id : slice.tests) {
        const auto it = unit_of.find(id);
        if (it == unit_of.end()) return fmt::format("slice lists unknown test {}", id);
        if (auto error = place(it->second, shard.index - 1); !error.empty()) return error;
      }
    }
  }
  for (std::size_t u = 0; u < suite.units.size(); ++u) {
    if (out.job_of[u] < 0) return fmt::format("{} is in no shard", suite.ids[u]);
  }
  return {};
}

}  // namespace shardplan::bench
