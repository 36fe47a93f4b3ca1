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

  explicit DirectoryMeans(const std::vector<FileWork>& timed) {
    for (const FileWork& file : timed) {
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

Workload build_workload(const std::vector<std::string>& universe, const Timings* timings) {
  Workload work;
  work.stats.universe_files = universe.size();
  work.estimated = timings == nullptr;
  std::map<std::string_view, std::vector<const TestTiming*>> by_file;
  if (timings) {
    work.stats.skipped_invalid = timings->skipped_invalid;
    for (const TestTiming& test : timings->tests) by_file[file_of(test.id)].push_back(&test);
  }
  std::vector<FileWork> timed;
  for (const std::string& path : universe) {
    FileWork file{path, 0, true, {}};
    if (const auto it = by_file.find(path); it != by_file.end()) {
      file.estimated = false;
      for (const TestTiming* test : it->second) {
        file.seconds += test->seconds;
        file.tests.push_back(*test);
      }
      work.stats.known_tests += file.tests.size();
      timed.push_back({file.path, file.seconds, false, {}});
    }
    work.files.push_back(std::move(file));
  }
  for (const auto& [path, tests] : by_file) {
    if (!std::binary_search(universe.begin(), universe.end(), path)) {
      work.stats.stale_entries += tests.size();
    }
  }
  work.stats.timed_files = timed.size();
  work.stats.estimated_files = universe.size() - timed.size();
  std::vector<double> timed_seconds;
  for (const FileWork& file : timed) timed_seconds.push_back(file.seconds);
  const double median = timed.empty() ? kNoTimingsFileSeconds : median_of(timed_seconds);
  const DirectoryMeans means(timed);
  for (FileWork& file : work.files) {
    if (file.estimated) file.seconds = means.estimate(file.path, median);
  }
  return work;
}

}  // namespace shardplan
