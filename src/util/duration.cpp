#include "util/duration.hpp"

#include <cctype>
#include <limits>

namespace util {

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  long long total_ms = 0;
  std::size_t i = 0;
  while (i < text.size()) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) {
      return std::nullopt;
    }
    long long number = 0;
    while (i < text.size() && std::isdigit(static_cast<unsigned char>(text[i]))) {
      if (number > std::numeric_limits<long long>::max() / 10 / 3'600'000) {
        return std::nullopt;
      }
      number = number * 10 + (text[i] - '0');
      ++i;
    }
    const std::size_t unit_start = i;
    while (i < text.size() && std::isalpha(static_cast<unsigned char>(text[i]))) {
      ++i;
    }
    const std::string_view unit = text.substr(unit_start, i - unit_start);
    long long factor = 0;
    if (unit == "ms") {
      factor = 1;
    } else if (unit == "s") {
      factor = 1000;
    } else if (unit == "m") {
      factor = 60'000;
    } else if (unit == "h") {
      factor = 3'600'000;
    } else {
      return std::nullopt;
    }
    // A part, or many parts together, past 2^63 ms is no duration: checked by division, as the
    // product itself may already be past it (the digit loop bounds the number, not its product).
    if (number > (std::numeric_limits<long long>::max() - total_ms) / factor) {
      return std::nullopt;
    }
    total_ms += number * factor;
  }
  return Duration(total_ms);
}

std::string format_duration(Duration duration) {
  const long long count = duration.count();
  if (count == 0) {
    return "0s";
  }
  std::string out = count < 0 ? "-" : "";
  // The magnitude as unsigned: -count overflows for the most negative count.
  const auto bits = static_cast<unsigned long long>(count);
  unsigned long long ms = count < 0 ? 0ULL - bits : bits;
  const unsigned long long hours = ms / 3'600'000;
  ms %= 3'600'000;
  const unsigned long long minutes = ms / 60'000;
  ms %= 60'000;
  const unsigned long long seconds = ms / 1000;
  ms %= 1000;
  if (hours) out += std::to_string(hours) + "h";
  if (minutes) out += std::to_string(minutes) + "m";
  if (seconds) out += std::to_string(seconds) + "s";
  if (ms) out += std::to_string(ms) + "ms";
  return out;
}

std::string format_whole_seconds(Duration duration) {
  return format_duration(std::chrono::floor<std::chrono::seconds>(duration));
}

}  // namespace util
