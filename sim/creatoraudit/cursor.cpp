#include "sim/creatoraudit/cursor.hpp"

#include <charconv>
#include <cstdio>

#include "sim/rng.hpp"

namespace sim::audit {

namespace {

constexpr std::size_t k_cursor_length = 3 * 16;

// Hides the structure (clients must not parse cursors) and seals it against edits.
std::uint64_t mask(std::uint64_t seed, int part) {
  return stable_hash("cursor-mask:" + std::to_string(seed) + ":" + std::to_string(part));
}

std::uint64_t seal(std::uint64_t seed, std::uint64_t fingerprint, std::uint64_t sequence) {
  return stable_hash("cursor-seal:" + std::to_string(seed) + ":" + std::to_string(fingerprint) + ":" +
                     std::to_string(sequence));
}

std::optional<std::uint64_t> hex_word(std::string_view text) {
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value, 16);
  if (error != std::errc{} || end != text.data() + text.size()) {
    return std::nullopt;
  }
  return value;
}

}  // namespace

std::uint64_t filters_fingerprint(std::string_view canonical_filters) {
  return stable_hash(std::string("filters:") + std::string(canonical_filters));
}

std::string encode_cursor(std::uint64_t seed, std::uint64_t fingerprint, std::uint64_t sequence) {
  char text[k_cursor_length + 1];
  std::snprintf(text, sizeof text, "%016llx%016llx%016llx",
                static_cast<unsigned long long>(fingerprint ^ mask(seed, 1)),
                static_cast<unsigned long long>(sequence ^ mask(seed, 2)),
                static_cast<unsigned long long>(seal(seed, fingerprint, sequence)));
  return text;
}

std::optional<DecodedCursor> decode_cursor(std::uint64_t seed, std::string_view cursor) {
  if (cursor.size() != k_cursor_length) {
    return std::nullopt;
  }
  const auto fingerprint = hex_word(cursor.substr(0, 16));
  const auto sequence = hex_word(cursor.substr(16, 16));
  const auto check = hex_word(cursor.substr(32, 16));
  if (!fingerprint || !sequence || !check) {
    return std::nullopt;
  }
  DecodedCursor decoded{*fingerprint ^ mask(seed, 1), *sequence ^ mask(seed, 2)};
  if (*check != seal(seed, decoded.fingerprint, decoded.sequence)) {
    return std::nullopt;
  }
  return decoded;
}

}  // namespace sim::audit
