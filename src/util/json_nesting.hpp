#pragma once

// A bound on how deep JSON text nests, checked on the raw bytes before any parser sees them: a
// hostile body of a million '[' must not exhaust the stack of a recursive parser or printer.
// Header-only, so the fuzz targets (tests/fuzz/run_fuzz.sh) need no extra source.

#include <string_view>

namespace util {

// True when `text`, read as JSON, opens more than `max_depth` arrays or objects at once. Brackets
// inside strings (escapes included) do not count; text that is not JSON is scanned all the same.
inline bool json_nests_deeper_than(std::string_view text, int max_depth) {
  int depth = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
      continue;
    }
    if (c == '"') {
      in_string = true;
    } else if (c == '{' || c == '[') {
      if (++depth > max_depth) {
        return true;
      }
    } else if (c == '}' || c == ']') {
      --depth;
    }
  }
  return false;
}

}  // namespace util
