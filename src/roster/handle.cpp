#include "roster/handle.hpp"

#include <array>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

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

using util::load_half_word;
using util::load_word;

// Without SSE2: is_plain_handle a word at a time.
#if !defined(__SSE2__)
constexpr std::uint64_t k_ones = 0x0101010101010101ULL;
constexpr std::uint64_t k_high_bits = 0x80 * k_ones;

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
#else
// A bit for each of the 16 bytes that k_plain_handle_bytes refuses: below 0x21 or from 0x80 (a
// signed compare puts those below 0x21 too), DEL, / \\ ? #.
unsigned refused_bytes16(__m128i bytes) {
  const auto is = [&](char c) { return _mm_cmpeq_epi8(bytes, _mm_set1_epi8(c)); };
  const __m128i refused =
      _mm_or_si128(_mm_or_si128(_mm_cmplt_epi8(bytes, _mm_set1_epi8(0x21)), is(0x7F)),
                   _mm_or_si128(_mm_or_si128(is('/'), is('\\')), _mm_or_si128(is('?'), is('#'))));
  return static_cast<unsigned>(_mm_movemask_epi8(refused));
}
#endif

// A platform name as platform_from_cell compares it: its size and its bytes lower-cased in two
// words, so that a cell is compared with each name in three integer compares. The words are
// loaded whole from within the text, overlapping for sizes that are not 4, 8 or 16 (and byte by
// byte below 4): with the size, they still say which text it is, and nothing is copied.
struct PackedName {
  std::size_t size = 0;
  std::uint64_t words[2] = {0, 0};
  core::Platform platform = core::Platform::tiktok;
};

// `name`: at most 16 bytes.
PackedName packed(std::string_view name, core::Platform platform) {
  const char* const bytes = name.data();
  const std::size_t size = name.size();
  PackedName out{size, {0, 0}, platform};
  if (size >= 8) {
    out.words[0] = load_word(bytes);
    out.words[1] = load_word(bytes + size - 8);
  } else if (size >= 4) {
    out.words[0] = load_half_word(bytes) | load_half_word(bytes + size - 4) << 32;
  } else {
    for (std::size_t i = 0; i < size; ++i) {
      out.words[0] |= static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
    }
  }
  out.words[0] = util::ascii_lower_word(out.words[0]);
  out.words[1] = util::ascii_lower_word(out.words[1]);
  return out;
}

// Every platform's name, `twitter` included.
using PlatformNames = std::array<PackedName, core::k_all_platforms.size() + 1>;
PlatformNames platform_names() {
  PlatformNames names{};
  names[0] = packed("twitter", core::Platform::x);
  for (std::size_t i = 0; i < core::k_all_platforms.size(); ++i) {
    names[i + 1] = packed(core::platform_name(core::k_all_platforms[i]), core::k_all_platforms[i]);
  }
  return names;
}

// Which name a cell can only be, from its size and first and last bytes lower-cased: one compare
// per row instead of one per name (a sixth of the reading thread's time on a long roster).
class NameFinder {
 public:
  NameFinder() : m_names(platform_names()) {
    m_slots.fill(k_none);
    for (std::size_t i = 0; i < m_names.size(); ++i) {
      std::uint8_t& slot = m_slots[shape(m_names[i])];
      slot = slot == k_none ? static_cast<std::uint8_t>(i) : k_several;
    }
  }

  // The platform `cell` names, or nullptr.
  const core::Platform* find(const PackedName& cell) const {
    const std::uint8_t slot = m_slots[shape(cell)];
    if (slot == k_none) {
      return nullptr;
    }
    if (slot != k_several) {
      return same(m_names[slot], cell) ? &m_names[slot].platform : nullptr;
    }
    for (const PackedName& known : m_names) {  // two names share a shape: never so far, but kept right
      if (same(known, cell)) {
        return &known.platform;
      }
    }
    return nullptr;
  }

 private:
  static constexpr std::uint8_t k_none = 0xFF;
  static constexpr std::uint8_t k_several = 0xFE;

