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
#include <vector>

#include "core/diagnostic.h"

namespace shardplan {

enum class Outcome { passed, skipped, failed, error };
std::string_view outcome_name(Outcome outcome);

struct JunitCase {
  // pytest: "tests/sub/test_x.py::TestC::test_a[1]". A collection error or a module-level skip
  // is the bare file path. Other runners: "file::name" or "file::classname::name".
  std::string id;
  double seconds = 0;  // setup + call + teardown; skipped, failed and errored tests count too
  Outcome outcome = Outcome::passed;
  int line = 0;  // where the <testcase> element starts in the report
  int column = 0;
  bool operator==(const JunitCase&) const = default;
};

struct JunitReport {
  std::string source;
  std::vector<JunitCase> cases;  // document order
  // <testcase>s whose test file could not be determined (xunit2 classname that names no file
  // of the universe, ctest reports): they are not in `cases`.
  std::size_t unresolved = 0;
  std::optional<Diagnostic> first_unresolved;     // where the first one is, and its classname
  std::map<std::string, std::string> properties;  // <testsuite> properties, first value wins
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

 private:
  std::map<std::string, std::string, std::less<>> modules_;
};

// Incremental reader: feed() the report in chunks of any size, then finish().
class JunitReader {
 public:
  JunitReader(std::string source_name, const ModuleIndex& index);
  ~JunitReader();
  JunitReader(const JunitReader&) = delete;
  JunitReader& operator=(const JunitReader&) = delete;

  // False after the first error; the error is then returned by finish().
  bool feed(std::string_view chunk);
  Result<JunitReport> finish();

  struct State;

 private:
  std::unique_ptr<State> state_;
};

Result<JunitReport> parse_junit(std::string_view content, const std::string& source_name,
                                const ModuleIndex& index);

// "tests/sub/test_x.py" -> "tests.sub.test_x" (pytest's classname prefix for the file).
std::string dotted_module(std::string_view file);

}  // namespace shardplan
