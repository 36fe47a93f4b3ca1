// Reader for JUnit XML reports: pytest's xunit1 and xunit2 dialects, and the reports of other
// runners that name a file (jest-junit, go-junit-report, rspec_junit_formatter, gtest). A
// streaming expat parser (never a DOM) turns each <testcase> into a node id, seconds and an
// outcome. Entity declarations are refused (no XML bombs); errors name source:line:column.
// Takes text, never paths; it must not decide what a run, a shard or a plan is.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/diagnostic.h"

namespace shardplan {

enum class Outcome { passed, skipped, failed, error };
std::string_view outcome_name(Outcome outcome);

struct JunitCase {
  // pytest: "tests/sub/test_x.py::TestC::test_a[1]". A collection error or a module-level skip
  // is the bare file path. Other runners: "file::name" or "file::classname::name". A view into
  // the owning report's IdStore (or any text that outlives the case).
  std::string_view id;
  double seconds = 0;  // setup + call + teardown; skipped, failed and errored tests count too
  Outcome outcome = Outcome::passed;
  int line = 0;  // where the <testcase> element starts in the report
  int column = 0;
  bool operator==(const JunitCase&) const = default;
};

// Append-only storage for test ids: fixed blocks, so a stored id never moves (views stay valid
// when the store, or the report holding it, is moved). One allocation per block, not per id.
class IdStore {
 public:
  std::string_view store(std::string_view text);

 private:
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t used_ = 0, capacity_ = 0;
};

struct JunitReport {
  JunitReport() = default;
  JunitReport(const JunitReport& other);  // the copy's ids live in its own store
  JunitReport& operator=(const JunitReport& other);
  JunitReport(JunitReport&&) noexcept = default;
  JunitReport& operator=(JunitReport&&) noexcept = default;
  ~JunitReport() = default;

  std::string source;
  IdStore ids;                   // owns the text of the cases' ids
  std::vector<JunitCase> cases;  // document order
  // <testcase>s whose test file could not be determined (xunit2 classname that names no file
  // of the universe, ctest reports): they are not in `cases`.
  std::size_t unresolved = 0;
  std::optional<Diagnostic> first_unresolved;     // where the first one is, and its classname
  std::map<std::string, std::string> properties;  // <testsuite> properties, first value wins

  // Appends a case whose id is copied into `ids`.
  void add(std::string_view id, double seconds, Outcome outcome, int line, int column) {
    cases.push_back({ids.store(id), seconds, outcome, line, column});
  }
};

// Maps pytest's dotted module names ("tests.sub.test_x") back to test files of the universe.
class ModuleIndex {
 public:
  ModuleIndex() = default;
  explicit ModuleIndex(const std::vector<std::string>& files);
  // Files as the report names them (`reported`, e.g. relative to another directory) resolving
  // to `files` (same length, same order).
  ModuleIndex(const std::vector<std::string>& reported, const std::vector<std::string>& files);
  bool empty() const { return modules_.empty(); }
  // The file whose dotted module name is the longest prefix of `dotted` (ending at a '.' or at
  // the end); `rest` receives what follows that prefix (without the '.').
  std::optional<std::string> resolve(std::string_view dotted, std::string_view* rest) const;
  // The same, without copying the file name (nullptr when none matches).
  const std::string* find(std::string_view dotted, std::string_view* rest) const;

 private:
  struct Hash {
    using is_transparent = void;
    std::size_t operator()(std::string_view text) const noexcept {
      return std::hash<std::string_view>{}(text);
    }
  };
  // Looked up once or twice per <testcase>: hashed, not ordered (nothing iterates it).
  std::unordered_map<std::string, std::string, Hash, std::equal_to<>> modules_;
};

// How a report is parsed: `fast` is a strict scanner (core/timings/junit_scan.h) that gives up
// on anything unusual, `expat` reads every XML document and names every error.
enum class XmlParser { fast, expat };

// Incremental reader: feed() the report in chunks of any size, then finish(). With the fast
// parser, check gave_up() after feed() returns false and after finish(): then read the report
// again from the start with XmlParser::expat, which gives the same result or the exact error.
class JunitReader {
 public:
  JunitReader(std::string source_name, const ModuleIndex& index,
              XmlParser parser = XmlParser::fast);
  ~JunitReader();
  JunitReader(const JunitReader&) = delete;
  JunitReader& operator=(const JunitReader&) = delete;

  // False after the first error; the error is then returned by finish().
  bool feed(std::string_view chunk);
  Result<JunitReport> finish();
  bool gave_up() const;

  struct State;

 private:
  std::unique_ptr<State> state_;
};

// The whole report at once: the fast parser, and expat when it gives up.
Result<JunitReport> parse_junit(std::string_view content, const std::string& source_name,
                                const ModuleIndex& index);
// With one parser only (tests compare the two); `fast` must not give up.
Result<JunitReport> parse_junit_with(std::string_view content, const std::string& source_name,
                                     const ModuleIndex& index, XmlParser parser);

// "tests/sub/test_x.py" -> "tests.sub.test_x" (pytest's classname prefix for the file).
std::string dotted_module(std::string_view file);

}  // namespace shardplan
