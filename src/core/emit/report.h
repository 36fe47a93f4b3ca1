// The plan report (docs/report.md): one self-contained HTML page (inline SVG chart and CSS, no
// script, no network), the same content as Markdown tables, or the chart alone as SVG. Pure:
// plan, optional per-file timings and optional measured run in, text out; byte-identical for
// the same inputs. Reads no files and no JUnit: the caller turns reports into `Measured`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/model.h"

namespace shardplan {

enum class ReportFormat { html, markdown, svg };

// What a run took, attributed to shards by the plan (see measure_run).
struct Measured {
  std::vector<double> shard_seconds;     // [i] is shard i + 1; sum of its testcase times
  std::vector<std::size_t> shard_tests;  // [i] is shard i + 1; testcases attributed to it
  std::vector<TestTiming> tests;         // per test id, sorted, repeated ids summed
  std::size_t unplanned_tests = 0;       // testcases of files the plan does not know
};

// Attributes each testcase (node id or bare file path, seconds) to the shard the plan runs it
// in: a whole file's shard; for a sliced file the slice listing the test, else the owner slice;
// for a file the plan does not know, shard_for_unknown_file.
Measured measure_run(const Plan& plan, const std::vector<TestTiming>& cases);

struct ReportInput {
  const Plan* plan = nullptr;
  // Per-file work of the planned files (build_workload over the timings the plan was made
  // from), sorted by path. Empty: whole files have no individual times, so each shard's whole
  // files are drawn as one segment and only the times the plan itself fixes are listed.
  std::vector<FileWork> files;
  std::optional<Measured> measured;
  double job_overhead = 0;  // per-shard fixed cost (the plan's shard_overhead_seconds)
};

std::string render_report(const ReportInput& input, ReportFormat format);

}  // namespace shardplan
