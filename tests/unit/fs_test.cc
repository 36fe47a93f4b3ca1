// The filesystem seam: the in-memory tree the other tests stand on, the real filesystem behind
// the same interface, and the atomic write (a temporary file beside the target, then a
// rename: the target is whole or untouched, and no temporary file is left behind).
#include "core/fs.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <gtest/gtest.h>

namespace shardplan {
namespace {

namespace stdfs = std::filesystem;

std::vector<std::string> chunks_of(const FileSystem& fs, const std::string& path, std::size_t size,
                                   std::size_t stop_after = 0) {
  std::vector<std::string> chunks;
  auto read = fs.read_chunks(path, size, [&](std::string_view chunk) {
    chunks.emplace_back(chunk);
    return stop_after == 0 || chunks.size() < stop_after;
  });
  EXPECT_TRUE(read.ok()) << read.error().format();
  return chunks;
}

TEST(JoinPath, EmptyAndDotSidesDisappear) {
  const std::tuple<const char*, const char*, const char*> rows[] = {
      {"a", "b", "a/b"},    {"", "b", "b"},       {".", "b", "b"}, {"a", "", "a"},
      {"a/", "./b", "a/b"}, {"./a", "b/", "a/b"}, {"", "", ""},    {"a/b", "c/d", "a/b/c/d"},
  };
  for (const auto& [a, b, joined] : rows) EXPECT_EQ(join_path(a, b), joined) << a << " + " << b;
}

TEST(MemoryFileSystem, FilesImplyTheirDirectories) {
  MemoryFileSystem fs;
  fs.add_file("tests/unit/test_a.py", "A");
  fs.add_file("./tests/test_b.py", "B");
  fs.add_dir("empty/inner/");
  EXPECT_EQ(*fs.read("tests/unit/test_a.py"), "A");
  EXPECT_EQ(*fs.read("./tests/test_b.py"), "B");
  EXPECT_EQ(fs.kind("tests/unit"), EntryKind::directory);
  EXPECT_EQ(fs.kind("tests/unit/test_a.py"), EntryKind::file);
  EXPECT_EQ(fs.kind("empty/inner"), EntryKind::directory);
  EXPECT_EQ(fs.kind(""), EntryKind::directory);
  EXPECT_EQ(fs.kind("."), EntryKind::directory);
  EXPECT_EQ(fs.kind("missing"), EntryKind::other);
  EXPECT_EQ(*fs.list("."), (std::vector<DirEntry>{{"empty", EntryKind::directory},
                                                  {"tests", EntryKind::directory}}));
  EXPECT_EQ(*fs.list("tests"), (std::vector<DirEntry>{{"test_b.py", EntryKind::file},
                                                      {"unit", EntryKind::directory}}));
  EXPECT_TRUE(fs.list("empty/inner")->empty());
}

TEST(MemoryFileSystem, ErrorsNameThePath) {
  MemoryFileSystem fs;
  fs.add_file("d/f.txt");
  EXPECT_EQ(fs.read("d/missing.txt").error(), error_in("d/missing.txt", "no such file"));
  EXPECT_EQ(fs.read("d").error(), error_in("d", "is a directory, expected a file"));
  EXPECT_EQ(fs.list("d/f.txt").error(),
            error_in("d/f.txt", "cannot list directory: not a directory"));
  EXPECT_EQ(*fs.read("d/f.txt"), "");  // an empty file is not an error
}

TEST(MemoryFileSystem, AnAliasResolvesToItsTargetAndSharesItsIdentity) {
  MemoryFileSystem fs;
  fs.add_file("real/test_x.py", "x");
  fs.add_dir_alias("real/loop", "real");
  EXPECT_EQ(fs.identity("real/loop"), fs.identity("real"));
  EXPECT_NE(fs.identity("real"), fs.identity(""));
  EXPECT_EQ(*fs.read("real/loop/test_x.py"), "x");
  EXPECT_EQ(*fs.read("real/loop/loop/test_x.py"), "x");
}

TEST(MemoryFileSystem, ReadChunksInOrderAndStopsWhenTheSinkSaysSo) {
  MemoryFileSystem fs;
  fs.add_file("f", "abcdefghij");
  EXPECT_EQ(chunks_of(fs, "f", 4), (std::vector<std::string>{"abcd", "efgh", "ij"}));
  EXPECT_EQ(chunks_of(fs, "f", 4, 1), (std::vector<std::string>{"abcd"}));
  EXPECT_EQ(chunks_of(fs, "f", 100), (std::vector<std::string>{"abcdefghij"}));
  EXPECT_FALSE(fs.read_chunks("missing", 4, [](std::string_view) { return true; }).ok());
}

TEST(MemoryFileSystem, AbsoluteJoinsTheCurrentDirectoryThatATestMaySet) {
  MemoryFileSystem fs;
  EXPECT_EQ(fs.current_directory(), kMemoryCurrentDirectory);
  fs.set_current_directory("/srv/checkout");
  // As std::filesystem::absolute: joined, not normalized; absolute and empty paths unchanged.
  const std::pair<const char*, const char*> rows[] = {
      {"plan.json", "/srv/checkout/plan.json"},
      {"./a/../plan.json", "/srv/checkout/./a/../plan.json"},
      {".", "/srv/checkout/."},
      {"/etc/plan.json", "/etc/plan.json"},
      {"", ""},
  };
  for (const auto& [path, absolute] : rows) EXPECT_EQ(fs.absolute(path), absolute) << path;
  fs.set_current_directory("/");
  EXPECT_EQ(fs.absolute("plan.json"), "/plan.json");
  fs.set_current_directory("");  // unknown: the path stays as it is
  EXPECT_EQ(fs.absolute("plan.json"), "plan.json");
}

// A fresh directory under the test's temporary directory, removed afterwards.
class RealFileSystemTest : public testing::Test {
 protected:
  void SetUp() override {
    std::string pattern = (stdfs::path(testing::TempDir()) / "shardplan_fs_XXXXXX").string();
    ASSERT_NE(::mkdtemp(pattern.data()), nullptr);
    dir_ = pattern;
  }
  void TearDown() override { stdfs::remove_all(dir_); }

