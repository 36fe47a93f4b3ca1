#include "core/pytest/setup.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace shardplan {
namespace {

std::vector<std::string_view> components(std::string_view path) {
  std::vector<std::string_view> parts;
  for (std::size_t start = 0; start <= path.size();) {
    const auto end = std::min(path.find('/', start), path.size());
    if (end > start) parts.push_back(path.substr(start, end - start));
    start = end + 1;
  }
  return parts;
}

std::string join_parts(const std::vector<std::string_view>& parts, std::size_t from = 0) {
  std::string out;
  for (std::size_t i = from; i < parts.size(); ++i)
    out += (out.empty() ? "" : "/") + std::string(parts[i]);
  return out;
}

// The state determine_setup works on: the root and how to reach the filesystem from it.
class Setup {
 public:
  Setup(const FileSystem& fs, const SetupRequest& request)
      : fs_(fs),
        request_(request),
        abs_root_(absolute_root(fs, request.root)),
        depth_(static_cast<int>(components(abs_root_).size())) {}

  Result<PytestSetup> run();

 private:
  std::string full(const std::string& rel) const {
    return normalize_path(join_path(request_.root, rel));
  }
  std::string absolute(const std::string& rel) const {
    return normalize_path(abs_root_ + "/" + rel);
  }
  bool is_fs_root(const std::string& rel) const { return absolute(rel) == "/"; }
  std::vector<std::string> ancestors(const std::string& start) const;
  std::string common_ancestor(const std::vector<std::string>& dirs) const;
  std::vector<std::string> dirs_from_args(const PytestArgs& early) const;
  Result<bool> read_explicit(const std::string& file);
  Result<bool> locate(const std::vector<std::string>& starts);
  std::optional<std::string> setup_py_dir(const std::string& start) const;
  Result<bool> find_config(const PytestArgs& early);
  Result<bool> apply_overrides(const PytestArgs& early);

