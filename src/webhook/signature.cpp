#include "webhook/signature.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <cassert>

#include "util/text.hpp"

namespace webhook {

namespace {

constexpr std::size_t k_digest_bytes = 32;  // SHA-256

std::array<unsigned char, k_digest_bytes> digest_of(const Secret& secret, std::string_view body) {
  std::array<unsigned char, k_digest_bytes> digest{};
  unsigned int length = 0;
  // HMAC() writes into `digest`; it fails only when the digest cannot be made at all.
  const unsigned char* made =
      HMAC(EVP_sha256(), secret.bytes().data(), static_cast<int>(secret.bytes().size()),
           reinterpret_cast<const unsigned char*>(body.data()), body.size(), digest.data(), &length);
  assert(made != nullptr && length == k_digest_bytes);
  (void)made;
  return digest;
}

}  // namespace

std::string sign(const Secret& secret, std::string_view body) {
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(k_digest_bytes * 2);
  for (const unsigned char byte : digest_of(secret, body)) {
    hex += k_hex[byte >> 4];
    hex += k_hex[byte & 0xf];
  }
  return hex;
}

bool signature_matches(const Secret& secret, std::string_view body, std::string_view header) {
  if (header.size() != k_digest_bytes * 2) {
    return false;  // the vendor's example checks the length first, too: it is no secret
  }
  // Decode the header rather than compare text, so that case does not matter; a bad digit leaves
  // its byte wrong and the comparison below fails, in the same time as any other mismatch.
  std::array<unsigned char, k_digest_bytes> claimed{};
  bool all_hex = true;
  for (std::size_t i = 0; i < k_digest_bytes; ++i) {
    const int high = util::hex_value(header[2 * i]);
    const int low = util::hex_value(header[2 * i + 1]);
    all_hex = all_hex && high >= 0 && low >= 0;
    claimed[i] = static_cast<unsigned char>(((high & 0xf) << 4) | (low & 0xf));
  }
  const auto expected = digest_of(secret, body);
  const bool same = CRYPTO_memcmp(claimed.data(), expected.data(), k_digest_bytes) == 0;
  return same && all_hex;
}

}  // namespace webhook
