// The common yardstick for every sharding algorithm in the benchmarks: a suite is a list of
// indivisible units (a timed test, or an untimed file as one unit with its estimate), a plan
// assigns each unit to a job, and every job costs its job overhead plus, for each file it
// imports, the file overhead plus the seconds of its units. Benchmark support only.
#pragma once

#include <string>
#include <vector>

#include "core/model.h"
#include "core/plan/workload.h"

namespace shardplan::bench {

struct Unit {
  std::size_t file = 0;  // index into Suite::files
  double seconds = 0;
};

struct Suite {
  std::vector<std::string> files;  // sorted
  std::vector<Unit> units;         // collection order: by file, then test id
  std::vector<std::string> ids;    // per unit: test id, or the file path for an untimed file
};

// Units from shardplan's workload, so every algorithm sees the same tests and estimates.
Suite suite_from_workload(const Workload& work);

struct CostModel {
  double job_overhead = 30;
  double file_overhead = 0.25;
};

struct Assignment {
  std::vector<int> job_of;  // per unit, 0-based job
  int jobs = 0;
};

struct Evaluation {
  double makespan = 0;          // slowest job, overheads included
  double lower_bound = 0;       // job overhead + max(total work / N, heaviest unit + file overhead)
  double job_seconds = 0;       // sum over all jobs
  std::size_t imports = 0;      // (job, file) pairs: how often files are imported in total
  std::size_t max_imports = 0;  // most jobs that import one file
  int empty_jobs = 0;
};

double lower_bound(const Suite& suite, int jobs, const CostModel& cost);
Evaluation evaluate(const Suite& suite, const Assignment& assignment, const CostModel& cost);

// Maps a shardplan plan onto the suite's units; returns an empty string or what is wrong
// (a unit covered twice or never).
std::string assignment_from_plan(const Suite& suite, const Plan& plan, Assignment& out);

}  // namespace shardplan::bench
