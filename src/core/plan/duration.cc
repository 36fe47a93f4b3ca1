#include "core/plan/duration.h"

#include <charconv>
#include <cmath>
#include <string>

#include <fmt/format.h>

namespace shardplan {

Result<double> parse_duration(std::string_view text) {
  const std::string original(text);
  const auto bad = [&] {
    return error_in(
        "", fmt::format("'{}' is not a duration; write e.g. 900, 90s, 15m or 1h30m", original));
  };
  double total = 0;
  std::string_view units = "hms";  // the units still allowed, in order
  while (!text.empty()) {
    double number = 0;
    const auto [end, error] =
        std::from_chars(text.data(), text.data() + text.size(), number, std::chars_format::fixed);
    if (error != std::errc() || !std::isfinite(number) || number < 0) return bad();
    text.remove_prefix(static_cast<std::size_t>(end - text.data()));
    if (text.empty()) {
      if (units.size() != 3) return bad();  // "1h30" is ambiguous
      total += number;
      break;
    }
    const auto unit = units.find(text[0]);
    if (unit == std::string_view::npos) return bad();
    total += number * (text[0] == 'h' ? 3600 : text[0] == 'm' ? 60 : 1);
    units.remove_prefix(unit + 1);
    text.remove_prefix(1);
  }
  if (original.empty()) return bad();
  return total;
}

}  // namespace shardplan