  // The size and the lower-cased first and last bytes, which packed() keeps in words[0] (its low
  // byte) and, by size, in words[0] or words[1].
  static std::size_t shape(const PackedName& name) {
    const std::uint64_t first = name.words[0] & 0xFF;
    const std::uint64_t last = name.size >= 8   ? name.words[1] >> 56
                               : name.size >= 4 ? name.words[0] >> 56
                               : name.size > 0  ? (name.words[0] >> (8 * (name.size - 1))) & 0xFF
                                                : 0;
    return (name.size * 13 + first * 3 + last) & 0xFF;
  }
  static bool same(const PackedName& a, const PackedName& b) {
    return a.size == b.size && a.words[0] == b.words[0] && a.words[1] == b.words[1];
  }

  PlatformNames m_names;
  std::array<std::uint8_t, 256> m_slots;
};

// Code points past ASCII that a handle may not hold, as the ASCII space and control characters:
// none is part of a name, and each shows as nothing or as a blank, so a roster (or a page it was
// pasted from) can hide one in a handle that looks right and would be charged for. C1 controls
// (Cc), every space (Zs), the line and paragraph separators (Zl, Zp), every format character (Cf,
// e.g. the zero-width space U+200B, the direction controls U+202A-U+202E and U+2066-U+2069, the
// byte order mark U+FEFF, the soft hyphen U+00AD), and the other default-ignorable code points
// that show as nothing (the Hangul fillers, variation selectors, the combining grapheme joiner),
// and the blank Braille pattern U+2800, a letter only in name, used for names that look empty.
// From Unicode 15.0's UnicodeData.txt and DerivedCoreProperties.txt.
enum class Unseen { control, space, line_break, invisible };
struct UnseenRange {
  char32_t first;
  char32_t last;
  Unseen kind;
};
constexpr std::array<UnseenRange, 34> k_unseen = {{
    {0x0080, 0x009F, Unseen::control}, {0x00A0, 0x00A0, Unseen::space},
    {0x00AD, 0x00AD, Unseen::invisible}, {0x034F, 0x034F, Unseen::invisible},
    {0x0600, 0x0605, Unseen::invisible}, {0x061C, 0x061C, Unseen::invisible},
    {0x06DD, 0x06DD, Unseen::invisible}, {0x070F, 0x070F, Unseen::invisible},
    {0x0890, 0x0891, Unseen::invisible}, {0x08E2, 0x08E2, Unseen::invisible},
    {0x115F, 0x1160, Unseen::invisible}, {0x1680, 0x1680, Unseen::space},
    {0x17B4, 0x17B5, Unseen::invisible}, {0x180B, 0x180F, Unseen::invisible},
    {0x2000, 0x200A, Unseen::space}, {0x200B, 0x200F, Unseen::invisible},
    {0x2028, 0x2029, Unseen::line_break}, {0x202A, 0x202E, Unseen::invisible},
    {0x202F, 0x202F, Unseen::space}, {0x205F, 0x205F, Unseen::space},
    {0x2060, 0x206F, Unseen::invisible}, {0x2800, 0x2800, Unseen::invisible},
    {0x3000, 0x3000, Unseen::space}, {0x3164, 0x3164, Unseen::invisible},
    {0xFE00, 0xFE0F, Unseen::invisible}, {0xFEFF, 0xFEFF, Unseen::invisible},
    {0xFFA0, 0xFFA0, Unseen::invisible}, {0xFFF0, 0xFFFB, Unseen::invisible},
    {0x110BD, 0x110BD, Unseen::invisible}, {0x110CD, 0x110CD, Unseen::invisible},
    {0x13430, 0x1343F, Unseen::invisible}, {0x1BCA0, 0x1BCA3, Unseen::invisible},
    {0x1D173, 0x1D17A, Unseen::invisible}, {0xE0000, 0xE0FFF, Unseen::invisible},
}};

