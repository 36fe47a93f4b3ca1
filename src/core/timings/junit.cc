#include "core/timings/junit.h"

#include "core/model.h"
#include "core/timings/junit_scan.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>
#include <memory>

#include <expat.h>
#include <fmt/format.h>

namespace shardplan {

std::string_view outcome_name(Outcome outcome) {
  switch (outcome) {
    case Outcome::passed:
      return "passed";
    case Outcome::skipped:
      return "skipped";
    case Outcome::failed:
      return "failed";
    case Outcome::error:
      return "error";
  }
  return "passed";
}

std::string dotted_module(std::string_view file) {
  std::string dotted(file);
  if (dotted.size() > 3 && dotted.compare(dotted.size() - 3, 3, ".py") == 0)
    dotted.resize(dotted.size() - 3);
  std::replace(dotted.begin(), dotted.end(), '/', '.');
  return dotted;
}

std::string_view IdStore::store(std::string_view text) {
  if (capacity_ - used_ < text.size()) {
    // 64 KiB, doubling up to 1 MiB: small reports stay small.
    const std::size_t block = std::size_t{1} << std::min<std::size_t>(16 + blocks_.size(), 20);
    capacity_ = std::max(block, text.size());
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(capacity_));
    used_ = 0;
  }
  char* at = blocks_.back().get() + used_;
  if (!text.empty()) std::memcpy(at, text.data(), text.size());
  used_ += text.size();
  return {at, text.size()};
}

JunitReport::JunitReport(const JunitReport& other)
    : source(other.source),
      unresolved(other.unresolved),
      first_unresolved(other.first_unresolved),
      properties(other.properties) {
  cases.reserve(other.cases.size());
  for (const JunitCase& test : other.cases)
    add(test.id, test.seconds, test.outcome, test.line, test.column);
}

JunitReport& JunitReport::operator=(const JunitReport& other) {
  if (this != &other) *this = JunitReport(other);
  return *this;
}

ModuleIndex::ModuleIndex(const std::vector<std::string>& files) {
  modules_.reserve(files.size());
  for (const std::string& file : files) modules_.emplace(dotted_module(file), file);
}

ModuleIndex::ModuleIndex(const std::vector<std::string>& reported,
                         const std::vector<std::string>& files) {
  modules_.reserve(std::min(reported.size(), files.size()));
  for (std::size_t i = 0; i < reported.size() && i < files.size(); ++i) {
    modules_.emplace(dotted_module(reported[i]), files[i]);
  }
}

const std::string* ModuleIndex::find(std::string_view dotted, std::string_view* rest) const {
  if (modules_.empty()) return nullptr;
  std::size_t end = dotted.size();
  for (;;) {
    if (const auto found = modules_.find(dotted.substr(0, end)); found != modules_.end()) {
      if (rest) *rest = end < dotted.size() ? dotted.substr(end + 1) : std::string_view{};
      return &found->second;
    }
    if (end == 0) return nullptr;
    const std::size_t dot = dotted.rfind('.', end - 1);
    if (dot == std::string_view::npos) return nullptr;
    end = dot;
  }
}

std::optional<std::string> ModuleIndex::resolve(std::string_view dotted,
                                                std::string_view* rest) const {
  if (const std::string* file = find(dotted, rest)) return *file;
  return std::nullopt;
}

