#pragma once

// Small text helpers that know nothing of CreatorScore.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace util {

// ASCII lower-casing; bytes >= 0x80 (UTF-8) are left as they are.
std::string to_lower(std::string_view text);

// Without leading and trailing ASCII white space (space, TAB, CR, LF, VT, FF). Inline: it runs
// several times on every cell of a roster, mostly on cells with nothing to trim.
inline std::string_view trim(std::string_view text) {
  // A test per byte rather than find_first_not_of(" \t\r\n\v\f"), which searches the set with
  // memchr for every byte.
  const auto space = [](char c) { return c == ' ' || (c >= '\t' && c <= '\r'); };
  std::size_t first = 0;
  std::size_t last = text.size();
  while (first < last && space(text[first])) {
    ++first;
  }
  while (last > first && space(text[last - 1])) {
    --last;
  }
  return text.substr(first, last - first);
}

std::vector<std::string> split(std::string_view text, char separator);

std::string join(const std::vector<std::string>& parts, std::string_view separator);

// ASCII case-insensitive comparisons, without allocating (they run for every roster cell).
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix);
bool equals_ignoring_case(std::string_view a, std::string_view b);

// Decodes %XX escapes (and `+` as a space when `plus_is_space`, as in query strings); nullopt
// when a `%` is not followed by two hex digits. The result may be any bytes: check it as needed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace util
