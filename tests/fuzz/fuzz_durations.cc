// libFuzzer target: the .test_durations reader must never crash, hang or leak on any bytes.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/timings/durations.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  auto timings = shardplan::parse_durations(text, "fuzz.test_durations");
  if (!timings.ok()) (void)timings.error().format();
  return 0;
}
