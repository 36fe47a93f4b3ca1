#include "core/glob.h"

#include <algorithm>

namespace shardplan {
namespace {

class GlobWalk {
 public:
  GlobWalk(const FileSystem& fs, std::string base) : fs_(fs), base_(std::move(base)) {}

  // The candidates after matching one more segment of the pattern.
  std::vector<std::string> step(const std::vector<std::string>& candidates, const std::string& part,
                                bool last) {
    std::vector<std::string> out;
    for (const std::string& dir : candidates) {
      if (part == "**") {
        if (fs_.kind(full(dir)) == EntryKind::directory) descend(dir, !last, out);
      } else if (!has_glob_chars(part)) {
        const std::string path = join(dir, part);
        if (fs_.kind(full(path)) != EntryKind::other) out.push_back(path);
      } else {
        match_entries(dir, part, last, out);
      }
    }
    return out;
  }

 private:
  std::string full(const std::string& path) const {
    if (path.empty()) return base_.empty() ? "." : base_;
    return path.front() == '/' ? path : join_path(base_, path);
  }
  static std::string join(const std::string& dir, const std::string& name) {
    if (dir.empty()) return name;
    return dir == "/" ? "/" + name : dir + "/" + name;
  }
  // `dir` itself, then everything below it; hidden names are skipped.
  void descend(const std::string& dir, bool dirs_only, std::vector<std::string>& out) {
    out.push_back(dir);
    const std::string identity = fs_.identity(full(dir));
    if (std::find(stack_.begin(), stack_.end(), identity) != stack_.end()) return;
    auto entries = fs_.list(full(dir));
    if (!entries) return;
    stack_.push_back(identity);
    for (const DirEntry& entry : *entries) {
      if (entry.name.front() == '.') continue;
      if (entry.kind == EntryKind::directory) {
        descend(join(dir, entry.name), dirs_only, out);
      } else if (!dirs_only) {
        out.push_back(join(dir, entry.name));
      }
    }
    stack_.pop_back();
  }
  void match_entries(const std::string& dir, const std::string& part, bool last,
                     std::vector<std::string>& out) {
    auto entries = fs_.list(full(dir));
    if (!entries) return;
    for (const DirEntry& entry : *entries) {
      if (entry.name.front() == '.' && part.front() != '.') continue;
      if (!last && entry.kind != EntryKind::directory) continue;
      if (fnmatch(entry.name, part)) out.push_back(join(dir, entry.name));
    }
  }

  const FileSystem& fs_;
  std::string base_;
  std::vector<std::string> stack_;  // identities of the directories being walked under "**"
};

}  // namespace

std::vector<std::string> glob_paths(const FileSystem& fs, const std::string& base,
                                    const std::string& pattern) {
  GlobWalk walk(fs, base);
  std::vector<std::string> candidates = {pattern.front() == '/' ? "/" : ""};
  std::size_t start = pattern.front() == '/' ? 1 : 0;
  while (start <= pattern.size() && !candidates.empty()) {
    const std::size_t end = std::min(pattern.find('/', start), pattern.size());
    const std::string part = pattern.substr(start, end - start);
    if (!part.empty()) candidates = walk.step(candidates, part, end == pattern.size());
    start = end + 1;
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  return candidates;
}

Result<std::vector<std::string>> expand_glob(const FileSystem& fs, const std::string& pattern) {
  if (!has_glob_chars(pattern)) {
    if (fs.kind(pattern) != EntryKind::file) return error_in(pattern, "no such report file");
    return std::vector<std::string>{pattern};
  }
  std::vector<std::string> found = glob_paths(fs, "", pattern);
  std::erase_if(found, [&](const std::string& path) { return fs.kind(path) != EntryKind::file; });
  if (found.empty()) return error_in(pattern, "no report file matches this pattern");
  return found;
}

}  // namespace shardplan
