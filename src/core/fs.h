// The one seam through which the core touches the filesystem. Discovery and the CLI take a
// FileSystem&, so tests run on an in-memory tree and never need temp directories.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/diagnostic.h"

namespace shardplan {

enum class EntryKind { file, directory, other };

struct DirEntry {
  std::string name;                   // base name
  EntryKind kind = EntryKind::other;  // symlinks are followed; broken ones are `other`
  bool operator==(const DirEntry&) const = default;
};

// Spare bytes RealFileSystem::read leaves allocated after a file's content (std::string
// capacity), so a parser that reads a little past the end (simdjson) can work in place.
inline constexpr std::size_t kReadPadding = 64;

// Where a MemoryFileSystem's root lies unless a test sets it: an absolute path a few levels deep,
// as a checkout usually is.
inline constexpr std::string_view kMemoryCurrentDirectory = "/home/user/project";

class FileSystem {
 public:
  virtual ~FileSystem() = default;
  // Whole content of a regular file; a directory or missing file is an error naming `path`.
  virtual Result<std::string> read(const std::string& path) const = 0;
  // Streams a regular file to `sink` in chunks of at most `chunk` bytes, in order, until the end
  // or until `sink` returns false (then the rest is not read). For readers that never need the
  // whole file in memory (JUnit reports) or only its head.
  virtual Result<bool> read_chunks(const std::string& path, std::size_t chunk,
                                   const std::function<bool(std::string_view)>& sink) const;
  virtual EntryKind kind(const std::string& path) const = 0;  // `other` when missing
  // Entries of a directory, sorted by name.
  virtual Result<std::vector<DirEntry>> list(const std::string& dir) const = 0;
  // A key that is equal for two paths naming the same directory (device and inode on a real
  // filesystem), so a walk can detect symlink loops.
  virtual std::string identity(const std::string& dir) const = 0;
  // The directory relative paths are resolved against (the process's working directory on a
  // real filesystem); "" when it cannot be known.
  virtual std::string current_directory() const = 0;
  // `path` made absolute against current_directory() as std::filesystem::absolute does it (joined,
  // not normalized); `path` itself when it is empty or absolute, or the directory is unknown.
  std::string absolute(const std::string& path) const;
};

// The real filesystem (std::filesystem underneath).
class RealFileSystem final : public FileSystem {
 public:
  Result<std::string> read(const std::string& path) const override;
  Result<bool> read_chunks(const std::string& path, std::size_t chunk,
                           const std::function<bool(std::string_view)>& sink) const override;
  EntryKind kind(const std::string& path) const override;
  Result<std::vector<DirEntry>> list(const std::string& dir) const override;
  std::string identity(const std::string& dir) const override;
  std::string current_directory() const override;

 private:
  // Opens a regular file for reading: an error naming `path` when it is missing, a directory, or
  // cannot be opened.
  static Result<int> open_regular(const std::string& path);
};

// An in-memory tree for tests and fuzzers. Paths are '/'-separated; "" and "." are the root.
// Directories are implied by the files under them, or added with add_dir. Its current directory
// (what the root is, seen from outside) is kMemoryCurrentDirectory unless set.
class MemoryFileSystem final : public FileSystem {
 public:
  void add_file(const std::string& path, std::string content = "");
  void add_dir(const std::string& path);
  // A directory entry that points back at `target` (a symlink loop).
  void add_dir_alias(const std::string& path, const std::string& target);
  void set_current_directory(std::string dir) { current_directory_ = std::move(dir); }

  Result<std::string> read(const std::string& path) const override;
  EntryKind kind(const std::string& path) const override;
  Result<std::vector<DirEntry>> list(const std::string& dir) const override;
  std::string identity(const std::string& dir) const override;
  std::string current_directory() const override { return current_directory_; }

 private:
  std::string resolve(const std::string& path) const;
  std::map<std::string, std::string> files_;
  std::map<std::string, std::string> dirs_;  // path -> identity (itself, or an alias target)
  std::string current_directory_ = std::string(kMemoryCurrentDirectory);
};

// Joins two '/'-separated paths; an empty or "." side disappears.
std::string join_path(const std::string& a, const std::string& b);

// A file written in pieces that appears at `path` only when commit() succeeds: the pieces go
// to a temporary file beside it, which commit() flushes, makes 0644 and renames over `path`.
// Without a commit (an error, or the object going away) the temporary file is removed and
// `path` is left as it was.
class AtomicFile {
 public:
  explicit AtomicFile(std::string path);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  bool write(std::string_view piece);  // false after the first failure
  Result<bool> commit();               // the first failure, if any

 private:
  std::string path_, temp_;
  int fd_ = -1;
  std::optional<Diagnostic> error_;
};

// Writes `content` to `path` through an AtomicFile, so a failure never leaves a partial file.
Result<bool> write_file_atomic(const std::string& path, std::string_view content);

// Appends `content` to `path` (created when missing), for logs other steps also write to.
Result<bool> append_file(const std::string& path, std::string_view content);

// Creates `path` and its missing parents; an error naming `path` (as "the `what`") on failure.
Result<bool> make_directories(const std::string& path, std::string_view what = "directory");

// The system's temporary directory: $TMPDIR (as std::filesystem::temp_directory_path reads it),
// else /tmp.
std::string temporary_directory();

// A new, empty directory under the system's temporary directory ($TMPDIR, else /tmp) whose name
// starts with `prefix`; its path, or an error naming the `what` that could not be made.
Result<std::string> make_temporary_directory(std::string_view prefix, std::string_view what);

// Removes `path` and everything below it, as far as possible (best effort, no error).
void remove_tree(const std::string& path);

}  // namespace shardplan
