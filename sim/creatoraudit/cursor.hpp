#pragma once

// Opaque listing cursors bound to the filters they were issued for: a cursor carries the position
// after the last account of its page and a fingerprint of the filters (platform, sort), sealed with
// a check derived from the seed, so a cursor that was altered, or sent with other filters, is
// recognised as such.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace sim::audit {

// A fingerprint of a listing's filters, e.g. of "platform=tiktok&sort=created_at".
std::uint64_t filters_fingerprint(std::string_view canonical_filters);

// The cursor for "accounts after `sequence` under the filters `fingerprint`".
std::string encode_cursor(std::uint64_t seed, std::uint64_t fingerprint, std::uint64_t sequence);

struct DecodedCursor {
  std::uint64_t fingerprint = 0;
  std::uint64_t sequence = 0;
};

// nullopt when `cursor` was not issued by a simulator with this seed (altered, truncated, invented).
std::optional<DecodedCursor> decode_cursor(std::uint64_t seed, std::string_view cursor);

}  // namespace sim::audit
