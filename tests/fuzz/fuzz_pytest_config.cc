// libFuzzer target: the pytest config readers (pyproject.toml and the ini dialects); the first
// byte picks the reader.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "core/pytest_config.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 3) {
    case 0: (void)shardplan::parse_pyproject_config(text, "pyproject.toml"); break;
    case 1: (void)shardplan::parse_ini_config(text, "pytest.ini", "pytest", true); break;
    default: (void)shardplan::parse_ini_config(text, "setup.cfg", "tool:pytest", false); break;
  }
  return 0;
}
