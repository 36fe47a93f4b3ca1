// What the plan report shows, computed once from the plan and its optional inputs and shared by
// the HTML, Markdown and SVG writers: stacked segments per shard, the tables, the notes.
// Internal to emit/report*; no formatting of output here.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "core/emit/report.h"

namespace shardplan::report {

// Drawing order within a bar, left to right.
enum class SegmentKind { job_overhead, file_overhead, file, files, slice };

struct Segment {
  SegmentKind kind = SegmentKind::file;
  double width_seconds = 0;  // how long it is drawn (scaled to the plan's shard total)
  double seconds = 0;        // the time it names on hover
  std::string name;          // a path, or what the segment is ("file overhead")
  std::string detail;        // appended to the hover text after the seconds, may be empty
};

struct ShardRow {
  int index = 1;
  std::size_t files = 0;
  std::size_t slices = 0;
  double predicted = 0;
  std::optional<double> measured;
  std::vector<Segment> segments;
};

struct FileRow {
  std::string path;
  std::optional<double> predicted;  // tests only, no overhead
  std::optional<double> measured;
  bool estimated = false;  // no timing: the planner's estimate
  std::size_t slices = 0;  // 0: run whole
  std::string placement;   // "shard 3" or "3 slices: shards 1, 4, 7"
};

struct TestRow {
  std::string id;  // a node id, or "file [slice i/n, k tests]" when listing slices
  double seconds = 0;
  int shard = 1;
};

enum class TestSource { measured, timings, slices };

struct Model {
  const Plan* plan = nullptr;
  Balance balance;
  double chart_max = 0;  // seconds at the right end of the axis
  std::vector<ShardRow> shards;
  std::vector<FileRow> sliced;   // every sliced file, by path
  std::vector<FileRow> slowest;  // up to kTopCount
  TestSource test_source = TestSource::slices;
  std::vector<TestRow> slowest_tests;  // up to kTopCount
  std::vector<std::string> untimed;    // known only with per-file work
  std::string files_source;            // what the slowest-files ranking is based on
  std::vector<std::string> notes;
  bool has_measured = false;
};

inline constexpr std::size_t kTopCount = 20;

Model build_model(const ReportInput& input);

// Fixed-decimal seconds ("12.34"); never "-0.00".
std::string fixed(double value, int decimals = 2);

}  // namespace shardplan::report
