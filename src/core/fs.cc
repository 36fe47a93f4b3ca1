#include "core/fs.h"

#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include <fmt/format.h>

namespace shardplan {
namespace stdfs = std::filesystem;

namespace {

std::string normalize(const std::string& path) {
  if (path.empty() || path == ".") return "";
  std::string out = path;
  while (out.size() > 2 && out.compare(0, 2, "./") == 0) out.erase(0, 2);
  while (!out.empty() && out.back() == '/') out.pop_back();
  return out == "." ? "" : out;
}

std::string parent_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "" : path.substr(0, slash);
}

}  // namespace

std::string join_path(const std::string& a, const std::string& b) {
  std::string left = normalize(a);  // not const: returned by move
  std::string right = normalize(b);
  if (left.empty()) return right;
  if (right.empty()) return left;
  return left + "/" + right;
}

// ---- RealFileSystem ----

Result<bool> FileSystem::read_chunks(const std::string& path, std::size_t chunk,
                                     const std::function<bool(std::string_view)>& sink) const {
  auto content = read(path);
  if (!content) return content.error();
  const std::string_view all(*content);
  for (std::size_t at = 0; at < all.size(); at += chunk) {
    if (!sink(all.substr(at, chunk))) break;
  }
  return true;
}

std::string FileSystem::absolute(const std::string& path) const {
  if (path.empty() || path.front() == '/') return path;
  const std::string base = current_directory();
  if (base.empty()) return path;
  return base.back() == '/' ? base + path : base + "/" + path;
}

Result<int> RealFileSystem::open_regular(const std::string& path) {
  std::error_code ec;
  const auto status = stdfs::status(path, ec);
  if (ec || !stdfs::exists(status)) return error_in(path, "no such file");
  if (stdfs::is_directory(status)) return error_in(path, "is a directory, expected a file");
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return error_in(path, fmt::format("cannot open: {}", std::strerror(errno)));
  return fd;
}

Result<bool> RealFileSystem::read_chunks(const std::string& path, std::size_t chunk,
                                         const std::function<bool(std::string_view)>& sink) const {
  auto opened = open_regular(path);
  if (!opened) return opened.error();
  const int fd = *opened;
  std::string buffer(std::max<std::size_t>(chunk, 1), '\0');
  for (;;) {
    const ssize_t got = ::read(fd, buffer.data(), buffer.size());
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      const int error = errno;
      ::close(fd);
      return error_in(path, fmt::format("read error: {}", std::strerror(error)));
    }
    if (got == 0 || !sink(std::string_view(buffer.data(), static_cast<std::size_t>(got)))) break;
  }
  ::close(fd);
  return true;
}

Result<std::string> RealFileSystem::read(const std::string& path) const {
  // One read() into a buffer sized from fstat (an ostringstream would grow and copy it
  // several times: a quarter of the run time for a 100 MB durations file). The capacity keeps
  // kReadPadding spare bytes so parsers that read past the end (simdjson) can use it in place.
  auto opened = open_regular(path);
  if (!opened) return opened.error();
  const int fd = *opened;
  struct stat info {};
  std::string content;
  std::size_t expected = 0;
  if (::fstat(fd, &info) == 0 && info.st_size > 0)
    expected = static_cast<std::size_t>(info.st_size);
  content.reserve(expected + kReadPadding);
  content.resize(expected);
  std::size_t filled = 0;
  for (;;) {
    if (filled == content.size()) {  // larger than fstat said (or a pipe): grow
      const std::size_t grown = std::max<std::size_t>(2 * filled, 1 << 16);
      content.reserve(grown + kReadPadding);
      content.resize(grown);
    }
    const ssize_t got = ::read(fd, content.data() + filled, content.size() - filled);
    if (got == 0) break;
    if (got < 0) {
      if (errno == EINTR) continue;
      const int saved = errno;
      ::close(fd);
      return error_in(path, fmt::format("read failed: {}", std::strerror(saved)));
    }
    filled += static_cast<std::size_t>(got);
  }
  content.resize(filled);  // shrinking keeps the capacity, so the padding stays
  ::close(fd);
  return content;
}

