#include "core/glob.h"

#include <algorithm>

#include <fmt/format.h>

#include "core/discover.h"

namespace shardplan {
namespace {

std::vector<std::string> split_segments(const std::string& pattern) {
  std::vector<std::string> segments;
  std::size_t start = 0;
  while (start <= pattern.size()) {
    const std::size_t slash = std::min(pattern.find('/', start), pattern.size());
    if (slash > start) segments.push_back(pattern.substr(start, slash - start));
    start = slash + 1;
  }
  return segments;
}

std::string child_path(const std::string& dir, const std::string& name) {
  if (dir.empty()) return name;
  if (dir == "/") return "/" + name;
  return dir + "/" + name;
}

void walk(const FileSystem& fs, const std::string& dir, const std::vector<std::string>& segments,
          std::size_t at, std::vector<std::string>& out, int depth) {
  if (depth > 64) return;  // a symlink loop under "**"
  const std::string& segment = segments[at];
  const bool last = at + 1 == segments.size();
  if (segment == "**") {
    if (!last) walk(fs, dir, segments, at + 1, out, depth);
    auto entries = fs.list(dir.empty() ? "." : dir);
    if (!entries) return;
    for (const DirEntry& entry : *entries) {
      if (entry.kind == EntryKind::directory) walk(fs, child_path(dir, entry.name), segments, at, out, depth + 1);
      else if (last && entry.kind == EntryKind::file) out.push_back(child_path(dir, entry.name));
    }
    return;
  }
  if (!has_glob_chars(segment)) {
    const std::string path = child_path(dir, segment);
    const EntryKind kind = fs.kind(path);
    if (last && kind == EntryKind::file) out.push_back(path);
    if (!last && kind == EntryKind::directory) walk(fs, path, segments, at + 1, out, depth + 1);
    return;
  }
  auto entries = fs.list(dir.empty() ? "." : dir);
  if (!entries) return;
  for (const DirEntry& entry : *entries) {
    if (!fnmatch(entry.name, segment)) continue;
    const std::string path = child_path(dir, entry.name);
    if (last && entry.kind == EntryKind::file) out.push_back(path);
    if (!last && entry.kind == EntryKind::directory) walk(fs, path, segments, at + 1, out, depth + 1);
  }
}

}  // namespace

bool has_glob_chars(std::string_view pattern) {
  return pattern.find_first_of("*?[") != std::string_view::npos;
}

Result<std::vector<std::string>> expand_glob(const FileSystem& fs, const std::string& pattern) {
  if (!has_glob_chars(pattern)) {
    if (fs.kind(pattern) != EntryKind::file) return error_in(pattern, "no such report file");
    return std::vector<std::string>{pattern};
  }
  const std::vector<std::string> segments = split_segments(pattern);
  std::vector<std::string> found;
  if (!segments.empty()) walk(fs, pattern.front() == '/' ? "/" : "", segments, 0, found, 0);
  std::sort(found.begin(), found.end());
  found.erase(std::unique(found.begin(), found.end()), found.end());
  if (found.empty()) return error_in(pattern, "no report file matches this pattern");
  return found;
}

}  // namespace shardplan
