#include "core/verify/rerun.h"

#include <algorithm>
#include <map>

#include "core/model.h"

namespace shardplan {

std::vector<RerunItem> failed_tests(const std::vector<JunitReport>& reports) {
  std::map<std::string, double, std::less<>> failed;
  for (const JunitReport& report : reports) {
    for (const JunitCase& test : report.cases) {
      if (test.outcome == Outcome::failed || test.outcome == Outcome::error)
        failed[std::string(test.id)] += test.seconds;
    }
  }
  std::vector<RerunItem> items;
  for (const auto& [id, seconds] : failed) {
    const std::string_view file = file_of(id);
    if (file != id && failed.count(std::string(file))) continue;  // the whole file runs again
    items.push_back({id, seconds});
  }
  return items;
}

std::vector<RerunItem> rerun_part(const std::vector<RerunItem>& items, int count, int part) {
  struct FileLoad {
    std::string_view file;
    double seconds = 0;
  };
  std::vector<FileLoad> files;
  for (const RerunItem& item : items) {
    const std::string_view file = file_of(item.id);
    if (files.empty() || files.back().file != file) files.push_back({file, 0});
    files.back().seconds += item.seconds;
  }
  std::stable_sort(files.begin(), files.end(), [](const FileLoad& a, const FileLoad& b) {
    return a.seconds != b.seconds ? a.seconds > b.seconds : a.file < b.file;
  });
  std::vector<double> loads(static_cast<std::size_t>(std::max(count, 1)), 0);
  std::map<std::string_view, int> part_of;
  for (const FileLoad& file : files) {
    const auto lightest = std::min_element(loads.begin(), loads.end()) - loads.begin();
    loads[static_cast<std::size_t>(lightest)] += file.seconds;
    part_of[file.file] = static_cast<int>(lightest) + 1;
  }
  std::vector<RerunItem> out;
  for (const RerunItem& item : items) {
    if (part_of[file_of(item.id)] == part) out.push_back(item);
  }
  return out;
}

}  // namespace shardplan