  std::string path(const std::string& name) const { return (stdfs::path(dir_) / name).string(); }
  void write(const std::string& name, const std::string& content) const {
    std::ofstream(path(name), std::ios::binary) << content;
  }
  std::string slurp(const std::string& name) const {
    std::ifstream in(path(name), std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
  }
  // Names in the directory, to prove no temporary file stayed behind.
  std::vector<std::string> names() const {
    std::vector<std::string> out;
    for (const auto& entry : stdfs::directory_iterator(dir_))
      out.push_back(entry.path().filename().string());
    std::sort(out.begin(), out.end());
    return out;
  }

  std::string dir_;
  RealFileSystem fs_;
};

TEST_F(RealFileSystemTest, ReadsWholeFilesAndKeepsPaddingSpare) {
  const std::string content(100000, 'x');
  write("big.json", content);
  auto read = fs_.read(path("big.json"));
  ASSERT_TRUE(read.ok());
  EXPECT_EQ(*read, content);
  EXPECT_GE(read->capacity(), read->size() + kReadPadding);
  write("empty", "");
  EXPECT_EQ(*fs_.read(path("empty")), "");
  EXPECT_EQ(fs_.read(path("missing")).error(), error_in(path("missing"), "no such file"));
  EXPECT_EQ(fs_.read(dir_).error(), error_in(dir_, "is a directory, expected a file"));
}

TEST_F(RealFileSystemTest, KindsListingAndIdentity) {
  write("b.py", "");
  stdfs::create_directory(path("a_dir"));
  stdfs::create_directory_symlink(path("a_dir"), path("link"));
  stdfs::create_symlink(path("nowhere"), path("broken"));
  EXPECT_EQ(fs_.kind(path("b.py")), EntryKind::file);
  EXPECT_EQ(fs_.kind(path("a_dir")), EntryKind::directory);
  EXPECT_EQ(fs_.kind(path("missing")), EntryKind::other);
  EXPECT_EQ(*fs_.list(dir_), (std::vector<DirEntry>{{"a_dir", EntryKind::directory},
                                                    {"b.py", EntryKind::file},
                                                    {"broken", EntryKind::other},
                                                    {"link", EntryKind::directory}}));
  EXPECT_EQ(fs_.identity(path("link")), fs_.identity(path("a_dir")));
  EXPECT_NE(fs_.identity(path("a_dir")), fs_.identity(dir_));
  EXPECT_FALSE(fs_.list(path("missing")).ok());
}

TEST_F(RealFileSystemTest, ReadChunksStreamsTheFile) {
  write("r.xml", "0123456789");
  EXPECT_EQ(chunks_of(fs_, path("r.xml"), 3), (std::vector<std::string>{"012", "345", "678", "9"}));
  EXPECT_EQ(chunks_of(fs_, path("r.xml"), 3, 2), (std::vector<std::string>{"012", "345"}));
  EXPECT_EQ(fs_.read_chunks(path("missing"), 3, [](std::string_view) { return true; }).error(),
            error_in(path("missing"), "no such file"));
  EXPECT_EQ(fs_.read_chunks(dir_, 3, [](std::string_view) { return true; }).error(),
            error_in(dir_, "is a directory, expected a file"));
}

TEST_F(RealFileSystemTest, AbsoluteIsWhatStdFilesystemSays) {
  EXPECT_EQ(fs_.current_directory(), stdfs::current_path().string());
  for (const char* path : {"plan.json", "./a/../plan.json", ".", "/etc/plan.json"})
    EXPECT_EQ(fs_.absolute(path), stdfs::absolute(path).string()) << path;
}

TEST_F(RealFileSystemTest, AtomicWriteCreatesAndReplacesWithNothingLeftBehind) {
  ASSERT_TRUE(write_file_atomic(path("plan.json"), "first\n").ok());
  EXPECT_EQ(slurp("plan.json"), "first\n");
  ASSERT_TRUE(write_file_atomic(path("plan.json"), "second").ok());
  EXPECT_EQ(slurp("plan.json"), "second");
  ASSERT_TRUE(write_file_atomic(path("empty"), "").ok());
  EXPECT_EQ(slurp("empty"), "");
  EXPECT_EQ(names(), (std::vector<std::string>{"empty", "plan.json"}));
  struct stat info {};
  ASSERT_EQ(::stat(path("plan.json").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0644u);  // not mkstemp's 0600
}

TEST_F(RealFileSystemTest, AtomicWriteFailuresChangeNothing) {
  // The target is a directory: the rename fails, the temporary file is removed.
  stdfs::create_directory(path("taken"));
  auto onto_dir = write_file_atomic(path("taken"), "x");
  ASSERT_FALSE(onto_dir.ok());
  EXPECT_EQ(onto_dir.error().path, path("taken"));
  EXPECT_NE(onto_dir.error().message.find("(nothing was changed)"), std::string::npos)
      << onto_dir.error().message;
  EXPECT_EQ(names(), (std::vector<std::string>{"taken"}));
  // The directory does not exist: no temporary file can be made beside the target.
  auto nowhere = write_file_atomic(path("missing/plan.json"), "x");
  ASSERT_FALSE(nowhere.ok());
  EXPECT_EQ(nowhere.error().message,
            "cannot create a temporary file beside it: No such file or directory");
  EXPECT_EQ(names(), (std::vector<std::string>{"taken"}));
}

TEST_F(RealFileSystemTest, DirectoriesAreMadeNamedAndRemoved) {
  ASSERT_TRUE(make_directories(path("logs/deep/er")).ok());
  EXPECT_EQ(fs_.kind(path("logs/deep/er")), EntryKind::directory);
  ASSERT_TRUE(make_directories(path("logs/deep/er")).ok());  // already there: fine
  write("file", "x");
  auto under_a_file = make_directories(path("file/sub"), "log directory");
  ASSERT_FALSE(under_a_file.ok());
  EXPECT_EQ(under_a_file.error().path, path("file/sub"));
  EXPECT_EQ(under_a_file.error().message.rfind("cannot create the log directory: ", 0), 0u)
      << under_a_file.error().message;
  auto made = make_temporary_directory("shardplan-fs-test-", "log directory");
  ASSERT_TRUE(made.ok()) << made.error().message;
  EXPECT_EQ(made->rfind(join_path(temporary_directory(), "shardplan-fs-test-"), 0), 0u) << *made;
  ASSERT_TRUE(make_directories(join_path(*made, "a/b")).ok());
  remove_tree(*made);
  EXPECT_EQ(fs_.kind(*made), EntryKind::other);
  remove_tree(*made);  // gone already: nothing happens
}

}  // namespace
}  // namespace shardplan