namespace {

// An attribute value copied out of expat's buffer (valid only during its callback) into
// storage reused from case to case, so reading a <testcase> allocates nothing in the steady state.
struct Field {
  std::string text;
  bool present = false;
  void set(const char* value) {
    text.assign(value);
    present = true;
  }
  void clear() {
    text.clear();
    present = false;
  }
};

struct CaseAttributes {
  Field name, classname, file, time;
  int line = 0, column = 0;
  Outcome outcome = Outcome::passed;
};

// "./a/b.rb" -> "a/b.rb"; backslashes (reports written on Windows) -> '/'.
void normalize_path_into(std::string_view path, std::string& out) {
  out.assign(path);
  std::replace(out.begin(), out.end(), '\\', '/');
  std::size_t skip = 0;
  while (out.size() - skip > 2 && out.compare(skip, 2, "./") == 0) skip += 2;
  if (skip > 0) out.erase(0, skip);
}

bool ends_with_py(std::string_view path) {
  return path.size() > 3 && path.substr(path.size() - 3) == ".py";
}

// How much of `classname` pytest's dotted module name of `file` ("tests/a.py" -> "tests.a")
// covers: its length when classname is that module or starts with it and a '.', else npos.
std::size_t module_prefix(std::string_view classname, std::string_view file) {
  const std::string_view stem = ends_with_py(file) ? file.substr(0, file.size() - 3) : file;
  if (classname.size() < stem.size()) return std::string_view::npos;
  for (std::size_t i = 0; i < stem.size(); ++i) {
    const char want = stem[i] == '/' ? '.' : stem[i];
    if (classname[i] != want) return std::string_view::npos;
  }
  if (classname.size() == stem.size() || classname[stem.size()] == '.') return stem.size();
  return std::string_view::npos;
}

// Appends "::A::B" for the dotted class path "A.B" pytest writes for nested classes.
void append_class_path(std::string& out, std::string_view dotted) {
  out += "::";
  for (const char c : dotted) {
    if (c == '.')
      out += "::";
    else
      out += c;
  }
}

void join_id(std::string& out, std::string_view file, std::string_view classes,
             std::string_view name) {
  out.assign(file);
  if (!classes.empty()) append_class_path(out, classes);
  if (!name.empty()) {
    out += "::";
    out += name;
  }
}

// Whether classname only restates the file ("spec.models.user_spec" for spec/models/user_spec.rb,
// or the go package path itself), so it adds nothing to the test id.
bool classname_restates_file(std::string_view classname, std::string_view file) {
  if (classname == file) return true;
  const auto dot = file.rfind('.');
  const auto slash = file.rfind('/');
  const std::string_view stem =
      dot != std::string_view::npos && (slash == std::string_view::npos || dot > slash)
          ? file.substr(0, dot)
          : file;
  std::string dotted(stem);
  std::replace(dotted.begin(), dotted.end(), '/', '.');
  return classname == stem || classname == dotted;
}

}  // namespace

struct JunitReader::State final : XmlScanHandler {
  XML_Parser parser = nullptr;
  std::unique_ptr<XmlScanner> scanner;  // the fast parser, when used
  bool gave_up = false;
  std::string source;
  const ModuleIndex& index;
  JunitReport report;
  std::optional<Diagnostic> error;
  int depth = 0;
  int case_depth = -1;                   // depth of the open <testcase>, -1 when none is open
  std::vector<std::string> suite_files;  // `file` attributes of the enclosing <testsuite>s
  CaseAttributes current;
  std::string id;    // the id being built, reused
  std::string file;  // the normalized file of the current case, reused

  State(std::string name, const ModuleIndex& modules) : source(std::move(name)), index(modules) {}

  void on_start(std::string_view name, const char** attributes) override {
    start(name, attributes);
  }
  void on_end(std::string_view name) override { end(name); }
  bool stopped() const override { return error.has_value(); }

  std::pair<int, int> position() const {
    const XML_Size line = scanner ? scanner->line() : XML_GetCurrentLineNumber(parser);
    const XML_Size column = scanner ? scanner->column() : XML_GetCurrentColumnNumber(parser);
    return {static_cast<int>(std::min<XML_Size>(line, INT_MAX)),
            static_cast<int>(std::min<XML_Size>(column, INT_MAX - 1)) + 1};
  }

  void stop(std::string message) {
    if (error) return;
    const auto [line, column] = position();
    error = error_at(source, line, column, std::move(message));
    if (parser) XML_StopParser(parser, XML_FALSE);
  }

  void stop_at_case(std::string message) {
    error = error_at(source, current.line, current.column, std::move(message));
    if (parser) XML_StopParser(parser, XML_FALSE);
  }

  void start(std::string_view name, const XML_Char** attributes);
  void end(std::string_view name);
  void start_case(const XML_Char** attributes);
  void finish_case();
  bool case_id();
  bool pytest_id(std::string_view classname, std::string_view name);
  void count_unresolved();
};

namespace {

std::optional<std::string> attribute(const XML_Char** attributes, std::string_view wanted) {
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    if (wanted == attributes[i]) return std::string(attributes[i + 1]);
  }
  return std::nullopt;
}

std::optional<double> parse_seconds(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  double value = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !std::isfinite(value) || value < 0) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

void JunitReader::State::start(std::string_view name, const XML_Char** attributes) {
  if (depth == 0 && name != "testsuites" && name != "testsuite") {
    stop(
        fmt::format("the root element is <{}>, expected <testsuites> or <testsuite>: is this a "
                    "JUnit XML report?",
                    name));
    return;
  }
  ++depth;
  if (case_depth >= 0) {
    if (depth != case_depth + 1) return;
    if (name == "error")
      current.outcome = Outcome::error;
    else if (name == "failure" && current.outcome != Outcome::error)
      current.outcome = Outcome::failed;
    else if (name == "skipped" && current.outcome == Outcome::passed)
      current.outcome = Outcome::skipped;
    return;
  }
  if (name == "testcase") {
    start_case(attributes);
  } else if (name == "testsuite") {
    if (auto suite_file = attribute(attributes, "file")) {
      normalize_path_into(*suite_file, file);
      suite_files.push_back(file);
    } else {
      suite_files.push_back(suite_files.empty() ? "" : suite_files.back());
    }
  } else if (name == "property") {
    auto key = attribute(attributes, "name");
    auto value = attribute(attributes, "value");
    if (key && value) report.properties.emplace(*key, *value);
  }
}

