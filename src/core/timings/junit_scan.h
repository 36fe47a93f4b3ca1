// A fast, strict tokenizer for the plain XML that JUnit writers produce: elements, attributes,
// text, comments, CDATA and a UTF-8 XML declaration. It reads ten times faster than expat by
// doing less: anything it does not fully handle (a DOCTYPE, a processing instruction, a
// carriage return, a non-ASCII name, a named entity other than the five predefined ones, any
// well-formedness error) makes it answer `unsupported`, and the caller re-reads the report with
// expat, which then produces the same events or the exact error. So on the documents it accepts
// it delivers exactly expat's events, attribute values and positions, and it never reports an
// error of its own. Events go to a Handler, with attributes as expat passes them.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace shardplan {

class XmlScanHandler {
 public:
  virtual ~XmlScanHandler() = default;
  // `attributes`: name, value, name, value, ..., nullptr (NUL-terminated, decoded).
  virtual void on_start(std::string_view name, const char** attributes) = 0;
  virtual void on_end(std::string_view name) = 0;
  virtual bool stopped() const = 0;  // the handler wants no more events
};

class XmlScanner {
 public:
  enum class Status { ok, unsupported };

  explicit XmlScanner(XmlScanHandler& handler) : handler_(handler) {}

  // Feed the document in chunks of any size, then finish().
  Status feed(std::string_view chunk);
  Status finish();

  // Where the tag being reported starts, as expat counts it: 1-based line, 0-based column in
  // characters.
  std::size_t line() const { return tag_line_; }
  std::size_t column() const { return tag_column_; }

 private:
  // How far process() got: bytes consumed, or that the document is unsupported.
  struct Progress {
    std::size_t consumed = 0;
    bool unsupported = false;
  };
  Progress process(std::string_view buffer, bool final);
  // Each returns the end of the construct starting at `at`, kNeedMore when the buffer ends
  // first, or kUnsupported.
  std::size_t text(std::string_view buffer, std::size_t at, bool final);
  std::size_t markup(std::string_view buffer, std::size_t at, bool final);
  std::size_t start_tag(std::string_view buffer, std::size_t at);
  std::size_t end_tag(std::string_view buffer, std::size_t at);
  std::size_t comment_or_cdata(std::string_view buffer, std::size_t at, bool final);
  std::size_t declaration(std::string_view buffer, std::size_t at);
  void advance(std::string_view buffer, std::size_t to);

  XmlScanHandler& handler_;
  std::string carry_;              // the unfinished tail of the previous chunk
  std::vector<std::string> open_;  // names of the open elements
  std::string values_;             // decoded attribute names and values, NUL-separated
  std::vector<std::size_t> offsets_;
  std::vector<const char*> attributes_;
  bool root_seen_ = false;
  bool started_ = false;  // any byte seen (the declaration must come first)
  std::size_t mark_ = 0;  // position counted up to here in the current buffer
  std::size_t line_ = 1, column_ = 0;
  std::size_t tag_line_ = 1, tag_column_ = 0;
};

}  // namespace shardplan
