#include "core/emit/report_model.h"

#include <algorithm>
#include <cmath>
#include <map>

#include <fmt/format.h>

namespace shardplan {
namespace {

// Where the plan runs each file and test: the lookups behind measured-time attribution.
class Placement {
 public:
  explicit Placement(const Plan& plan) {
    for (const Shard& shard : plan.shards) {
      for (const std::string& file : shard.files) whole_[file] = shard.index;
      for (const Slice& slice : shard.slices) {
        if (slice.owner) owner_[slice.file] = shard.index;
        for (const std::string& test : slice.tests) listed_[test] = shard.index;
      }
    }
  }
  // 0 when the plan does not know the test's file.
  int shard_of(const std::string& id) const {
    const std::string file(file_of(id));
    if (auto found = whole_.find(file); found != whole_.end()) return found->second;
    if (auto found = listed_.find(id); found != listed_.end()) return found->second;
    if (auto found = owner_.find(file); found != owner_.end()) return found->second;
    return 0;
  }

 private:
  std::map<std::string, int> whole_, owner_, listed_;
};

}  // namespace

Measured measure_run(const Plan& plan, const std::vector<TestTiming>& cases) {
  Measured out;
  const auto count = static_cast<std::size_t>(std::max(plan.shard_count, 0));
  out.shard_seconds.assign(count, 0.0);
  out.shard_tests.assign(count, 0);
  if (count == 0) return out;
  const Placement placement(plan);
  std::map<std::string, double> per_test;
  for (const TestTiming& test : cases) {
    int shard = placement.shard_of(test.id);
    if (shard == 0) {
      ++out.unplanned_tests;
      shard = shard_for_unknown_file(file_of(test.id), plan.shard_count);
    }
    if (shard < 1 || static_cast<std::size_t>(shard) > count) continue;
    out.shard_seconds[static_cast<std::size_t>(shard - 1)] += test.seconds;
    ++out.shard_tests[static_cast<std::size_t>(shard - 1)];
    per_test[test.id] += test.seconds;
  }
  for (auto& [id, seconds] : per_test) out.tests.push_back({id, seconds});
  return out;
}

namespace report {
namespace {

using WorkIndex = std::map<std::string, const FileWork*, std::less<>>;

struct Context {
  const ReportInput& input;
  const Plan& plan;
  WorkIndex work;
  std::map<std::string, double> measured_files;  // measured seconds per file
  std::size_t mismatched_shards = 0;
};

std::string name_list(const std::vector<std::string>& names, std::size_t limit) {
  std::string out;
  for (std::size_t i = 0; i < names.size() && i < limit; ++i) out += (i ? ", " : "") + names[i];
  if (names.size() > limit) out += fmt::format(", and {} more", names.size() - limit);
  return out;
}

double whole_files_seconds(const Shard& shard, double overhead) {
  double rest = shard.predicted_seconds - overhead * static_cast<double>(shard.files.size());
  for (const Slice& slice : shard.slices) rest -= slice.seconds;
  return std::max(rest, 0.0);
}

// The whole files of one shard: one segment each when their times are known (scaled so the bar
// adds up to the plan's prediction), else one segment for all of them.
void add_whole_files(Context& context, const Shard& shard, std::vector<Segment>& out) {
  const double total = whole_files_seconds(shard, context.plan.file_overhead);
  if (shard.files.empty()) return;
  if (context.work.empty()) {
    if (shard.files.size() == 1) {
      out.push_back({SegmentKind::file, total, total, shard.files[0], ""});
    } else {
      out.push_back(
          {SegmentKind::files, total, total, fmt::format("{} whole files", shard.files.size()),
           fmt::format(" (per-file times need --durations): {}", name_list(shard.files, 8))});
    }
    return;
  }
  std::vector<std::pair<double, std::string>> files;
  double sum = 0;
  for (const std::string& path : shard.files) {
    const auto found = context.work.find(path);
    const double seconds = found == context.work.end() ? 0.0 : found->second->seconds;
    files.emplace_back(seconds, path);
    sum += seconds;
  }
  if (std::abs(sum - total) > 0.01 + 1e-6 * total) ++context.mismatched_shards;
  const double scale = sum > 0 ? total / sum : 0.0;
  std::sort(files.begin(), files.end(), [](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : a.second < b.second;
  });
  for (const auto& [seconds, path] : files) {
    const auto found = context.work.find(path);
    const bool estimated = found != context.work.end() && found->second->estimated;
    out.push_back({SegmentKind::file, seconds * scale, seconds, path,
                   estimated ? " (estimated: no timing)" : ""});
  }
}

ShardRow shard_row(Context& context, const Shard& shard) {
  const double overhead = context.plan.file_overhead;
  ShardRow row{shard.index, shard.files.size(), shard.slices.size(), shard.predicted_seconds, {},
               {}};
  if (context.input.job_overhead > 0) {
    const double job = context.input.job_overhead;
    row.segments.push_back({SegmentKind::job_overhead, job, job, "job overhead", ""});
  }
  const std::size_t collected = shard.files.size() + shard.slices.size();
  if (overhead > 0 && collected > 0) {
    const double seconds = overhead * static_cast<double>(collected);
    row.segments.push_back(
        {SegmentKind::file_overhead, seconds, seconds, "file overhead",
         fmt::format(" ({} files and slices × {} s)", collected, fixed(overhead))});
  }
  add_whole_files(context, shard, row.segments);
  for (const Slice& slice : shard.slices) {
    const double seconds = std::max(slice.seconds - overhead, 0.0);
    row.segments.push_back({SegmentKind::slice, seconds, seconds, slice.file,
                            fmt::format(" (slice {}/{}{}, {} tests)", slice.index, slice.count,
                                        slice.owner ? ", owner" : "", slice.tests.size())});
  }
  const auto& measured = context.input.measured;
  const auto at = static_cast<std::size_t>(shard.index - 1);
  if (measured && at < measured->shard_seconds.size()) row.measured = measured->shard_seconds[at];
  return row;
}

struct SliceInfo {
  int index = 1;
  int shard = 1;
  double seconds = 0;
};

std::map<std::string, std::vector<SliceInfo>> slices_by_file(const Plan& plan) {
  std::map<std::string, std::vector<SliceInfo>> out;
  for (const Shard& shard : plan.shards) {
    for (const Slice& slice : shard.slices) {
      out[slice.file].push_back(
          {slice.index, shard.index, std::max(slice.seconds - plan.file_overhead, 0.0)});
    }
  }
  for (auto& [file, slices] : out) {
    std::sort(slices.begin(), slices.end(),
              [](const SliceInfo& a, const SliceInfo& b) { return a.index < b.index; });
  }
  return out;
}

// Every planned file with what is known of its time, by path.
std::vector<FileRow> file_rows(const Context& context) {
  const auto sliced = slices_by_file(context.plan);
  std::map<std::string, FileRow> rows;
  for (const Shard& shard : context.plan.shards) {
    for (const std::string& path : shard.files) {
      FileRow& row = rows[path];
      row.path = path;
      row.placement = fmt::format("shard {}", shard.index);
      if (shard.files.size() == 1)
        row.predicted = whole_files_seconds(shard, context.plan.file_overhead);
    }
  }
  for (const auto& [path, slices] : sliced) {
    FileRow& row = rows[path];
    row.path = path;
    double sum = 0;
    std::vector<std::string> shards;
    for (const SliceInfo& slice : slices) {
      sum += slice.seconds;
      shards.push_back(std::to_string(slice.shard));
    }
    row.predicted = sum;
    row.slices = slices.size();
    row.placement =
        fmt::format("{} slices: shards {}", slices.size(), name_list(shards, shards.size()));
  }
  std::vector<FileRow> out;
  for (auto& [path, row] : rows) {
    if (auto found = context.work.find(path); found != context.work.end()) {
      row.predicted = found->second->seconds;
      row.estimated = found->second->estimated;
    }
    if (auto found = context.measured_files.find(path); found != context.measured_files.end()) {
      row.measured = found->second;
    }
    out.push_back(std::move(row));
  }
  return out;
}

template <class Row, class Key>
std::vector<Row> top(std::vector<Row> rows, Key key) {
  std::stable_sort(rows.begin(), rows.end(),
                   [&](const Row& a, const Row& b) { return key(a) > key(b); });
  if (rows.size() > kTopCount) rows.resize(kTopCount);
  return rows;
}

void rank_files(Model& model, const Context& context, std::vector<FileRow> rows) {
  const bool by_measured = context.work.empty() && model.has_measured;
  std::erase_if(rows,
                [&](const FileRow& row) { return !(by_measured ? row.measured : row.predicted); });
  model.files_source = !context.work.empty() ? "predicted from the timings"
                       : by_measured
                           ? "measured in the run"
                           : "predicted, files whose time the plan fixes (sliced files and "
                             "files alone on their shard); pass --durations for all";
  model.slowest = top(std::move(rows), [&](const FileRow& row) {
    return by_measured ? *row.measured : *row.predicted;
  });
}

void rank_tests(Model& model, const Context& context) {
  const Placement placement(context.plan);
  std::vector<TestRow> rows;
  if (model.has_measured) {
    model.test_source = TestSource::measured;
    for (const TestTiming& test : context.input.measured->tests)
      rows.push_back({test.id, test.seconds, placement.shard_of(test.id)});
  } else if (!context.work.empty()) {
    model.test_source = TestSource::timings;
    for (const FileWork& file : context.input.files) {
      for (const TestTiming& test : file.tests)
        rows.push_back({test.id, test.seconds, placement.shard_of(test.id)});
    }
  } else {
    model.test_source = TestSource::slices;
    for (const Shard& shard : context.plan.shards) {
      for (const Slice& slice : shard.slices) {
        rows.push_back({fmt::format("{} [slice {}/{}, {} tests]", slice.file, slice.index,
                                    slice.count, slice.tests.size()),
                        std::max(slice.seconds - context.plan.file_overhead, 0.0), shard.index});
      }
    }
  }
  std::sort(rows.begin(), rows.end(),
            [](const TestRow& a, const TestRow& b) { return a.id < b.id; });
  model.slowest_tests = top(std::move(rows), [](const TestRow& row) { return row.seconds; });
}

void add_notes(Model& model, const Context& context) {
  const Plan& plan = context.plan;
  if (plan.estimated)
    model.notes.push_back(
        "The plan was made without timings: every file weighs the same estimate.");
  if (context.mismatched_shards > 0) {
    model.notes.push_back(
        fmt::format("On {} shards the given timings do not add up to the plan's prediction (was "
                    "the plan made from other "
                    "timings?); their file segments are scaled to the plan.",
                    context.mismatched_shards));
  }
  if (!model.has_measured) return;
  const Measured& measured = *context.input.measured;
  if (measured.unplanned_tests > 0) {
    model.notes.push_back(
        fmt::format("{} measured testcases are in files the plan does not know; they count for "
                    "the shard that runs unknown files.",
                    measured.unplanned_tests));
  }
  std::vector<std::string> silent;
  for (std::size_t i = 0; i < measured.shard_tests.size(); ++i) {
    if (measured.shard_tests[i] == 0) silent.push_back(std::to_string(i + 1));
  }
  if (!silent.empty())
    model.notes.push_back("No measured testcases for shards " + name_list(silent, 20) + ".");
}

}  // namespace

std::string fixed(double value, int decimals) {
  const double unit = std::pow(10.0, -decimals) / 2;
  if (std::abs(value) < unit || !std::isfinite(value)) value = 0;
  return fmt::format("{:.{}f}", value, decimals);
}

Model build_model(const ReportInput& input) {
  const Plan& plan = *input.plan;
  Context context{input, plan, {}, {}, 0};
  for (const FileWork& file : input.files) context.work.emplace(file.path, &file);
  Model model;
  model.plan = &plan;
  model.balance = balance_of(plan);
  model.has_measured = input.measured.has_value();
  if (input.measured) {
    for (const TestTiming& test : input.measured->tests)
      context.measured_files[std::string(file_of(test.id))] += test.seconds;
  }
  model.chart_max = std::max(plan.lower_bound, model.balance.max);
  for (const Shard& shard : plan.shards) {
    ShardRow row = shard_row(context, shard);
    double drawn = 0;
    for (const Segment& segment : row.segments) drawn += segment.width_seconds;
    model.chart_max = std::max({model.chart_max, drawn, row.measured.value_or(0.0)});
    model.shards.push_back(std::move(row));
  }
  std::vector<FileRow> rows = file_rows(context);
  for (const FileRow& row : rows) {
    if (row.slices > 0) model.sliced.push_back(row);
    if (row.estimated) model.untimed.push_back(row.path);
  }
  rank_files(model, context, std::move(rows));
  rank_tests(model, context);
  add_notes(model, context);
  return model;
}

}  // namespace report
}  // namespace shardplan