namespace {

EntryKind kind_of_mode(mode_t mode) {
  if (S_ISREG(mode)) return EntryKind::file;
  if (S_ISDIR(mode)) return EntryKind::directory;
  return EntryKind::other;
}

// What `name` in the open directory `dir` is, following symlinks; the entry's d_type when it
// says (no system call), else a stat.
EntryKind kind_in(DIR* dir, const dirent& entry) {
  switch (entry.d_type) {
    case DT_REG:
      return EntryKind::file;
    case DT_DIR:
      return EntryKind::directory;
    case DT_LNK:
    case DT_UNKNOWN: {
      struct stat info {};
      if (::fstatat(::dirfd(dir), entry.d_name, &info, 0) != 0) return EntryKind::other;
      return kind_of_mode(info.st_mode);
    }
    default:
      return EntryKind::other;
  }
}

}  // namespace

EntryKind RealFileSystem::kind(const std::string& path) const {
  struct stat info {};
  if (::stat(path.empty() ? "." : path.c_str(), &info) != 0) return EntryKind::other;
  return kind_of_mode(info.st_mode);
}

// readdir with d_type instead of std::filesystem's iterator and a status per entry: a directory
// walk of a large tree makes one system call per directory instead of one per entry.
Result<std::vector<DirEntry>> RealFileSystem::list(const std::string& dir) const {
  DIR* handle = ::opendir(dir.empty() ? "." : dir.c_str());
  if (!handle) {
    return error_in(
        dir, fmt::format("cannot list directory: {}", std::system_category().message(errno)));
  }
  std::vector<DirEntry> entries;
  while (const dirent* entry = ::readdir(handle)) {
    const std::string_view name(entry->d_name);
    if (name == "." || name == "..") continue;
    entries.push_back({std::string(name), kind_in(handle, *entry)});
  }
  ::closedir(handle);
  std::sort(entries.begin(), entries.end(),
            [](const DirEntry& a, const DirEntry& b) { return a.name < b.name; });
  return entries;
}

std::string RealFileSystem::identity(const std::string& dir) const {
  struct stat info {};
  if (::stat(dir.empty() ? "." : dir.c_str(), &info) != 0) return "missing:" + dir;
  return fmt::format("{}:{}", static_cast<unsigned long long>(info.st_dev),
                     static_cast<unsigned long long>(info.st_ino));
}

std::string RealFileSystem::current_directory() const {
  std::error_code ec;
  const stdfs::path cwd = stdfs::current_path(ec);
  return ec ? std::string() : cwd.string();
}

// ---- MemoryFileSystem ----

void MemoryFileSystem::add_dir(const std::string& path) {
  std::string dir = normalize(path);
  while (!dir.empty() && !dirs_.count(dir)) {
    dirs_[dir] = dir;
    dir = parent_of(dir);
  }
}

void MemoryFileSystem::add_file(const std::string& path, std::string content) {
  const std::string file = normalize(path);
  add_dir(parent_of(file));
  files_[file] = std::move(content);
}

void MemoryFileSystem::add_dir_alias(const std::string& path, const std::string& target) {
  const std::string dir = normalize(path);
  add_dir(parent_of(dir));
  dirs_[dir] = "alias:" + normalize(target);
}

std::string MemoryFileSystem::resolve(const std::string& path) const {
  std::string current = normalize(path);
  for (int guard = 0; guard < 64; ++guard) {
    bool changed = false;
    for (std::string prefix = current; !prefix.empty(); prefix = parent_of(prefix)) {
      const auto it = dirs_.find(prefix);
      if (it != dirs_.end() && it->second.rfind("alias:", 0) == 0) {
        // The rest after "prefix/" (join_path would keep a leading '/' and make "a//b").
        const std::string rest =
            current.size() > prefix.size() ? current.substr(prefix.size() + 1) : "";
        current = join_path(it->second.substr(6), rest);
        changed = true;
        break;
      }
    }
    if (!changed) break;
  }
  return current;
}

Result<std::string> MemoryFileSystem::read(const std::string& path) const {
  const std::string key = resolve(path);
  if (const auto it = files_.find(key); it != files_.end()) return it->second;
  if (key.empty() || dirs_.count(key)) return error_in(path, "is a directory, expected a file");
  return error_in(path, "no such file");
}

EntryKind MemoryFileSystem::kind(const std::string& path) const {
  const std::string key = resolve(path);
  if (files_.count(key)) return EntryKind::file;
  if (key.empty() || dirs_.count(key)) return EntryKind::directory;
  return EntryKind::other;
}

