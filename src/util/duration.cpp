#include "util/duration.hpp"

#include <cctype>
#include <limits>

namespace util {

std::optional<Duration> parse_duration(std::string_view text) {
  if (text.empty()) {
    return std::nullopt;
  }
  long long total_ms = 0;
  int parts = 0;
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
    const bool only_part = parts == 0 && i == text.size();
    long long factor = 0;
    if (unit == "ms") {
      factor = 1;
    } else if (unit == "s" || (unit.empty() && only_part)) {
      factor = 1000;
    } else if (unit == "m") {
      factor = 60'000;
    } else if (unit == "h") {
      factor = 3'600'000;
    } else {
      return std::nullopt;
    }
    ++parts;
    total_ms += number * factor;
  }
  return Duration(total_ms);
}

std::string format_duration(Duration duration) {
  long long ms = duration.count();
  if (ms == 0) {
    return "0s";
  }
  std::string out;
  if (ms < 0) {
    out = "-";
    ms = -ms;
  }
  const long long hours = ms / 3'600'000;
  ms %= 3'600'000;
  const long long minutes = ms / 60'000;
  ms %= 60'000;
  const long long seconds = ms / 1000;
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
