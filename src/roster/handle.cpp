#include "roster/handle.hpp"

#include <array>
#include <cstdint>
#include <cstring>
#include <utility>

#include "roster/roster.hpp"
#include "util/text.hpp"

namespace roster {

static_assert(k_max_handle_chars == 100, "the reason text below says 100");

namespace {

// is_plain_handle's bytes: printable ASCII (one character each) other than the slashes, which
// make a handle invalid, and `?` and `#`, which (with `/`) make text look like a link.
constexpr std::array<bool, 256> k_plain_handle_bytes = [] {
  std::array<bool, 256> plain{};
  for (unsigned c = 0x21; c < 0x7F; ++c) {
    plain[c] = c != '/' && c != '\\' && c != '?' && c != '#';
  }
  return plain;
}();

constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
constexpr std::uint64_t k_high_bits = 0x80 * k_ones;

std::uint64_t load8(const char* bytes) {
  std::uint64_t word = 0;
  std::memcpy(&word, bytes, sizeof word);
  return word;
}

// Non-zero when some byte of `word` is below `n` (n <= 0x80; bytes >= 0x80 are not counted). A
// borrow can only start at such a byte, so the answer is exact (the classic "hasless" test).
std::uint64_t has_byte_below(std::uint64_t word, std::uint8_t n) {
  return (word - n * k_ones) & ~word & k_high_bits;
}

std::uint64_t has_byte(std::uint64_t word, char c) {
  return has_byte_below(word ^ (static_cast<std::uint8_t>(c) * k_ones), 1);
}

// Non-zero when some byte of `word` is one k_plain_handle_bytes refuses.
std::uint64_t refused_bytes(std::uint64_t word) {
  return (word & k_high_bits) | has_byte_below(word, 0x21) | has_byte(word, 0x7F) | has_byte(word, '/') |
         has_byte(word, '\\') | has_byte(word, '?') | has_byte(word, '#');
}

// What platform_from_cell compares a lower-cased cell with, `twitter` included.
struct PlatformName {
  std::string_view name;
  core::Platform platform;
};

std::array<PlatformName, core::k_all_platforms.size() + 1> platform_names() {
  std::array<PlatformName, core::k_all_platforms.size() + 1> names{};
  names[0] = PlatformName{"twitter", core::Platform::x};
  for (std::size_t i = 0; i < core::k_all_platforms.size(); ++i) {
    names[i + 1] = PlatformName{core::platform_name(core::k_all_platforms[i]), core::k_all_platforms[i]};
  }
  return names;
}

}  // namespace

std::string_view strip_handle(std::string_view cell) {
  std::string_view text = util::trim(cell);
  if (!text.empty() && text.front() == '@') {
    text = util::trim(text.substr(1));
  }
  return text;
}

bool is_plain_handle(std::string_view handle) {
  if (handle.empty() || handle.size() > k_max_handle_chars) {
    return false;
  }
  if (handle.size() < 8) {
    bool plain = true;
    for (const char c : handle) {
      plain = plain && k_plain_handle_bytes[static_cast<unsigned char>(c)];
    }
    return plain;
  }
  // Eight bytes at a time, then the last eight (overlapping): no word may hold a byte that
  // k_plain_handle_bytes refuses.
  std::uint64_t refused = 0;
  for (std::size_t i = 0; i + 8 < handle.size(); i += 8) {
    refused |= refused_bytes(load8(handle.data() + i));
  }
  return (refused | refused_bytes(load8(handle.data() + handle.size() - 8))) == 0;
}

std::string_view handle_problem(std::string_view handle) {
  if (handle.empty()) {
    return "handle is empty";
  }
  std::size_t characters = 0;
  for (std::size_t i = 0; i < handle.size(); ++i) {
    const auto c = static_cast<unsigned char>(handle[i]);
    if ((c & 0xC0) != 0x80) {
      ++characters;  // a code point starts here (input is valid UTF-8)
    }
    if (c == ' ') {
      return "handle contains a space";
    }
    if (c == '/' || c == '\\') {
      return "handle contains a slash";
    }
    if (c < 0x20 || c == 0x7F) {
      return c == '\t' ? "handle contains a space" : "handle contains a control character";
    }
    if (c == 0xC2 && i + 1 < handle.size()) {
      const auto next = static_cast<unsigned char>(handle[i + 1]);
      if (next == 0xA0) {
        return "handle contains a space";  // U+00A0 NO-BREAK SPACE, common in pasted text
      }
      if (next >= 0x80 && next <= 0x9F) {
        return "handle contains a control character";  // C1 controls
      }
    }
  }
  if (characters > k_max_handle_chars) {
    return "handle is longer than 100 characters";
  }
  return {};
}

std::optional<core::Platform> platform_from_cell(std::string_view cell) {
  static const auto names = platform_names();
  const std::string_view name = util::trim(cell);
  // Lower-cased once into a buffer, rather than compared case-insensitively with each name in
  // turn: this runs on every row of a long roster. Longer text names no platform.
  std::array<char, 16> buffer;
  if (name.size() > buffer.size()) {
    return std::nullopt;
  }
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    buffer[i] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  const std::string_view lower(buffer.data(), name.size());
  for (const PlatformName& known : names) {
    if (lower == known.name) {
      return known.platform;
    }
  }
  return std::nullopt;
}

}  // namespace roster