// Why `code_point` (past ASCII) cannot be in a handle, naming it ("handle contains an invisible
// character U+200B"), or empty. The texts live as long as the program, as the other reasons do:
// made once per code point met, at most a few thousand.
std::string_view unseen_character_problem(char32_t code_point) {
  const UnseenRange* found = nullptr;
  for (const UnseenRange& range : k_unseen) {
    if (code_point >= range.first && code_point <= range.last) {
      found = &range;
      break;
    }
  }
  if (found == nullptr) {
    return {};
  }
  static std::mutex reasons_mutex;
  static std::map<char32_t, std::string> reasons;  // nodes never move: views of them stay valid
  const std::lock_guard<std::mutex> lock(reasons_mutex);
  std::string& reason = reasons[code_point];
  if (reason.empty()) {
    char hex[16];
    std::snprintf(hex, sizeof hex, "U+%04X", static_cast<unsigned>(code_point));
    switch (found->kind) {
      case Unseen::control: reason = "handle contains a control character "; break;
      case Unseen::space: reason = "handle contains a space "; break;
      case Unseen::line_break: reason = "handle contains a line break "; break;
      case Unseen::invisible: reason = "handle contains an invisible character "; break;
    }
    reason += hex;
  }
  return reason;
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
  if (handle.front() == '.' && handle.find_first_not_of('.') == std::string_view::npos) {
    return false;  // `.`, `..`, ...: handle_problem refuses them
  }
  if (handle.size() < 8) {
    bool plain = true;
    for (const char c : handle) {
      plain = plain && k_plain_handle_bytes[static_cast<unsigned char>(c)];
    }
    return plain;
  }
#if defined(__SSE2__)
  // Sixteen bytes at a time, the last block overlapping the one before; 8-15 bytes as two
  // overlapping words in one register. Loads stay within the handle.
  const char* const bytes = handle.data();
  const std::size_t size = handle.size();
  if (size < 16) {
    return refused_bytes16(_mm_unpacklo_epi64(_mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes)),
                                              _mm_loadl_epi64(reinterpret_cast<const __m128i*>(bytes + size - 8)))) == 0;
  }
  unsigned refused = 0;
  for (std::size_t i = 0; i + 16 < size; i += 16) {
    refused |= refused_bytes16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + i)));
  }
  return (refused | refused_bytes16(_mm_loadu_si128(reinterpret_cast<const __m128i*>(bytes + size - 16)))) == 0;
#else
  // Eight bytes at a time, then the last eight (overlapping): no word may hold a byte that
  // k_plain_handle_bytes refuses.
  std::uint64_t refused = 0;
  for (std::size_t i = 0; i + 8 < handle.size(); i += 8) {
    refused |= refused_bytes(load_word(handle.data() + i));
  }
  return (refused | refused_bytes(load_word(handle.data() + handle.size() - 8))) == 0;
#endif
}

std::string_view handle_problem(std::string_view handle) {
  if (handle.empty()) {
    return "handle is empty";
  }
  std::size_t characters = 0;
  bool only_dots = true;
  for (std::size_t i = 0; i < handle.size();) {
    const auto c = static_cast<unsigned char>(handle[i]);
    ++characters;
    only_dots = only_dots && c == '.';
    if (c >= 0x80) {
      const std::optional<char32_t> code_point = util::next_code_point(handle, i);
      if (!code_point) {
        return "handle is not valid UTF-8";  // only from `lookup`: a roster is checked as it is read
      }
      if (const std::string_view reason = unseen_character_problem(*code_point); !reason.empty()) {
        return reason;
      }
      continue;
    }
    ++i;
    if (c == ' ') {
      return "handle contains a space";
    }
    if (c == '/' || c == '\\') {
      return "handle contains a slash";
    }
    if (c < 0x20 || c == 0x7F) {
      return c == '\t' ? "handle contains a space" : "handle contains a control character";
    }
  }
  if (only_dots) {
    // `.` and `..` are path steps in a URL (RFC 3986, 5.2.4): GET /creators/x/.. is another endpoint.
    return "handle is only dots";
  }
  if (characters > k_max_handle_chars) {
    return "handle is longer than 100 characters";
  }
  return {};
}

const core::Platform* platform_in_cell(std::string_view cell) {
  static const NameFinder names;
  const std::string_view name = util::trim(cell);
  // Lower-cased a word at a time and compared as two words, rather than compared
  // case-insensitively byte by byte: this runs on every row of a long roster. Longer text names
  // no platform (every name fits in 16 bytes).
  if (name.size() > 16) {
    return nullptr;
  }
  return names.find(packed(name, core::Platform::tiktok));
}

std::optional<core::Platform> platform_from_cell(std::string_view cell) {
  const core::Platform* const found = platform_in_cell(cell);
  return found != nullptr ? std::optional<core::Platform>(*found) : std::nullopt;
}

std::string quoted_excerpt(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 40)) {
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7F) ? '?' : c;
  }
  if (text.size() > 40) {
    out += "...";
  }
  return out;
}

}  // namespace roster
