#include "core/plan/workload.h"

#include <algorithm>
#include <map>

namespace shardplan {
namespace {

std::string parent_dir(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

double median_of(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const std::size_t mid = values.size() / 2;
  return values.size() % 2 ? values[mid] : (values[mid - 1] + values[mid]) / 2;
}

struct Mean {
  double sum = 0;
  std::size_t count = 0;
  double value() const { return sum / static_cast<double>(count); }
};

// Sums of timed files per directory: `own` counts files directly in it, `below` anywhere under.
struct DirectoryMeans {
  std::map<std::string, Mean> own;
  std::map<std::string, Mean> below;

  explicit DirectoryMeans(const std::vector<FileWork>& files) {
    for (const FileWork& file : files) {
      if (file.estimated) continue;
      std::string dir = parent_dir(file.path);
      add(own[dir], file.seconds);
      for (;;) {
        add(below[dir], file.seconds);
        if (dir.empty()) break;
        dir = parent_dir(dir);
      }
    }
  }
  static void add(Mean& mean, double seconds) {
    mean.sum += seconds;
    ++mean.count;
  }

  double estimate(const std::string& path, double median) const {
    std::string dir = parent_dir(path);
    if (const auto it = own.find(dir); it != own.end()) return it->second.value();
    while (!dir.empty()) {
      dir = parent_dir(dir);
      if (const auto it = below.find(dir); it != below.end()) return it->second.value();
    }
    return median;
  }
};

}  // namespace

std::vector<std::string> files_in_timings(const Timings& timings) {
  std::vector<std::string> files;
  for (const TestTiming& test : timings.tests) {
    const std::string_view file = file_of(test.id);
    if (files.empty() || files.back() != file) files.emplace_back(file);
  }
  std::sort(files.begin(), files.end());
  files.erase(std::unique(files.begin(), files.end()), files.end());
  return files;
}

namespace {

// Tests are sorted by id, so each file's tests form one contiguous run. With `movable` set
// (== timings) the tests are moved out instead of copied.
Workload build(const std::vector<std::string>& universe, const Timings* timings, Timings* movable) {
  Workload work;
  work.stats.universe_files = universe.size();
  work.estimated = timings == nullptr;
  work.files.reserve(universe.size());
  for (const std::string& path : universe) work.files.push_back({path, 0, true, {}});
  std::size_t timed = 0;
  if (timings) {
    work.stats.skipped_invalid = timings->skipped_invalid;
    const auto& tests = timings->tests;
    for (std::size_t begin = 0, end = 0; begin < tests.size(); begin = end) {
      const std::string_view file = file_of(tests[begin].id);
      for (end = begin + 1; end < tests.size() && file_of(tests[end].id) == file;) ++end;
      const auto it = std::lower_bound(universe.begin(), universe.end(), file);
      if (it == universe.end() || *it != file) {
        work.stats.stale_entries += end - begin;
        continue;
      }
      FileWork& target = work.files[static_cast<std::size_t>(it - universe.begin())];
      target.estimated = false;
      const auto first = static_cast<std::ptrdiff_t>(begin);
      const auto last = static_cast<std::ptrdiff_t>(end);
      if (movable) {
        target.tests.assign(std::make_move_iterator(movable->tests.begin() + first),
                            std::make_move_iterator(movable->tests.begin() + last));
      } else {
        target.tests.assign(tests.begin() + first, tests.begin() + last);
      }
      for (const TestTiming& test : target.tests) target.seconds += test.seconds;
      work.stats.known_tests += end - begin;
      ++timed;
    }
  }
  work.stats.timed_files = timed;
  work.stats.estimated_files = universe.size() - timed;
  if (work.stats.estimated_files == 0) return work;
  std::vector<double> timed_seconds;
  for (const FileWork& file : work.files) {
    if (!file.estimated) timed_seconds.push_back(file.seconds);
  }
  const double median = timed_seconds.empty() ? kNoTimingsFileSeconds : median_of(timed_seconds);
  const DirectoryMeans means(work.files);
  for (FileWork& file : work.files) {
    if (file.estimated) file.seconds = means.estimate(file.path, median);
  }
  return work;
}

}  // namespace

Workload build_workload(const std::vector<std::string>& universe, const Timings* timings) {
  return build(universe, timings, nullptr);
}

Workload build_workload(const std::vector<std::string>& universe, Timings&& timings) {
  return build(universe, &timings, &timings);
}

}  // namespace shardplan
