#pragma once

// The webhook signing secret: the vendor shows it once when the webhook URL is set (README,
// "Webhooks"). It is read from a file or from env CREATORSCORE_WEBHOOK_SECRET, never from a flag
// (a flag shows in `ps` and shell history), and never printed: Secret has no stream operator, and
// every message about it names where it came from, not what it is.

#include <optional>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace webhook {

inline constexpr const char* k_secret_env = "CREATORSCORE_WEBHOOK_SECRET";

class Secret {
 public:
  // Refuses an empty secret: an HMAC keyed with nothing is a signature anyone can make.
  static util::Expected<Secret, std::string> from(std::string text);

  // The key bytes, for HMAC only.
  const std::string& bytes() const { return m_bytes; }

 private:
  explicit Secret(std::string bytes) : m_bytes(std::move(bytes)) {}
  std::string m_bytes;
};

// The secret from `file` when given (the flag beats the environment, as gh and curl do), else from
// env CREATORSCORE_WEBHOOK_SECRET (`environment_value`, nullopt when unset). One trailing newline
// (CRLF too) is dropped from the file, as `echo secret > file` leaves one. Errors are one line
// naming the file or the variable and what to do; they never hold the secret.
util::Expected<Secret, std::string> load_secret(const std::optional<std::string>& file,
                                                const std::optional<std::string>& environment_value);

// load_secret with the process's environment.
util::Expected<Secret, std::string> load_secret_from_environment(const std::optional<std::string>& file);

}  // namespace webhook
