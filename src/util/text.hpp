#pragma once

// Small text helpers that know nothing of CreatorScore.

#include <cstdint>
#include <cstring>
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

// Eight bytes from `bytes` as one word (any alignment), for code that compares text a word at a time.
inline std::uint64_t load_word(const char* bytes) {
  std::uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// Four bytes the same way, in the low half of a word: texts of 4 to 7 bytes load as two such halves,
// overlapping, the first four bytes and the last four.
inline std::uint64_t load_half_word(const char* bytes) {
  std::uint32_t word = 0;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// ASCII lower-casing of each byte of a word. Per byte, on its low seven bits (no carry can cross a
// byte): adding 0x80 - 'A' sets the top bit from 'A' up, adding 0x7F - 'Z' from past 'Z' up;
// bytes with the top bit already set (UTF-8) are left alone. 0x80 >> 2 is the 0x20 between the cases.
inline std::uint64_t ascii_lower_word(std::uint64_t word) {
  constexpr std::uint64_t ones = 0x0101010101010101ULL;
  const std::uint64_t low7 = word & (0x7F * ones);
  const std::uint64_t from_a = low7 + (0x80 - 'A') * ones;
  const std::uint64_t past_z = low7 + (0x7F - 'Z') * ones;
  const std::uint64_t upper = from_a & ~past_z & ~word & (0x80 * ones);
  return word | (upper >> 2);
}

std::vector<std::string> split(std::string_view text, char separator);

std::string join(const std::vector<std::string>& parts, std::string_view separator);

// ASCII case-insensitive comparisons, without allocating (they run for every roster cell).
bool starts_with_ignoring_case(std::string_view text, std::string_view prefix);
bool equals_ignoring_case(std::string_view a, std::string_view b);

// Percent-encodes every byte but RFC 3986's unreserved characters (ASCII letters, digits, `-`, `.`,
// `_`, `~`) and those in `keep` (e.g. "/" for a path), as %XX with upper-case hex digits.
// The value of the hex digit `c` (either case), or -1 when it is none.
int hex_value(char c);

std::string percent_encode(std::string_view text, std::string_view keep = {});

// Decodes %XX escapes (and `+` as a space when `plus_is_space`, as in query strings); nullopt
// when a `%` is not followed by two hex digits. The result may be any bytes: check it as needed.
std::optional<std::string> percent_decode(std::string_view text, bool plus_is_space = false);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);
// The code point starting at `text[i]` (i < text.size()), with `i` moved past it; nullopt, `i`
// unmoved, when the bytes there are not well-formed UTF-8 as is_valid_utf8 means it.
std::optional<char32_t> next_code_point(std::string_view text, std::size_t& i);

// Text from outside (a server, SQLite) made fit for one line of an error message: every ASCII
// control character (line breaks included) becomes a space, and past `limit` bytes it is cut at a
// character boundary and ends with "...".
std::string one_line(std::string_view text, std::size_t limit = 300);

}  // namespace util
