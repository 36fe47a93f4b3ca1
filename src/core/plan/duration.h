// Wall-clock goals as people write them (`--target 15m`): the sizing of `plan --shards auto`
// and `recommend`. No I/O.
#pragma once

#include <string_view>

#include "core/diagnostic.h"

namespace shardplan {

// "15m", "90s", "1h30m", "2h", or plain seconds "900" -> seconds.
Result<double> parse_duration(std::string_view text);

}  // namespace shardplan
