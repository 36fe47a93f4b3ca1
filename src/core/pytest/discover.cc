#include "core/pytest/discover.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <utility>

#include "core/fnmatch.h"
#include "core/glob.h"
#include "core/pytest/conftest_ignores.h"
#include "core/scope.h"
#include "core/text.h"

namespace shardplan {
namespace {

bool starts_with(std::string_view text, std::string_view prefix) {
  return text.substr(0, prefix.size()) == prefix;
}

// ---------------------------------------------------------------------------------------
// Paths. Everything inside the walk is root-relative and '/'-separated ("" is the root).

bool is_absolute(std::string_view path) {
  return !path.empty() && path.front() == '/';
}

std::string normalize_lexically(std::string_view path) {
  return normalize_path(path);
}

std::string base_name(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

// pathlib's suffix rule: "x.py" has suffix ".py", ".py" has none.
bool has_suffix(std::string_view name, std::string_view suffix) {
  return name.size() > suffix.size() && name.substr(name.size() - suffix.size()) == suffix;
}
bool has_py_suffix(std::string_view name) {
  return has_suffix(name, ".py");
}

bool is_outside_root(const std::string& rel) {
  return rel == ".." || starts_with(rel, "../");
}

}  // namespace

namespace {

// ---------------------------------------------------------------------------------------
// The walk: Session.collect / _recurse / _collectfile of pytest, on root-relative paths.

class Walker {
 public:
  Walker(const FileSystem& fs, const PytestSetup& setup, std::string root, int major)
      : fs_(fs),
        setup_(setup),
        config_(setup.config),
        root_(std::move(root)),
        abs_root_(setup.abs_root),
        major_(major) {
    for (const auto& path : setup_.args.ignore) ignore_.insert(root_relative(path, abs_root_));
    for (const auto& glob : setup_.args.ignore_glob) {
      ignore_glob_.push_back(
          normalize_lexically(is_absolute(glob) ? glob : abs_root_ + "/" + glob));
    }
    doctest_globs_ = setup_.args.doctest_glob;
    if (doctest_globs_.empty()) doctest_globs_ = {"test*.txt"};
  }

  std::vector<std::string> expand_testpath(const std::string& pattern);
  void walk_argument(const std::string& rel);

  std::set<std::string> files;
  std::set<std::string> doctest_modules;
  Warnings warnings;

 private:
  enum class Role { none, test, doctest_module };

  std::string full(const std::string& rel) const {
    return normalize_lexically(join_path(root_, rel));
  }
  std::string absolute(const std::string& rel) const {
    const std::string path = normalize_lexically(abs_root_ + "/" + rel);
    return path.empty() ? "/" : path;
  }
  void warn(const std::string& rel, const std::string& message) {
    warnings.push_back(error_in(escape_invalid_utf8(full(rel)), message));
  }
  bool fnmatch_ex(const std::string& pattern, const std::string& rel) const;
  struct DirIgnores {
    std::vector<std::string> paths;  // absolute
    std::vector<std::string> globs;  // absolute
  };
  const DirIgnores& dir_ignores(const std::string& dir);
  ConftestIgnores read_conftest(const std::string& dir);
  void add_grouped(const Warnings& found);
  bool below_confcutdir(const std::string& dir) const;
  bool conftest_ignores(const std::string& rel);
  bool is_ignored(const std::string& rel);
  bool is_venv(const std::string& rel) const;
  bool should_recurse(const std::string& rel);
  bool is_test_module(const std::string& rel) const;
  bool is_doctest_module(const std::string& rel) const;
  bool has_doctest_examples(const std::string& rel) const;
  Role classify_file(const std::string& rel);
  void collect(const std::string& rel, Role role);
  void walk_dir(const std::string& rel);
  void visit_entry(const std::string& dir, const DirEntry& entry);
  bool first_package_item(const std::string& dir, bool top);
  void walk_named_file(const std::string& rel);

