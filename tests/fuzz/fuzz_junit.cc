// libFuzzer target: the JUnit XML reader, fed whole and in chunks whose size the first byte
// picks (chunk boundaries must not change the result: the same cases, or an error either way;
// expat itself may place the error of a malformed document elsewhere when fed in other chunks,
// e.g. at a NUL byte), and the fast parser against expat on the whole text: both give the same
// cases, positions and errors.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/timings/junit.h"

namespace {

bool same_report(const shardplan::JunitReport& a, const shardplan::JunitReport& b) {
  return a.cases == b.cases && a.properties == b.properties && a.unresolved == b.unresolved;
}

// The same cases, or the same error at the same place.
bool same(const shardplan::Result<shardplan::JunitReport>& a,
          const shardplan::Result<shardplan::JunitReport>& b) {
  if (a.ok() != b.ok()) return false;
  return a.ok() ? same_report(*a, *b) : a.error().format() == b.error().format();
}

// The same cases, or an error in both.
bool same_outcome(const shardplan::Result<shardplan::JunitReport>& a,
                  const shardplan::Result<shardplan::JunitReport>& b) {
  return a.ok() == b.ok() && (!a.ok() || same_report(*a, *b));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using shardplan::XmlParser;
  static const shardplan::ModuleIndex index(
      {"tests/unit/test_math.py", "tests/unit/test_broken.py", "tests/v1.2/test_dots.py", "a.py"});
  if (size == 0) return 0;
  const std::size_t chunk = data[0] % 64 + 1;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  const auto whole = shardplan::parse_junit(text, "fuzz.xml", index);
  const auto expat = shardplan::parse_junit_with(text, "fuzz.xml", index, XmlParser::expat);
  if (!same(whole, expat)) std::abort();
  for (const XmlParser parser : {XmlParser::fast, XmlParser::expat}) {
    shardplan::JunitReader reader("fuzz.xml", index, parser);
    for (std::size_t at = 0; at < text.size(); at += chunk) {
      if (!reader.feed(text.substr(at, chunk))) break;
    }
    const auto chunked = reader.finish();
    if (!reader.gave_up() && !same_outcome(chunked, expat)) std::abort();
  }
  return 0;
}