void JunitReader::State::end(std::string_view name) {
  if (case_depth == depth && name == "testcase") {
    finish_case();
    case_depth = -1;
  } else if (case_depth < 0 && name == "testsuite" && !suite_files.empty()) {
    suite_files.pop_back();
  }
  --depth;
}

void JunitReader::State::start_case(const XML_Char** attributes) {
  case_depth = depth;
  current.name.clear();
  current.classname.clear();
  current.file.clear();
  current.time.clear();
  current.outcome = Outcome::passed;
  std::tie(current.line, current.column) = position();
  for (int i = 0; attributes[i] != nullptr; i += 2) {
    const std::string_view key = attributes[i];
    const XML_Char* value = attributes[i + 1];
    if (key == "name") {
      current.name.set(value);
    } else if (key == "classname") {
      current.classname.set(value);
    } else if (key == "file") {
      current.file.set(value);
    } else if (key == "time") {
      current.time.set(value);
    } else if (key == "status") {
      // ctest and gtest mark tests that did not run with status="notrun"/"disabled".
      const std::string_view status = value;
      if (status == "notrun" || status == "disabled") current.outcome = Outcome::skipped;
      if (status == "fail") current.outcome = Outcome::failed;
    }
  }
}

// The id of a pytest xunit1 case (file names a .py) into `id`; false when unresolvable.
bool JunitReader::State::pytest_id(std::string_view classname, std::string_view name) {
  if (classname.empty()) {  // a collection error or skip of the whole module
    id.assign(file);
    return true;
  }
  if (const std::size_t covered = module_prefix(classname, file);
      covered != std::string_view::npos) {
    join_id(id, file, covered < classname.size() ? classname.substr(covered + 1) : "", name);
    return true;
  }
  // The test function is defined in another file (an inherited test): `file` names where it is
  // defined, classname where it was collected.
  std::string_view rest;
  if (const std::string* collected = index.find(classname, &rest)) {
    join_id(id, *collected, rest, name);
    return true;
  }
  return false;
}

// The current case's id into `id`; false when its test file cannot be determined.
bool JunitReader::State::case_id() {
  const std::string_view name = current.name.text;
  const std::string_view classname = current.classname.text;
  if (current.file.present) {
    normalize_path_into(current.file.text, file);
  } else {
    file.clear();
  }
  if (file.empty() && !suite_files.empty()) file = suite_files.back();
  if (ends_with_py(file)) return pytest_id(classname, name);  // pytest xunit1
  if (!file.empty()) {
    const bool keep_class =
        !classname.empty() && classname != name && !classname_restates_file(classname, file);
    id.assign(file);
    if (keep_class) {
      id += "::";
      id += classname;
      id += "::";
      id += name;
    } else if (!name.empty()) {
      id += "::";
      id += name;
    }
    return true;
  }
  std::string_view rest;
  if (classname.empty()) {
    // pytest xunit2 collection error: classname "" and name "tests.sub.test_x".
    const std::string* whole = index.find(name, &rest);
    if (!whole || !rest.empty()) return false;
    id.assign(*whole);
    return true;
  }
  if (const std::string* resolved = index.find(classname, &rest)) {
    join_id(id, *resolved, rest, name);  // xunit2
    return true;
  }
  if (classname.find('/') != std::string::npos) {
    normalize_path_into(classname, file);
    join_id(id, file, "", name);  // go
    return true;
  }
  return false;
}

void JunitReader::State::count_unresolved() {
  if (report.unresolved++ == 0) {
    report.first_unresolved = error_at(
        source, current.line, current.column,
        fmt::format("cannot tell the test file of <testcase classname=\"{}\" name=\"{}\">: no test "
                    "file under --root has that module name (run from the same --root as the plan; "
                    "if the shards collected doctests or other plugins' files, give the same "
                    "pytest options after --, e.g. -- --doctest-modules)",
                    current.classname.text, current.name.text));
  }
}

