#include "cli/plugin_files.h"

#include <unistd.h>

#include <cstdlib>

#include <fmt/format.h>

#include "core/fs.h"
#include "core/model.h"

namespace shardplan {
extern const std::string_view kEmbeddedPlugin;
}

namespace shardplan::cli {
namespace {

std::string cache_base() {
  if (const char* dir = std::getenv("XDG_CACHE_HOME"); dir && *dir) return dir;
  if (const char* home = std::getenv("HOME"); home && *home) return std::string(home) + "/.cache";
  return join_path(temporary_directory(), fmt::format("shardplan-{}", ::getuid()));
}

}  // namespace

Result<std::string> plugin_directory() {
  std::string dir;
  if (const char* fixed = std::getenv("SHARDPLAN_PLUGIN_DIR"); fixed && *fixed) {
    dir = fixed;
  } else {
    dir = fmt::format("{}/shardplan/plugin-{:016x}", cache_base(), fnv1a64(kEmbeddedPlugin));
  }
  if (auto made = make_directories(dir, "plugin directory"); !made) return made.error();
  const std::string file = dir + "/shardplan_pytest.py";
  const RealFileSystem fs;
  if (auto existing = fs.read(file); existing && *existing == kEmbeddedPlugin) return dir;
  if (auto written = write_file_atomic(file, kEmbeddedPlugin); !written) return written.error();
  return dir;
}

}  // namespace shardplan::cli