  const FileSystem& fs_;
  const PytestSetup& setup_;
  const PytestConfig& config_;
  std::string root_;
  std::string abs_root_;
  int major_;
  std::set<std::string> ignore_;
  std::vector<std::string> ignore_glob_;
  std::vector<std::string> doctest_globs_;
  std::map<std::string, DirIgnores> dir_ignores_;      // by directory, each conftest.py read once
  std::vector<std::string> stack_;                     // identities of the directories being walked
  mutable std::optional<std::string> confcutdir_abs_;  // absolute(confcutdir), once
  mutable std::optional<std::pair<std::string, bool>> below_cache_;  // below_confcutdir's last
};

// _pytest.pathlib.fnmatch_ex: a pattern without '/' matches the base name; otherwise the
// absolute path, with a relative pattern allowed to match any tail of it.
bool Walker::fnmatch_ex(const std::string& pattern, const std::string& rel) const {
  if (pattern.find('/') == std::string::npos) return fnmatch(base_name(rel), pattern);
  return fnmatch(absolute(rel), is_absolute(pattern) ? pattern : "*/" + pattern);
}

// What the conftest.py files that apply in `dir` say, read once per directory. Each list
// comes from the nearest conftest.py (from `dir` up to the confcutdir) that sets it; entries
// are made absolute against that conftest's directory.
const Walker::DirIgnores& Walker::dir_ignores(const std::string& dir) {
  if (const auto it = dir_ignores_.find(dir); it != dir_ignores_.end()) return it->second;
  DirIgnores inherited;
  const bool top = !below_confcutdir(parent_path(dir)) || absolute(dir) == "/" ||
                   fs_.kind(full(parent_path(dir))) != EntryKind::directory;
  if (!top) inherited = dir_ignores(parent_path(dir));
  const ConftestIgnores own = read_conftest(dir);
  const auto absolutes = [&](const std::vector<std::string>& entries) {
    std::vector<std::string> out;
    for (const auto& entry : entries)
      out.push_back(is_absolute(entry) ? normalize_lexically(entry)
                                       : absolute(join_path(dir, entry)));
    return out;
  };
  if (own.collect_ignore) inherited.paths = absolutes(*own.collect_ignore);
  if (own.collect_ignore_glob) inherited.globs = absolutes(*own.collect_ignore_glob);
  return dir_ignores_[dir] = std::move(inherited);
}

// `dir`/conftest.py's lists (none when there is no such file); its warnings are reported.
ConftestIgnores Walker::read_conftest(const std::string& dir) {
  const std::string path = full(join_path(dir, "conftest.py"));
  if (fs_.kind(path) != EntryKind::file) return {};
  auto content = fs_.read(path);
  if (!content) {
    warnings.push_back(content.error());
    return {};
  }
  ConftestIgnores ignores = parse_conftest_ignores(*content, path);
  add_grouped(ignores.warnings);
  return ignores;
}

// One warning per message and conftest: "... (also at lines 14, 20)" instead of a line each.
void Walker::add_grouped(const Warnings& found) {
  std::vector<std::pair<Diagnostic, std::vector<int>>> groups;
  for (const Diagnostic& warning : found) {
    auto same = std::find_if(groups.begin(), groups.end(), [&](const auto& group) {
      return group.first.message == warning.message;
    });
    if (same == groups.end()) {
      groups.push_back({warning, {}});
    } else {
      same->second.push_back(warning.line);
    }
  }
  for (auto& [warning, lines] : groups) {
    if (!lines.empty())
      warning.message +=
          fmt::format(" (also at line{} {})", lines.size() > 1 ? "s" : "", fmt::join(lines, ", "));
    warnings.push_back(std::move(warning));
  }
}

// pytest loads no conftest.py from a strict parent of the confcutdir.
// The walk asks for one directory's files in a row: the last answer is kept.
bool Walker::below_confcutdir(const std::string& dir) const {
  if (!setup_.confcutdir) return true;
  if (below_cache_ && below_cache_->first == dir) return below_cache_->second;
  if (!confcutdir_abs_) confcutdir_abs_ = absolute(*setup_.confcutdir);
  const std::string& cut = *confcutdir_abs_;
  const std::string here = absolute(dir);
  const bool below = !(cut != here && (here == "/" || starts_with(cut, here + "/")));
  below_cache_.emplace(dir, below);
  return below;
}

// collect_ignore (whole paths) and collect_ignore_glob (fnmatch on the absolute path).
bool Walker::conftest_ignores(const std::string& rel) {
  const std::string dir = parent_path(rel);
  if (!below_confcutdir(dir)) return false;
  const DirIgnores& ignores = dir_ignores(dir);
  if (ignores.paths.empty() && ignores.globs.empty()) return false;
  const std::string path = absolute(rel);
  return std::find(ignores.paths.begin(), ignores.paths.end(), path) != ignores.paths.end() ||
         std::any_of(ignores.globs.begin(), ignores.globs.end(),
                     [&](const std::string& glob) { return fnmatch(path, glob); });
}

// pytest_ignore_collect: --ignore compares whole paths, --ignore-glob matches absolute ones.
bool Walker::is_ignored(const std::string& rel) {
  if (ignore_.count(rel)) return true;
  const std::string path = ignore_glob_.empty() ? std::string() : absolute(rel);
  if (std::any_of(ignore_glob_.begin(), ignore_glob_.end(),
                  [&](const std::string& glob) { return fnmatch(path, glob); })) {
    return true;
  }
  return conftest_ignores(rel);
}

// pytest 8 and 9 look for pyvenv.cfg (or conda-meta/history); pytest 7 for an activate
// script in bin/.
bool Walker::is_venv(const std::string& rel) const {
  if (major_ >= 8) {
    return fs_.kind(full(join_path(rel, "pyvenv.cfg"))) == EntryKind::file ||
           fs_.kind(full(join_path(rel, "conda-meta/history"))) == EntryKind::file;
  }
  if (fs_.kind(full(join_path(rel, "bin"))) != EntryKind::directory) return false;
  static constexpr const char* kActivates[] = {"activate", "activate.csh", "activate.fish",
                                               "Activate", "Activate.bat", "Activate.ps1"};
  return std::any_of(std::begin(kActivates), std::end(kActivates), [&](const char* name) {
    return fs_.kind(full(join_path(rel, std::string("bin/") + name))) != EntryKind::other;
  });
}

bool Walker::should_recurse(const std::string& rel) {
  if (base_name(rel) == "__pycache__" || is_ignored(rel) || is_venv(rel)) return false;
  return std::none_of(config_.norecursedirs.begin(), config_.norecursedirs.end(),
                      [&](const std::string& pattern) { return fnmatch_ex(pattern, rel); });
}

// pytest_collect_file of the python plugin: a .py file matching python_files ("__init__.py"
// alone makes a Package, whose own module is collected only if it matches python_files too).
bool Walker::is_test_module(const std::string& rel) const {
  if (!has_py_suffix(base_name(rel))) return false;
  return std::any_of(config_.python_files.begin(), config_.python_files.end(),
                     [&](const std::string& pattern) { return fnmatch_ex(pattern, rel); });
}

// The doctest plugin with --doctest-modules: every .py module but __main__.py and a setup.py
// that mentions setuptools or distutils (conftest.py and __init__.py included). Only modules
// with a ">>>" prompt can yield an item: the others would be planned files that never run.
bool Walker::is_doctest_module(const std::string& rel) const {
  if (!setup_.args.doctest_modules || setup_.args.doctest_disabled) return false;
  const std::string name = base_name(rel);
  if (!has_py_suffix(name) || name == "__main__.py") return false;
  const auto content = fs_.read(full(rel));
  if (!content || content->find(">>>") == std::string::npos) return false;
  return name != "setup.py" || (content->find("setuptools") == std::string::npos &&
                                content->find("distutils") == std::string::npos);
}

// A doctest text file yields an item only when it holds an example (a ">>>" prompt).
bool Walker::has_doctest_examples(const std::string& rel) const {
  const auto content = fs_.read(full(rel));
  return content && content->find(">>>") != std::string::npos;
}

// What pytest makes of a file met in the walk: a test module or doctest text file, a module
// only --doctest-modules collects, or nothing.
Walker::Role Walker::classify_file(const std::string& rel) {
  if (is_ignored(rel)) return Role::none;
  if (has_py_suffix(base_name(rel))) {
    if (is_test_module(rel)) return Role::test;
    return is_doctest_module(rel) ? Role::doctest_module : Role::none;
  }
  if (setup_.args.doctest_disabled) return Role::none;
  const bool text = std::any_of(doctest_globs_.begin(), doctest_globs_.end(),
                                [&](const std::string& glob) { return fnmatch_ex(glob, rel); });
  return text && has_doctest_examples(rel) ? Role::test : Role::none;
}

void Walker::collect(const std::string& rel, Role role) {
  if (role == Role::none) return;
  if (!is_valid_utf8(rel)) {
    warn(rel, "name is not valid UTF-8: skipped (it cannot be written to a plan)");
  } else if (role == Role::test) {
    files.insert(rel);
  } else {
    doctest_modules.insert(rel);
  }
}

void Walker::walk_dir(const std::string& rel) {
  const std::string identity = fs_.identity(full(rel));
  if (std::find(stack_.begin(), stack_.end(), identity) != stack_.end()) {
    warn(rel, "symlink loop: skipped");
    return;
  }
  auto entries = fs_.list(full(rel));
  if (!entries) {
    warnings.push_back(entries.error());
    warnings.back().message += "; skipped";
    return;
  }
  stack_.push_back(identity);
  for (const auto& entry : *entries) visit_entry(rel, entry);
  stack_.pop_back();
}

void Walker::visit_entry(const std::string& dir, const DirEntry& entry) {
  const std::string rel = dir.empty() ? entry.name : dir + "/" + entry.name;
  if (entry.kind == EntryKind::file) {
    collect(rel, classify_file(rel));
  } else if (entry.kind == EntryKind::directory && should_recurse(rel)) {
    if (is_valid_utf8(entry.name))
      walk_dir(rel);
    else
      warn(rel, "name is not valid UTF-8: skipped (it cannot be written to a plan)");
  }
}

// pytest 7 collects only the first item of the package of a named __init__.py: its own
// module when it matches python_files, else the first file of the package's walk (files of
// a directory before its subdirectories; a subpackage counts as one item, all of it).
bool Walker::first_package_item(const std::string& dir, bool top) {
  auto entries = fs_.list(full(dir));
  if (!entries) return false;
  for (const auto& entry : *entries) {
    const std::string rel = join_path(dir, entry.name);
    if (entry.kind != EntryKind::file || (top && entry.name == "__init__.py")) continue;
    const Role role = classify_file(rel);
    if (role == Role::none) continue;
    collect(rel, role);
    return true;
  }
  for (const auto& entry : *entries) {
    const std::string rel = join_path(dir, entry.name);
    if (entry.kind != EntryKind::directory || !should_recurse(rel)) continue;
    if (fs_.kind(full(join_path(rel, "__init__.py"))) == EntryKind::file) {
      walk_dir(rel);
      return true;
    }
    if (first_package_item(rel, false)) return true;
  }
  return false;
}

// A file named as an argument is collected whatever python_files says (pytest's isinitpath),
// and so is a .txt or .rst file as a doctest file; --ignore and norecursedirs do not apply.
void Walker::walk_named_file(const std::string& rel) {
  const std::string name = base_name(rel);
  if (name == "__init__.py" && major_ < 8) {
    if (is_test_module(rel))
      collect(rel, Role::test);
    else
      first_package_item(parent_path(rel), true);
  } else if (has_py_suffix(name)) {
    collect(rel, Role::test);
  } else if (!setup_.args.doctest_disabled &&
             (has_suffix(name, ".txt") || has_suffix(name, ".rst") ||
              std::any_of(doctest_globs_.begin(), doctest_globs_.end(),
                          [&](const std::string& glob) { return fnmatch_ex(glob, rel); }))) {
    if (has_doctest_examples(rel)) collect(rel, Role::test);
  } else {
    warn(rel,
         "is not a Python file, a doctest file or a directory: pytest collects nothing from it");
  }
}

// A command-line argument (or testpaths entry): a directory is walked (itself unchecked, as
// in pytest); a file is collected as walk_named_file says.
void Walker::walk_argument(const std::string& rel) {
  const EntryKind kind = fs_.kind(full(rel));
  if (kind == EntryKind::directory) {
    walk_dir(rel);
  } else if (kind == EntryKind::file) {
    walk_named_file(rel);
  } else {
    warn(rel, "is not a file or a directory: skipped");
  }
}

// ---------------------------------------------------------------------------------------
// testpaths: glob.iglob(path, recursive=True), relative to the root.

std::vector<std::string> Walker::expand_testpath(const std::string& pattern) {
  const std::optional<std::string> rel = root_relative(pattern, abs_root_);
  if (is_outside_root(*rel)) {
    warnings.push_back(error_in(
        config_.source, fmt::format("testpaths entry '{}' is outside the root: skipped", pattern)));
    return {};
  }
  std::vector<std::string> candidates;
  if (!has_glob_chars(*rel)) {
    if (fs_.kind(full(*rel)) != EntryKind::other) candidates = {*rel};
  } else {
    candidates = glob_paths(fs_, root_, *rel);
  }
  if (candidates.empty()) {
    warnings.push_back(
        error_in(config_.source, fmt::format("testpaths entry '{}' matches nothing", pattern)));
  }
  return candidates;
}

// Removes "./" prefixes and trailing slashes from user-given root-relative paths.
std::vector<std::string> cleaned(const std::vector<std::string>& paths) {
  std::vector<std::string> out;
  for (const std::string& path : paths) out.push_back(normalize_lexically(path));
  return out;
}

}  // namespace

std::vector<std::string> filter_files(const std::vector<std::string>& files,
                                      const std::vector<std::string>& include,
                                      const std::vector<std::string>& exclude) {
  const std::vector<std::string> includes = cleaned(include);
  const std::vector<std::string> excludes = cleaned(exclude);
  std::vector<std::string> kept;
  for (const auto& file : files) {
    if (is_included(file, includes) && !is_excluded(file, excludes)) kept.push_back(file);
  }
  return kept;
}

namespace {

// The positional args pytest was given (ini addopts, PYTEST_ADDOPTS, command line), relative
// to the root. A missing one stops pytest, so it is an error; one outside the root is skipped.
Result<std::vector<std::string>> argument_paths(const FileSystem& fs,
                                                const DiscoverOptions& options,
                                                const PytestSetup& setup, Warnings& warnings) {
  std::vector<std::string> paths;
  for (const auto& arg : setup.args.paths) {
    const std::string rel = root_relative(arg, setup.abs_root);
    if (fs.kind(normalize_lexically(join_path(options.root, rel))) == EntryKind::other) {
      return error_in(arg, "file or directory not found (pytest stops with this error too)");
    }
    if (is_outside_root(rel)) {
      warnings.push_back(
          error_in(arg, "is outside --root: skipped (a plan holds only files under its root)"));
    } else {
      paths.push_back(rel);
    }
  }
  return paths;
}

// Where the walk starts: the args; else testpaths, when pytest runs in its rootdir; else the root.
std::vector<std::string> walk_starts(Walker& walker, const PytestSetup& setup,
                                     std::vector<std::string> paths) {
  if (!paths.empty() || !setup.args.paths.empty()) return paths;
  if (setup.rootdir.empty()) {
    for (const auto& testpath : setup.config.testpaths) {
      const auto matched = walker.expand_testpath(testpath);
      paths.insert(paths.end(), matched.begin(), matched.end());
    }
  }
  if (paths.empty()) paths.push_back("");
  return paths;
}

// The root relative to the config file's directory ("." when they are the same).
std::string root_from_config(const PytestSetup& setup) {
  if (setup.config_path.empty()) return ".";
  std::string dir = normalize_lexically(setup.abs_root + "/" + parent_path(setup.config_path));
  if (dir == "/") dir.clear();
  const std::string rel = root_relative(setup.abs_root.empty() ? "/" : setup.abs_root, dir);
  return rel.empty() ? "." : rel;
}

}  // namespace

Result<Universe> discover(const FileSystem& fs, const DiscoverOptions& options) {
  if (fs.kind(options.root) != EntryKind::directory) {
    return error_in(options.root, "not a directory: --root must name the directory pytest runs in");
  }
  auto setup = determine_setup(
      fs, {options.root, options.pytest_args, options.env_addopts, options.pytest_major});
  if (!setup) return setup.error();
  Universe universe;
  auto paths = argument_paths(fs, options, *setup, universe.warnings);
  if (!paths) return paths.error();
  Walker walker(fs, *setup, options.root, options.pytest_major);
  for (const auto& start : walk_starts(walker, *setup, *paths)) walker.walk_argument(start);
  universe.files =
      filter_files({walker.files.begin(), walker.files.end()}, options.include, options.exclude);
  std::vector<std::string> doctest_only;
  for (const auto& file : walker.doctest_modules) {
    if (!walker.files.count(file)) doctest_only.push_back(file);
  }
  universe.doctest_modules = filter_files(doctest_only, options.include, options.exclude);
  const std::set<std::string> unique_paths(paths->begin(), paths->end());
  universe.paths.assign(unique_paths.begin(), unique_paths.end());
  universe.config_path = setup->config_path;
  universe.root_from_config = root_from_config(*setup);
  universe.config = std::move(setup->config);
  universe.warnings.insert(universe.warnings.end(), walker.warnings.begin(), walker.warnings.end());
  return universe;
}

namespace {

// Checks one --files-from entry; `column` is where `path` starts in its line.
std::optional<Diagnostic> check_listed_path(std::string_view path, const std::string& source,
                                            int line, int column) {
  if (is_absolute(path)) {
    return error_at(source, line, column,
                    "absolute paths are not allowed; list paths relative to --root");
  }
  for (std::size_t start = 0; start <= path.size();) {
    const auto end = std::min(path.find('/', start), path.size());
    if (path.substr(start, end - start) == "..") {
      return error_at(source, line, column + static_cast<int>(start),
                      "'..' is not allowed in a test file path");
    }
    start = end + 1;
  }
  return std::nullopt;
}

}  // namespace

Result<std::vector<std::string>> parse_file_list(std::string_view content,
                                                 const std::string& source_name) {
  std::set<std::string> paths;
  int line = 0;
  while (!content.empty()) {
    ++line;
    std::string_view text = next_line(content);
    if (text.find_first_not_of(" \t") == std::string_view::npos || text.front() == '#') continue;
    int column = 1;
    while (starts_with(text, "./")) {
      text.remove_prefix(2);
      column += 2;
    }
    if (auto problem = check_listed_path(text, source_name, line, column)) return *problem;
    const std::string path = normalize_lexically(text);
    if (!path.empty()) paths.insert(path);
  }
  return std::vector<std::string>(paths.begin(), paths.end());
}

}  // namespace shardplan