void JunitReader::State::finish_case() {
  if (!current.name.present) return stop_at_case("<testcase> has no 'name' attribute");
  if (!current.time.present) return stop_at_case("<testcase> has no 'time' attribute");
  const auto seconds = parse_seconds(current.time.text);
  if (!seconds) {
    return stop_at_case(fmt::format(
        "<testcase> time \"{}\" is not a non-negative number of seconds", current.time.text));
  }
  if (!case_id()) return count_unresolved();
  if (const auto plain = without_xdist_group(id); plain.size() != id.size())
    id.resize(plain.size());
  // pytest writes a test that fails in its call and errors in teardown as two consecutive
  // <testcase>s with the same name: they are one run of one test.
  if (!report.cases.empty() && report.cases.back().id == id) {
    JunitCase& previous = report.cases.back();
    previous.seconds += *seconds;
    previous.outcome = std::max(previous.outcome, current.outcome);
    return;
  }
  report.add(id, *seconds, current.outcome, current.line, current.column);
}

namespace {

void XMLCALL on_start(void* data, const XML_Char* name, const XML_Char** attributes) {
  static_cast<JunitReader::State*>(data)->start(name, attributes);
}

void XMLCALL on_end(void* data, const XML_Char* name) {
  static_cast<JunitReader::State*>(data)->end(name);
}

// Entity declarations are how XML bombs (billion laughs) and external entities get in; no JUnit
// writer emits them, so the first one stops the parse.
void XMLCALL on_entity(void* data, const XML_Char*, int, const XML_Char*, int, const XML_Char*,
                       const XML_Char*, const XML_Char*, const XML_Char*) {
  static_cast<JunitReader::State*>(data)->stop(
      "entity declarations are not accepted in a JUnit report (entity expansion is off)");
}

}  // namespace

JunitReader::JunitReader(std::string source_name, const ModuleIndex& index, XmlParser parser)
    : state_(std::make_unique<State>(std::move(source_name), index)) {
  state_->report.source = state_->source;
  if (parser == XmlParser::fast) {
    state_->scanner = std::make_unique<XmlScanner>(*state_);
    return;
  }
  state_->parser = XML_ParserCreate(nullptr);
  if (!state_->parser) throw std::bad_alloc();
  XML_SetUserData(state_->parser, state_.get());
  XML_SetElementHandler(state_->parser, on_start, on_end);
  XML_SetEntityDeclHandler(state_->parser, on_entity);
  XML_SetParamEntityParsing(state_->parser, XML_PARAM_ENTITY_PARSING_NEVER);
}

JunitReader::~JunitReader() {
  if (state_ && state_->parser) XML_ParserFree(state_->parser);
}

bool JunitReader::gave_up() const {
  return state_->gave_up;
}

bool JunitReader::feed(std::string_view chunk) {
  State& state = *state_;
  if (state.error || state.gave_up) return false;
  if (state.scanner) {
    state.gave_up = state.scanner->feed(chunk) == XmlScanner::Status::unsupported;
    return !state.error && !state.gave_up;
  }
  while (!chunk.empty()) {
    const std::size_t size = std::min<std::size_t>(chunk.size(), INT_MAX);
    if (XML_Parse(state.parser, chunk.data(), static_cast<int>(size), XML_FALSE) != XML_STATUS_OK)
      break;
    chunk.remove_prefix(size);
  }
  if (!state.error && XML_GetErrorCode(state.parser) != XML_ERROR_NONE) {
    const auto [line, column] = state.position();
    state.error =
        error_at(state.source, line, column,
                 fmt::format("invalid XML: {}", XML_ErrorString(XML_GetErrorCode(state.parser))));
  }
  return !state.error;
}

Result<JunitReport> JunitReader::finish() {
  State& state = *state_;
  if (state.scanner) {
    if (!state.error && !state.gave_up)
      state.gave_up = state.scanner->finish() == XmlScanner::Status::unsupported;
    if (state.gave_up) {
      return error_at(state.source, 1, 1, "the fast parser gave up: read it again with expat");
    }
  } else if (!state.error && XML_Parse(state.parser, nullptr, 0, XML_TRUE) != XML_STATUS_OK &&
             !state.error) {
    const auto [line, column] = state.position();
    state.error =
        error_at(state.source, line, column,
                 fmt::format("invalid XML: {}", XML_ErrorString(XML_GetErrorCode(state.parser))));
  }
  if (state.error) return *state.error;
  return std::move(state.report);
}

Result<JunitReport> parse_junit_with(std::string_view content, const std::string& source_name,
                                     const ModuleIndex& index, XmlParser parser) {
  JunitReader reader(source_name, index, parser);
  reader.feed(content);
  return reader.finish();
}

Result<JunitReport> parse_junit(std::string_view content, const std::string& source_name,
                                const ModuleIndex& index) {
  JunitReader reader(source_name, index, XmlParser::fast);
  reader.feed(content);
  auto report = reader.finish();
  if (!reader.gave_up()) return report;
  return parse_junit_with(content, source_name, index, XmlParser::expat);
}

}  // namespace shardplan
