#include "http/transport.hpp"

#include "util/text.hpp"

namespace http {

std::optional<std::string> Response::header(std::string_view name) const {
  const std::string wanted = util::to_lower(name);
  for (const auto& [key, value] : headers) {
    if (util::to_lower(key) == wanted) {
      return value;
    }
  }
  return std::nullopt;
}

std::string_view error_kind_name(ErrorKind kind) {
  switch (kind) {
    case ErrorKind::connect: return "connect";
    case ErrorKind::timeout: return "timeout";
    case ErrorKind::dropped: return "dropped";
    case ErrorKind::tls: return "tls";
    case ErrorKind::refused: return "refused";
    case ErrorKind::interrupted: return "interrupted";
    case ErrorKind::other: return "other";
  }
  return "other";
}

Headers redacted_headers(const Headers& headers) {
  Headers out = headers;
  for (auto& [key, value] : out) {
    const std::string lower = util::to_lower(key);
    if (lower == "x-api-key") {
      value = "***";
    } else if (lower == "authorization") {
      // The scheme says which credential was sent (`Bearer ***`); the rest is the secret. Only a
      // known scheme is kept, so a key that merely holds a space never shows its first part.
      const auto space = value.find(' ');
      const std::string scheme =
          space == std::string::npos ? std::string() : util::to_lower(value.substr(0, space));
      value = scheme == "bearer" ? "Bearer ***" : scheme == "basic" ? "Basic ***" : "***";
    }
  }
  return out;
}

}  // namespace http
