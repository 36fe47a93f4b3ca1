// libFuzzer target: the pytest config readers (pyproject.toml for pytest 8 and 9, pytest 9's
// pytest.toml, the ini dialects), the conftest.py collect_ignore reader and the pytest argument
// parser; the first byte picks the reader.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/pytest/config.h"
#include "core/pytest/conftest_ignores.h"

namespace {

void fuzz_args(std::string_view text) {
  std::vector<std::string> args;
  std::size_t start = 0;
  for (std::size_t end = text.find('\0'); end != std::string_view::npos;
       end = text.find('\0', start)) {
    args.emplace_back(text.substr(start, end - start));
    start = end + 1;
  }
  args.emplace_back(text.substr(start));
  (void)shardplan::parse_pytest_args(args);
  shardplan::PytestConfig config = shardplan::default_pytest_config();
  (void)shardplan::apply_override(config, text);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const std::string_view text(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % 7) {
    case 0:
      (void)shardplan::parse_pyproject_config(text, "pyproject.toml", 8);
      break;
    case 1:
      (void)shardplan::parse_ini_config(text, "pytest.ini", "pytest", true);
      break;
    case 2:
      (void)shardplan::parse_ini_config(text, "setup.cfg", "tool:pytest", false);
      break;
    case 3:
      (void)shardplan::parse_pyproject_config(text, "pyproject.toml", 9);
      break;
    case 4:
      (void)shardplan::parse_pytest_toml_config(text, "pytest.toml");
      break;
    case 5:
      (void)shardplan::parse_conftest_ignores(text, "conftest.py");
      break;
    default:
      fuzz_args(text);
      break;
  }
  return 0;
}
