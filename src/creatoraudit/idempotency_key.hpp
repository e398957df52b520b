#pragma once

// Idempotency-Key values for POST /accounts: a random UUID (RFC 9562 version 4) per logical write,
// so no two writes, runs or machines share one. The caller makes a key durable (the state file)
// before the request that carries it.

#include <string>
#include <string_view>

namespace creatoraudit {

// 36 characters, lower-case hex, e.g. "0b3f2c14-9a6d-4f1e-8b2a-1c2d3e4f5a6b". The 122 random bits
// come from the kernel's generator (getrandom(2)); std::random_device only if that fails.
std::string new_idempotency_key();

// True for the shape new_idempotency_key() makes (any version's UUID in lower or upper case).
bool is_uuid(std::string_view text);

}  // namespace creatoraudit
