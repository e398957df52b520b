#pragma once

// Small text helpers that know nothing of CreatorScore.

#include <string>
#include <string_view>
#include <vector>

namespace util {

// ASCII lower-casing; bytes >= 0x80 (UTF-8) are left as they are.
std::string to_lower(std::string_view text);

// Without leading and trailing ASCII white space (space, TAB, CR, LF, VT, FF).
std::string_view trim(std::string_view text);

std::vector<std::string> split(std::string_view text, char separator);

std::string join(const std::vector<std::string>& parts, std::string_view separator);

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix);

// True when `text` is well-formed UTF-8 (no overlongs, no surrogates, nothing above U+10FFFF).
bool is_valid_utf8(std::string_view text);

}  // namespace util
