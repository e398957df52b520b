#pragma once

// Human durations as the product contract writes them: `250ms`, `45s`, `5m`, `1h30m`.

#include <optional>
#include <string>
#include <string_view>

#include "util/clock.hpp"

namespace util {

// Parses a sequence of <integer><unit> parts, units ms, s, m, h. Returns nullopt for anything else,
// including an empty string, negative values and a bare integer (`5`: minutes or seconds? the
// command line asks for the unit, see the man page).
std::optional<Duration> parse_duration(std::string_view text);

// The shortest text that parse_duration reads back to the same value, e.g. `1h30m`, `250ms`, `0s`.
std::string format_duration(Duration duration);

// The same rounded down to whole seconds, for elapsed times and ages in messages: `1h5m`, `45s`.
std::string format_whole_seconds(Duration duration);

}  // namespace util
