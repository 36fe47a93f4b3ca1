#include "core/timings/junit.h"

#include "core/model.h"

#include <algorithm>
#include <charconv>
#include <climits>
#include <cmath>
#include <cstring>

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

ModuleIndex::ModuleIndex(const std::vector<std::string>& files) {
  for (const std::string& file : files) modules_.emplace(dotted_module(file), file);
}

ModuleIndex::ModuleIndex(const std::vector<std::string>& reported,
                         const std::vector<std::string>& files) {
  for (std::size_t i = 0; i < reported.size() && i < files.size(); ++i) {
    modules_.emplace(dotted_module(reported[i]), files[i]);
  }
}

std::optional<std::string> ModuleIndex::resolve(std::string_view dotted,
                                                std::string_view* rest) const {
  std::size_t end = dotted.size();
  for (;;) {
    if (const auto found = modules_.find(dotted.substr(0, end)); found != modules_.end()) {
      if (rest) *rest = end < dotted.size() ? dotted.substr(end + 1) : std::string_view{};
      return found->second;
    }
    if (end == 0) return std::nullopt;
    const std::size_t dot = dotted.rfind('.', end - 1);
    if (dot == std::string_view::npos) return std::nullopt;
    end = dot;
  }
}

namespace {

struct CaseAttributes {
  std::optional<std::string> name, classname, file, time;
  int line = 0, column = 0;
  Outcome outcome = Outcome::passed;
};

// "./a/b.rb" -> "a/b.rb"; backslashes (reports written on Windows) -> '/'.
std::string normalize_path(std::string_view path) {
  std::string out(path);
  std::replace(out.begin(), out.end(), '\\', '/');
  while (out.size() > 2 && out.compare(0, 2, "./") == 0) out.erase(0, 2);
  return out;
}

// "a::b" from the dotted class path "A.B" pytest writes for nested classes.
std::string class_path(std::string_view dotted) {
  std::string out;
  for (const char c : dotted) {
    if (c == '.')
      out += "::";
    else
      out += c;
  }
  return out;
}

std::string join_id(std::string_view file, std::string_view classes, std::string_view name) {
  std::string id(file);
  if (!classes.empty()) id += "::" + class_path(classes);
  if (!name.empty()) id += "::" + std::string(name);
  return id;
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

struct JunitReader::State {
  XML_Parser parser = nullptr;
  std::string source;
  const ModuleIndex& index;
  JunitReport report;
  std::optional<Diagnostic> error;
  int depth = 0;
  int case_depth = -1;                   // depth of the open <testcase>, -1 when none is open
  std::vector<std::string> suite_files;  // `file` attributes of the enclosing <testsuite>s
  CaseAttributes current;

  State(std::string name, const ModuleIndex& modules) : source(std::move(name)), index(modules) {}

  std::pair<int, int> position() const {
    const auto line = XML_GetCurrentLineNumber(parser);
    const auto column = XML_GetCurrentColumnNumber(parser);
    return {static_cast<int>(std::min<XML_Size>(line, INT_MAX)),
            static_cast<int>(std::min<XML_Size>(column, INT_MAX - 1)) + 1};
  }

  void stop(std::string message) {
    if (error) return;
    const auto [line, column] = position();
    error = error_at(source, line, column, std::move(message));
    XML_StopParser(parser, XML_FALSE);
  }

  void stop_at_case(std::string message) {
    error = error_at(source, current.line, current.column, std::move(message));
    XML_StopParser(parser, XML_FALSE);
  }

  void start(std::string_view name, const XML_Char** attributes);
  void end(std::string_view name);
  void start_case(const XML_Char** attributes);
  void finish_case();
  std::optional<std::string> case_id();
  std::optional<std::string> pytest_id(const std::string& file, std::string_view classname,
                                       std::string_view name) const;
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
  if (name == "testsuite") {
    auto file = attribute(attributes, "file");
    suite_files.push_back(file                  ? normalize_path(*file)
                          : suite_files.empty() ? ""
                                                : suite_files.back());
  } else if (name == "testcase") {
    start_case(attributes);
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
  current = CaseAttributes{};
  std::tie(current.line, current.column) = position();
  current.name = attribute(attributes, "name");
  current.classname = attribute(attributes, "classname");
  current.file = attribute(attributes, "file");
  current.time = attribute(attributes, "time");
  // ctest and gtest mark tests that did not run with status="notrun"/"disabled".
  const auto status = attribute(attributes, "status");
  if (status && (*status == "notrun" || *status == "disabled")) current.outcome = Outcome::skipped;
  if (status && *status == "fail") current.outcome = Outcome::failed;
}

std::optional<std::string> JunitReader::State::pytest_id(const std::string& file,
                                                         std::string_view classname,
                                                         std::string_view name) const {
  const std::string module = dotted_module(file);
  if (classname.empty()) return file;  // a collection error or skip of the whole module
  if (classname == module) return join_id(file, "", name);
  if (classname.size() > module.size() && classname.compare(0, module.size(), module) == 0 &&
      classname[module.size()] == '.') {
    return join_id(file, classname.substr(module.size() + 1), name);
  }
  // The test function is defined in another file (an inherited test): `file` names where it is
  // defined, classname where it was collected.
  std::string_view rest;
  if (auto collected = index.resolve(classname, &rest)) return join_id(*collected, rest, name);
  return std::nullopt;
}

std::optional<std::string> JunitReader::State::case_id() {
  const std::string& name = *current.name;
  const std::string classname = current.classname.value_or("");
  std::string file = current.file ? normalize_path(*current.file) : "";
  if (file.empty() && !suite_files.empty()) file = suite_files.back();
  if (file.size() > 3 && file.compare(file.size() - 3, 3, ".py") == 0) {
    return pytest_id(file, classname, name);  // pytest xunit1
  }
  if (!file.empty()) {
    const bool keep_class =
        !classname.empty() && classname != name && !classname_restates_file(classname, file);
    return join_id(file, "", keep_class ? classname + "::" + name : name);
  }
  std::string_view rest;
  if (classname.empty()) {
    // pytest xunit2 collection error: classname "" and name "tests.sub.test_x".
    if (auto whole = index.resolve(name, &rest); whole && rest.empty()) return *whole;
    return std::nullopt;
  }
  if (auto resolved = index.resolve(classname, &rest))
    return join_id(*resolved, rest, name);  // xunit2
  if (classname.find('/') != std::string::npos)
    return join_id(normalize_path(classname), "", name);  // go
  return std::nullopt;
}

void JunitReader::State::count_unresolved() {
  if (report.unresolved++ == 0) {
    report.first_unresolved = error_at(
        source, current.line, current.column,
        fmt::format("cannot tell the test file of <testcase classname=\"{}\" name=\"{}\">: no test "
                    "file under --root has that module name (run from the same --root as the plan; "
                    "if the shards collected doctests or other plugins' files, give the same "
                    "pytest options after --, e.g. -- --doctest-modules)",
                    current.classname.value_or(""), current.name.value_or("")));
  }
}

void JunitReader::State::finish_case() {
  if (!current.name) return stop_at_case("<testcase> has no 'name' attribute");
  if (!current.time) return stop_at_case("<testcase> has no 'time' attribute");
  const auto seconds = parse_seconds(*current.time);
  if (!seconds) {
    return stop_at_case(fmt::format(
        "<testcase> time \"{}\" is not a non-negative number of seconds", *current.time));
  }
  auto id = case_id();
  if (!id) return count_unresolved();
  if (const auto plain = without_xdist_group(*id); plain.size() != id->size())
    id->resize(plain.size());
  // pytest writes a test that fails in its call and errors in teardown as two consecutive
  // <testcase>s with the same name: they are one run of one test.
  if (!report.cases.empty() && report.cases.back().id == *id) {
    JunitCase& previous = report.cases.back();
    previous.seconds += *seconds;
    previous.outcome = std::max(previous.outcome, current.outcome);
    return;
  }
  report.cases.push_back({std::move(*id), *seconds, current.outcome, current.line, current.column});
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

JunitReader::JunitReader(std::string source_name, const ModuleIndex& index)
    : state_(std::make_unique<State>(std::move(source_name), index)) {
  state_->report.source = state_->source;
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

bool JunitReader::feed(std::string_view chunk) {
  State& state = *state_;
  if (state.error) return false;
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
  if (!state.error && XML_Parse(state.parser, nullptr, 0, XML_TRUE) != XML_STATUS_OK &&
      !state.error) {
    const auto [line, column] = state.position();
    state.error =
        error_at(state.source, line, column,
                 fmt::format("invalid XML: {}", XML_ErrorString(XML_GetErrorCode(state.parser))));
  }
  if (state.error) return *state.error;
  return std::move(state.report);
}

Result<JunitReport> parse_junit(std::string_view content, const std::string& source_name,
                                const ModuleIndex& index) {
  JunitReader reader(source_name, index);
  reader.feed(content);
  return reader.finish();
}

}  // namespace shardplan
