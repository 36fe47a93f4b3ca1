// Reading the JUnit reports named by --junit globs, for merge, audit, failed and the planner's
// timing options: each file is streamed into the reader in chunks (no whole-file copy), and
// testcases whose file could not be determined are reported as one warning per report.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/diagnostic.h"
#include "core/fs.h"
#include "core/model.h"
#include "core/timings/junit.h"

namespace shardplan::cli {

Result<JunitReport> read_report(const FileSystem& fs, const std::string& path,
                                const ModuleIndex& index);

// Every report matching `pattern` (see core/glob.h), read in path order.
Result<std::vector<JunitReport>> read_reports(const FileSystem& fs, const std::string& pattern,
                                              const ModuleIndex& index);
// The reports of every pattern in turn (repeated --junit).
Result<std::vector<JunitReport>> read_reports(const FileSystem& fs,
                                              const std::vector<std::string>& patterns,
                                              const ModuleIndex& index);

// The test times of the reports matching `patterns`, read as one run (a test may run only
// once), laid over `older` timings: a test the reports timed takes their time, others keep theirs.
Result<Timings> junit_timings(const FileSystem& fs, const std::vector<std::string>& patterns,
                              const std::vector<std::string>& universe,
                              std::optional<Timings> older);

// Output written in pieces: to a temporary file beside `path`, renamed over it by commit() (a
// failure, or no commit, leaves the old file untouched), or, when path is "-" or empty, to
// stdout at commit().
class StreamedOutput {
 public:
  explicit StreamedOutput(std::string path);

  bool write(std::string_view piece);  // false after the first failure
  Result<bool> commit();               // the first failure, if any

 private:
  std::optional<AtomicFile> file_;  // none: stdout
  std::string held_;                // stdout's text
};

// "shardplan: warning: r.xml:3:5: cannot tell the test file of ... (2 such testcases ignored)".
void warn_unresolved(const JunitReport& report);

}  // namespace shardplan::cli
