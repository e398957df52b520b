#include "creatoraudit/idempotency_key.hpp"

#include <sys/random.h>

#include <array>
#include <cstdint>
#include <random>

namespace creatoraudit {

namespace {

std::array<std::uint8_t, 16> random_bytes() {
  std::array<std::uint8_t, 16> bytes{};
  std::size_t filled = 0;
  while (filled < bytes.size()) {
    const ssize_t got = getrandom(bytes.data() + filled, bytes.size() - filled, 0);
    if (got <= 0) {
      break;  // EINTR or no getrandom (old kernel, seccomp): fall back below
    }
    filled += static_cast<std::size_t>(got);
  }
  if (filled < bytes.size()) {
    std::random_device device;
    for (auto& byte : bytes) {
      byte = static_cast<std::uint8_t>(device());
    }
  }
  return bytes;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

}  // namespace

std::string new_idempotency_key() {
  std::array<std::uint8_t, 16> bytes = random_bytes();
  bytes[6] = static_cast<std::uint8_t>((bytes[6] & 0x0F) | 0x40);  // version 4
  bytes[8] = static_cast<std::uint8_t>((bytes[8] & 0x3F) | 0x80);  // variant 10xx (RFC 9562)
  static constexpr char k_digits[] = "0123456789abcdef";
  std::string key;
  key.reserve(36);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      key += '-';
    }
    key += k_digits[bytes[i] >> 4];
    key += k_digits[bytes[i] & 0x0F];
  }
  return key;
}

bool is_uuid(std::string_view text) {
  if (text.size() != 36) {
    return false;
  }
  for (std::size_t i = 0; i < text.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? text[i] != '-' : !is_hex(text[i])) {
      return false;
    }
  }
  return true;
}

}  // namespace creatoraudit