Result<std::vector<DirEntry>> MemoryFileSystem::list(const std::string& dir) const {
  const std::string key = resolve(dir);
  if (kind(key) != EntryKind::directory)
    return error_in(dir, "cannot list directory: not a directory");
  std::map<std::string, EntryKind> children;
  const auto collect = [&](const std::string& path, EntryKind kind) {
    if (parent_of(path) == key && !path.empty()) {
      children[key.empty() ? path : path.substr(key.size() + 1)] = kind;
    }
  };
  for (const auto& [path, content] : files_) collect(path, EntryKind::file);
  for (const auto& [path, target] : dirs_) collect(path, EntryKind::directory);
  std::vector<DirEntry> entries;
  for (const auto& [name, kind] : children) entries.push_back({name, kind});
  return entries;
}

std::string MemoryFileSystem::identity(const std::string& dir) const {
  return "mem:" + resolve(dir);
}

// ---- atomic write ----

Result<bool> append_file(const std::string& path, std::string_view content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
  if (fd < 0)
    return error_in(path, fmt::format("cannot open for appending: {}", std::strerror(errno)));
  std::size_t done = 0;
  while (done < content.size()) {
    const ssize_t wrote = ::write(fd, content.data() + done, content.size() - done);
    if (wrote < 0 && errno == EINTR) continue;
    if (wrote <= 0) {
      const int error = errno;
      ::close(fd);
      return error_in(path, fmt::format("write failed: {}", std::strerror(error)));
    }
    done += static_cast<std::size_t>(wrote);
  }
  if (::close(fd) != 0)
    return error_in(path, fmt::format("write failed: {}", std::strerror(errno)));
  return true;
}

Result<bool> make_directories(const std::string& path, std::string_view what) {
  std::error_code ec;
  stdfs::create_directories(path, ec);
  if (ec) return error_in(path, fmt::format("cannot create the {}: {}", what, ec.message()));
  return true;
}

std::string temporary_directory() {
  std::error_code ec;
  const stdfs::path base = stdfs::temp_directory_path(ec);
  return ec ? std::string("/tmp") : base.string();
}

Result<std::string> make_temporary_directory(std::string_view prefix, std::string_view what) {
  std::string pattern = (stdfs::path(temporary_directory()) / prefix).string() + "XXXXXX";
  if (!::mkdtemp(pattern.data())) {
    return error_in(pattern, fmt::format("cannot create a {}: {}", what, std::strerror(errno)));
  }
  return pattern;
}

void remove_tree(const std::string& path) {
  std::error_code ec;
  stdfs::remove_all(path, ec);
}

AtomicFile::AtomicFile(std::string path) : path_(std::move(path)) {
  const stdfs::path target(path_);
  const stdfs::path dir = target.has_parent_path() ? target.parent_path() : stdfs::path(".");
  temp_ = (dir / ("." + target.filename().string() + ".tmp-XXXXXX")).string();
  fd_ = ::mkstemp(temp_.data());
  if (fd_ < 0) {
    error_ = error_in(
        path_, fmt::format("cannot create a temporary file beside it: {}", std::strerror(errno)));
  }
}

AtomicFile::~AtomicFile() {
  if (fd_ >= 0) {
    ::close(fd_);
    ::unlink(temp_.c_str());
  }
}

bool AtomicFile::write(std::string_view piece) {
  if (error_) return false;
  while (!piece.empty()) {
    const ssize_t n = ::write(fd_, piece.data(), piece.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      error_ = error_in(
          path_, fmt::format("write failed: {} (nothing was changed)", std::strerror(errno)));
      return false;
    }
    piece.remove_prefix(static_cast<std::size_t>(n));
  }
  return true;
}

Result<bool> AtomicFile::commit() {
  if (error_) return *error_;
  const int fd = fd_;
  fd_ = -1;
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(temp_.c_str());
    return error_in(path_, "write failed while flushing (nothing was changed)");
  }
  ::chmod(temp_.c_str(), 0644);
  if (::rename(temp_.c_str(), path_.c_str()) != 0) {
    const std::string reason = std::strerror(errno);
    ::unlink(temp_.c_str());
    return error_in(path_, "cannot replace: " + reason + " (nothing was changed)");
  }
  return true;
}

Result<bool> write_file_atomic(const std::string& path, std::string_view content) {
  AtomicFile file(path);
  file.write(content);
  return file.commit();
}

}  // namespace shardplan
