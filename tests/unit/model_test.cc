// The hashes and id helpers of core/model: FNV-1a against the published reference vectors
// (the plugin is held to the same ones in tests/plugin/test_fnv_vectors.py), the word-wise
// digest pinned to values computed independently (little-endian words, on any host), and the
// helpers every module shares.
#include "core/model.h"

#include <gtest/gtest.h>

namespace shardplan {
namespace {

// FNV-1a 64, from Landon Curt Noll's test_fnv.c and draft-eastlake-fnv ("FNV1a_64").
struct FnvVector {
  const char* text;
  std::uint64_t hash;
};
constexpr FnvVector kFnvVectors[] = {
    {"", 0xcbf29ce484222325ULL},      {"a", 0xaf63dc4c8601ec8cULL},
    {"b", 0xaf63df4c8601f1a5ULL},     {"c", 0xaf63de4c8601eff2ULL},
    {"d", 0xaf63d94c8601e773ULL},     {"e", 0xaf63d84c8601e5c0ULL},
    {"f", 0xaf63db4c8601ead9ULL},     {"fo", 0x08985907b541d342ULL},
    {"foo", 0xdcb27518fed9d577ULL},   {"foob", 0xdd120e790c2512afULL},
    {"fooba", 0xcac165afa2fef40aULL}, {"foobar", 0x85944171f73967e8ULL},
};

TEST(Fnv1a64, MatchesThePublishedReferenceVectors) {
  for (const FnvVector& vector : kFnvVectors) {
    EXPECT_EQ(fnv1a64(vector.text), vector.hash) << '"' << vector.text << '"';
    EXPECT_EQ(Fnv1a64().add(vector.text).value(), vector.hash) << '"' << vector.text << '"';
  }
}

TEST(Fnv1a64, IncrementalEqualsOneShotAndDoublesAddTheirBytesLeastSignificantFirst) {
  EXPECT_EQ(Fnv1a64().add("foo").add("bar").value(), fnv1a64("foobar"));
  // 1.5 is 0x3ff8000000000000: its bytes, least significant first, are six zeros, f8, 3f.
  const std::string bytes("\0\0\0\0\0\0\xf8\x3f", 8);
  EXPECT_EQ(Fnv1a64().add(1.5).value(), fnv1a64(bytes));
}

TEST(Fnv1a64, DigestsAndUnknownFileShardsFollowFromIt) {
  EXPECT_EQ(digest_hex(0x85944171f73967e8ULL), "fnv1a64:85944171f73967e8");
  EXPECT_EQ(digest_hex(0x08985907b541d342ULL), "fnv1a64:08985907b541d342");  // zero-padded
  EXPECT_EQ(universe_digest({"a.py", "b.py"}), "fnv1a64:3ae1154a6908e2d8");  // of "a.py\nb.py\n"
  EXPECT_EQ(universe_digest({}), "fnv1a64:cbf29ce484222325");
  // fnv1a64(path) mod N + 1, as the plugin computes it.
  EXPECT_EQ(shard_for_unknown_file("tests/test_new.py", 4), 4);
  EXPECT_EQ(shard_for_unknown_file("tests/test_new.py", 7), 5);
  EXPECT_EQ(shard_for_unknown_file("tests/sub/test_util.py", 7), 1);
  EXPECT_EQ(shard_for_unknown_file("a.py", 1), 1);
  EXPECT_EQ(shard_for_unknown_file("a.py", 0), 1);  // no shards: never out of range
}

// Values from an independent implementation that reads each 8-byte word little-endian
// (Python's int.from_bytes(..., "little")): the same digests on every machine.
TEST(WordHash64, PinnedDigestsOfLittleEndianWords) {
  const std::pair<std::string_view, std::uint64_t> rows[] = {
      {"", 0xb9034ad37056f5fbULL},
      {"abc", 0xd3f7d113ef763621ULL},       // tail only
      {"abcdefgh", 0xee964dc8e1193ee7ULL},  // one word
      {"tests/test_module.py::TestClass::test_case[param-0]", 0x5bf588d05ac5458dULL},
  };
  for (const auto& [text, hash] : rows) EXPECT_EQ(WordHash64().add(text).value(), hash) << text;
  EXPECT_EQ(WordHash64().add(1.5).value(), 0xdd5f900872212af0ULL);
  EXPECT_EQ(WordHash64().add("tests/a.py").add(0.25).add("x").value(), 0x43148af73c819502ULL);
  EXPECT_EQ(word_digest_hex(0xb9034ad37056f5fbULL), "wfnv64:b9034ad37056f5fb");
}

TEST(TestIds, FileOfIsTheTextBeforeTheFirstSeparator) {
  EXPECT_EQ(file_of("tests/test_a.py::TestC::test_x[a::b]"), "tests/test_a.py");
  EXPECT_EQ(file_of("tests/test_a.py"), "tests/test_a.py");
  EXPECT_EQ(file_of(""), "");
}

TEST(PlannedFiles, EveryFileOnceSortedWholeOrSliced) {
  Plan plan;
  plan.shard_count = 2;
  plan.shards = {Shard{1, {"b.py", "d.py"}, {Slice{"c.py", 1, 2, true, 1, {"c.py::t1"}}}, 2},
                 Shard{2, {"a.py"}, {Slice{"c.py", 2, 2, false, 1, {"c.py::t2"}}}, 2}};
  EXPECT_EQ(planned_files(plan), (std::vector<std::string>{"a.py", "b.py", "c.py", "d.py"}));
  EXPECT_TRUE(planned_files(Plan{}).empty());
}

}  // namespace
}  // namespace shardplan
