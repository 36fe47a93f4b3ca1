// Value types shared by every module: test ids, timings, slices, shards and plans.
// Pure data plus a few helpers on test ids; no I/O, no formatting of output.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace shardplan {

// The plan file format this build writes and understands (see docs/plan-format.md).
inline constexpr int kPlanFormatVersion = 1;

// pytest node id "path/to/test_x.py::Class::test[param]": the file is the text before the
// first "::" (a bare path names a whole file).
std::string_view file_of(std::string_view test_id);

// The node id without pytest-xdist's group suffix: under `--dist loadgroup` xdist appends
// "@<group>" to the ids of xdist_group-marked tests ("t.py::test_a[png]@browser"), and
// durations files and JUnit reports recorded that way carry it. The suffix is an '@' after the
// test's name and after its closing ']' when it has parameters, so "t.py::test_mail[a@b.c]"
// has none. Every reader of ids applies this: one normal form for durations, JUnit, plans,
// audit and merge (the plugin does the same in Python).
std::string_view without_xdist_group(std::string_view test_id);

struct TestTiming {
  std::string id;
  double seconds = 0;
  bool operator==(const TestTiming&) const = default;
};

// Recorded per-test durations, sorted by id, ids unique.
struct Timings {
  std::vector<TestTiming> tests;
  std::size_t skipped_invalid = 0;  // negative, non-finite or non-numeric values
};

// The planner's view of one test file.
struct FileWork {
  std::string path;
  double seconds = 0;             // sum of its timed tests, or the estimate
  bool estimated = false;         // no timing: seconds is an estimate
  std::vector<TestTiming> tests;  // timed tests, sorted by id
};

// A subset of one file's tests, run on one shard. Tests in the file that no slice lists
// (added after the timings were recorded) run in the slice marked `owner`.
struct Slice {
  std::string file;
  int index = 1;  // 1-based among the file's slices
  int count = 1;  // number of slices of this file
  bool owner = false;
  double seconds = 0;  // predicted, including the file overhead
  std::vector<std::string> tests;
  bool operator==(const Slice&) const = default;
};

struct Shard {
  int index = 1;                   // 1-based
  std::vector<std::string> files;  // whole files, sorted
  std::vector<Slice> slices;       // sorted by file
  double predicted_seconds = 0;
  bool operator==(const Shard&) const = default;
};

struct PlanStats {
  std::size_t universe_files = 0;
  std::size_t timed_files = 0;
  std::size_t estimated_files = 0;  // universe files with no timing
  std::size_t stale_entries = 0;    // timings for files outside the universe
  std::size_t skipped_invalid = 0;  // timing values that were not valid durations
  std::size_t known_tests = 0;
  bool operator==(const PlanStats&) const = default;
};

// What a plan was made for, so that every job runs that and nothing else (docs/plan-format.md,
// "scope"). Paths are root-relative POSIX strings, cleaned ("./" and trailing '/' removed),
// sorted and unique. A collected file is in scope when it lies under the plan's root, at or
// under one of `paths` (when any) and one of `include` (when any), and matches no `exclude`;
// with source "files-from" only the plan's own files are in scope. See core/scope.h.
struct PlanScope {
  std::string source = "walk";         // "walk", "files-from" or "files-from-timings"
  std::vector<std::string> paths;      // positional paths given to pytest when planning
  std::vector<std::string> include;    // --include
  std::vector<std::string> exclude;    // --exclude (paths or globs)
  std::string config;                  // pytest config file, relative to the root ("" when none)
  std::string root_from_config = ".";  // the root, relative to the config file's directory
  bool operator==(const PlanScope&) const = default;
};

struct Plan {
  int version = kPlanFormatVersion;
  int shard_count = 0;
  double lower_bound = 0;     // no plan can finish before this
  double makespan = 0;        // predicted time of the slowest shard
  double file_overhead = 0;   // seconds charged once per file (or slice) a shard collects
  double shard_overhead = 0;  // seconds every shard pays once (job start-up), included in
                              // lower_bound, makespan and each shard's predicted seconds
  bool estimated = false;     // true when no timings were given at all
  std::string universe_digest;
  std::string inputs_digest;
  PlanStats stats;
  PlanScope scope;
  std::vector<Shard> shards;
  bool operator==(const Plan&) const = default;
};

// How evenly a plan's predicted seconds spread over its shards.
struct Balance {
  double max = 0, mean = 0, min = 0;
  double ratio_to_lower_bound = 0;  // makespan / lower bound (1 when the bound is 0)
};
Balance balance_of(const Plan& plan);

// Every file the plan names (whole or sliced), sorted, once each.
std::vector<std::string> planned_files(const Plan& plan);

// Stable 64-bit FNV-1a hash; the plugin computes the same one in Python.
std::uint64_t fnv1a64(std::string_view text);

// Incremental FNV-1a 64 over text and numbers (a double contributes its IEEE-754 bits, least
// significant byte first), so a digest needs no formatted copy of its input.
class Fnv1a64 {
 public:
  Fnv1a64& add(std::string_view text);
  Fnv1a64& add(double value);
  std::uint64_t value() const { return hash_; }

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};
// FNV-1a's xor-and-multiply taken over 8-byte little-endian words instead of bytes (the tail
// byte-wise, the length mixed in), finished with MurmurHash3's fmix64. About eight times faster
// than Fnv1a64 on long ids: used for the inputs digest, which only this binary computes.
class WordHash64 {
 public:
  WordHash64& add(std::string_view text);
  WordHash64& add(double value);
  std::uint64_t value() const;

 private:
  std::uint64_t hash_ = 0xcbf29ce484222325ULL;
};
std::string digest_hex(std::uint64_t hash);       // "fnv1a64:0123456789abcdef"
std::string word_digest_hex(std::uint64_t hash);  // "wfnv64:0123456789abcdef"
// Digest of a sorted list of file paths (each followed by '\n').
std::string universe_digest(const std::vector<std::string>& sorted_files);
// 1-based shard that runs a test file the plan does not know (added after planning).
int shard_for_unknown_file(std::string_view path, int shard_count);

}  // namespace shardplan
