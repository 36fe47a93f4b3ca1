// libFuzzer target: the JUnit XML reader, fed whole and in chunks whose size the first byte
// picks (chunk boundaries must not change the result).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "core/timings/junit.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const shardplan::ModuleIndex index(
      {"tests/unit/test_math.py", "tests/unit/test_broken.py", "tests/v1.2/test_dots.py", "a.py"});
  if (size == 0) return 0;
  const std::size_t chunk = data[0] % 64 + 1;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  auto whole = shardplan::parse_junit(text, "fuzz.xml", index);
  shardplan::JunitReader reader("fuzz.xml", index);
  for (std::size_t at = 0; at < text.size(); at += chunk) {
    if (!reader.feed(text.substr(at, chunk))) break;
  }
  auto chunked = reader.finish();
  if (whole.ok() != chunked.ok()) std::abort();
  if (whole.ok() && whole->cases != chunked->cases) std::abort();
  return 0;
}