  const FileSystem& fs_;
  const SetupRequest& request_;
  std::string abs_root_;
  int depth_;
  PytestSetup setup_;
  bool found_ = false;
};

// `start` and its parents up to the filesystem root, while they are directories.
std::vector<std::string> Setup::ancestors(const std::string& start) const {
  std::vector<std::string> out;
  for (std::string dir = start;; dir = parent_path(dir)) {
    if (fs_.kind(full(dir)) != EntryKind::directory) break;
    out.push_back(dir);
    if (is_fs_root(dir) || static_cast<int>(out.size()) > depth_ + 64) break;
  }
  return out;
}

// get_common_ancestor: the deepest directory containing all of `dirs` ("" when none).
std::string Setup::common_ancestor(const std::vector<std::string>& dirs) const {
  if (dirs.empty()) return "";
  std::vector<std::string> absolutes;
  for (const auto& dir : dirs) absolutes.push_back(absolute(dir));
  auto common = components(absolutes.front());
  for (const auto& path : absolutes) {
    const auto parts = components(path);
    std::size_t same = 0;
    while (same < common.size() && same < parts.size() && common[same] == parts[same]) ++same;
    common.resize(same);
  }
  return root_relative("/" + join_parts(common), abs_root_);
}

// get_dirs_from_args: the existing paths among the args, files replaced by their directory.
std::vector<std::string> Setup::dirs_from_args(const PytestArgs& early) const {
  std::vector<std::string> dirs;
  for (const auto& arg : early.paths) {
    const std::string rel = root_relative(arg, abs_root_);
    const EntryKind kind = fs_.kind(full(rel));
    if (kind == EntryKind::directory) dirs.push_back(rel);
    if (kind == EntryKind::file) dirs.push_back(parent_path(rel));
  }
  return dirs;
}

Result<bool> Setup::read_explicit(const std::string& file) {
  const std::string rel = root_relative(file, abs_root_);
  if (fs_.kind(full(rel)) != EntryKind::file) {
    return error_in(file, "-c/--config-file: no such file (pytest cannot read it either)");
  }
  auto config = read_config_file(fs_, full(rel), request_.pytest_major, true);
  if (!config) return config.error();
  setup_.config = std::move(**config);
  setup_.config_path = rel;
  setup_.rootdir = parent_path(rel);
  found_ = true;
  return true;
}

// locate_config: the first candidate with pytest settings in a start directory or its
// parents; pytest 8 and 9 fall back to the first pyproject.toml seen, without settings.
Result<bool> Setup::locate(const std::vector<std::string>& starts) {
  std::optional<std::string> bare_pyproject;
  for (const auto& start : starts) {
    for (const auto& dir : ancestors(start)) {
      for (const auto& name : config_candidates(request_.pytest_major)) {
        const std::string rel = join_path(dir, name);
        if (fs_.kind(full(rel)) != EntryKind::file) continue;
        if (name == "pyproject.toml" && !bare_pyproject) bare_pyproject = rel;
        auto config = read_config_file(fs_, full(rel), request_.pytest_major);
        if (!config) return config.error();
        if (!config->has_value()) continue;
        setup_.config = std::move(**config);
        setup_.config_path = rel;
        setup_.rootdir = dir;
        return found_ = true;
      }
    }
  }
  if (bare_pyproject && request_.pytest_major >= 8) {
    setup_.config = default_pytest_config();
    setup_.config.source = full(*bare_pyproject);
    setup_.config_path = *bare_pyproject;
    setup_.rootdir = parent_path(*bare_pyproject);
    return found_ = true;
  }
  return false;
}

std::optional<std::string> Setup::setup_py_dir(const std::string& start) const {
  for (const auto& dir : ancestors(start)) {
    if (fs_.kind(full(join_path(dir, "setup.py"))) == EntryKind::file) return dir;
  }
  return std::nullopt;
}

Result<bool> Setup::find_config(const PytestArgs& early) {
  if (!early.config_file.empty()) return read_explicit(early.config_file);
  const auto dirs = dirs_from_args(early);
  const std::string ancestor = common_ancestor(dirs);
  if (auto located = locate({ancestor}); !located) return located.error();
  if (found_ || !early.rootdir.empty()) return true;
  if (auto dir = setup_py_dir(ancestor)) {
    setup_.rootdir = *dir;
    return true;
  }
  if (dirs != std::vector<std::string>{ancestor}) {
    if (auto located = locate(dirs); !located) return located.error();
    if (found_) return true;
  }
  setup_.rootdir = common_ancestor({"", ancestor});
  if (is_fs_root(setup_.rootdir)) setup_.rootdir = ancestor;
  return true;
}

// -o from PYTEST_ADDOPTS and the command line; pytest 9 also honours -o in the ini addopts
// (7 and 8 ignore it there), the command line still winning.
Result<bool> Setup::apply_overrides(const PytestArgs& early) {
  const auto apply_all = [&](const std::vector<std::string>& overrides) -> Result<bool> {
    for (const auto& text : overrides) {
      if (auto applied = apply_override(setup_.config, text); !applied) return applied.error();
    }
    return true;
  };
  if (auto applied = apply_all(early.overrides); !applied) return applied;
  if (request_.pytest_major < 9) return true;
  const auto from_ini = setup_.config.addopts.overrides;
  if (auto applied = apply_all(from_ini); !applied) return applied;
  return apply_all(early.overrides);
}

PytestArgs merged(PytestArgs first, const PytestArgs& then) {
  const auto append = [](std::vector<std::string>& to, const std::vector<std::string>& from) {
    to.insert(to.end(), from.begin(), from.end());
  };
  append(first.paths, then.paths);
  append(first.overrides, then.overrides);
  append(first.ignore, then.ignore);
  append(first.ignore_glob, then.ignore_glob);
  append(first.doctest_glob, then.doctest_glob);
  if (!then.config_file.empty()) first.config_file = then.config_file;
  if (!then.rootdir.empty()) first.rootdir = then.rootdir;
  first.doctest_modules = first.doctest_modules || then.doctest_modules;
  first.doctest_disabled = first.doctest_disabled || then.doctest_disabled;
  return first;
}

Result<PytestSetup> Setup::run() {
  auto env_words = shell_split(request_.env_addopts);
  if (!env_words) return error_in("PYTEST_ADDOPTS", env_words.error().message);
  auto env = parse_pytest_args(*env_words);
  if (!env) return error_in("PYTEST_ADDOPTS", env.error().message);
  auto early = parse_pytest_args(request_.args, *env);
  if (!early) return error_in("pytest args", early.error().message);
  setup_.config = default_pytest_config();
  setup_.abs_root = abs_root_;
  if (auto found = find_config(*early); !found) return found.error();
  if (!early->rootdir.empty()) {
    setup_.rootdir = root_relative(early->rootdir, abs_root_);
    if (fs_.kind(full(setup_.rootdir)) != EntryKind::directory) {
      return error_in(early->rootdir, "Directory not found. Check your '--rootdir' option.");
    }
  }
  if (found_) setup_.confcutdir = parent_path(setup_.config_path);
  if (!found_ && request_.pytest_major >= 8) setup_.confcutdir = setup_.rootdir;
  if (auto applied = apply_overrides(*early); !applied) return applied.error();
  setup_.args = merged(setup_.config.addopts, *early);
  return std::move(setup_);
}

}  // namespace

std::string normalize_path(std::string_view path) {
  const bool absolute = !path.empty() && path.front() == '/';
  std::vector<std::string_view> parts;
  for (const auto part : components(path)) {
    if (part == ".") continue;
    if (part == ".." && !parts.empty() && parts.back() != "..") {
      parts.pop_back();
    } else if (!(part == ".." && absolute)) {
      parts.push_back(part);
    }
  }
  return (absolute ? "/" : "") + join_parts(parts);
}

std::string absolute_root(const FileSystem& fs, const std::string& root) {
  std::string out = normalize_path(fs.absolute(root.empty() ? "." : root));
  if (out == "/") out.clear();
  return out;
}

std::string root_relative(std::string_view path, const std::string& abs_root) {
  if (path.empty() || path.front() != '/') return normalize_path(path);
  const std::string normal = normalize_path(path);
  const auto target = components(normal);
  const auto base = components(abs_root);
  std::size_t same = 0;
  while (same < target.size() && same < base.size() && target[same] == base[same]) ++same;
  std::string out;
  for (std::size_t i = same; i < base.size(); ++i) out += out.empty() ? ".." : "/..";
  const std::string rest = join_parts(target, same);
  if (rest.empty()) return out;
  return out.empty() ? rest : out + "/" + rest;
}

std::string parent_path(const std::string& path) {
  const auto parts = components(path);
  if (parts.empty()) return "..";
  if (parts.back() == "..") return path + "/..";
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

Result<PytestSetup> determine_setup(const FileSystem& fs, const SetupRequest& request) {
  return Setup(fs, request).run();
}

}  // namespace shardplan
