// The bundled pytest plugin: its text lives in the binary; this writes it once into a cache
// directory (keyed by its hash) so PYTHONPATH can point there.
#pragma once

#include <string>

#include "core/diagnostic.h"

namespace shardplan::cli {

// Directory that holds shardplan_pytest.py, written if missing. Honours SHARDPLAN_PLUGIN_DIR,
// then XDG_CACHE_HOME, then HOME/.cache, then the temp directory.
Result<std::string> plugin_directory();

}  // namespace shardplan::cli
