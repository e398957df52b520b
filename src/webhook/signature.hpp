#pragma once

// X-CreatorScore-Signature: the lowercase hex HMAC-SHA256 of the raw request body keyed with the
// signing secret (README, "Webhooks"). OpenSSL computes it (HMAC) and compares it (CRYPTO_memcmp,
// whose time does not depend on where the first difference is), so a sender cannot learn the
// signature byte by byte from our answer times.

#include <string>
#include <string_view>

#include "webhook/secret.hpp"

namespace webhook {

// The 64 lowercase hex digits of HMAC-SHA256(`secret`, `body`).
std::string sign(const Secret& secret, std::string_view body);

// True when `header` is the signature of `body`. Hex digits compare case-insensitively; anything
// else (empty, truncated, longer, not hex) is a mismatch. Only the header's length shows in the time.
bool signature_matches(const Secret& secret, std::string_view body, std::string_view header);

}  // namespace webhook
