#include "http/redact.hpp"

#include <optional>

#include "util/text.hpp"

namespace http {

namespace {

constexpr std::string_view k_mask = "***";

std::optional<unsigned> hex_value(std::string_view digits) {
  unsigned value = 0;
  for (char c : digits) {
    value <<= 4;
    if (c >= '0' && c <= '9') {
      value |= static_cast<unsigned>(c - '0');
    } else if (c >= 'a' && c <= 'f') {
      value |= static_cast<unsigned>(c - 'a' + 10);
    } else if (c >= 'A' && c <= 'F') {
      value |= static_cast<unsigned>(c - 'A' + 10);
    } else {
      return std::nullopt;
    }
  }
  return value;
}

// The byte a JSON escape at `text[at]` (a backslash) stands for, and its length; nullopt when it is
// none or stands for something past ASCII (keys are ASCII).
std::optional<std::pair<char, std::size_t>> json_escape_at(std::string_view text, std::size_t at) {
  if (at + 1 >= text.size() || text[at] != '\\') {
    return std::nullopt;
  }
  // JSON's two-character escapes: each letter after the backslash, then the byte it stands for.
  constexpr std::string_view k_short_escapes = "\"\"\\\\//b\bf\fn\nr\rt\t";
  const char letter = text[at + 1];
  for (std::size_t i = 0; i + 1 < k_short_escapes.size(); i += 2) {
    if (k_short_escapes[i] == letter) {
      return std::pair{k_short_escapes[i + 1], std::size_t{2}};
    }
  }
  if (letter != 'u' || at + 6 > text.size()) {
    return std::nullopt;
  }
  const auto code = hex_value(text.substr(at + 2, 4));
  if (!code || *code >= 0x80) {
    return std::nullopt;
  }
  return std::pair{static_cast<char>(*code), std::size_t{6}};
}

// How many bytes of `text` from `at` spell `secret`, each character as itself or escaped; 0 if none.
std::size_t match_length(std::string_view text, std::size_t at, std::string_view secret) {
  std::size_t i = at;
  for (char wanted : secret) {
    // An escape first: a backslash in the key is written `\\` in JSON, not as one byte.
    if (const auto escape = json_escape_at(text, i); escape && escape->first == wanted) {
      i += escape->second;
    } else if (i < text.size() && text[i] == wanted) {
      ++i;
    } else {
      return 0;
    }
  }
  return i - at;
}

}  // namespace

std::vector<std::string> request_secrets(const Headers& headers) {
  std::vector<std::string> secrets;
  for (const auto& [name, value] : headers) {
    const std::string lower = util::to_lower(name);
    if (lower != "x-api-key" && lower != "authorization") {
      continue;
    }
    const std::string_view whole = util::trim(value);
    if (!whole.empty()) {
      secrets.emplace_back(whole);
    }
    if (const auto space = whole.find(' '); lower == "authorization" && space != std::string_view::npos) {
      if (const std::string_view credentials = util::trim(whole.substr(space + 1)); !credentials.empty()) {
        secrets.emplace_back(credentials);
      }
    }
  }
  return secrets;
}

void redact_in_place(std::string& text, const std::vector<std::string>& secrets) {
  for (const std::string& secret : secrets) {
    if (secret.empty()) {
      continue;
    }
    std::string redacted;  // built only once a secret is found: most texts hold none
    std::size_t copied = 0;
    for (std::size_t at = 0; at < text.size(); ++at) {
      if (text[at] != secret.front() && text[at] != '\\') {
        continue;
      }
      if (const std::size_t length = match_length(text, at, secret); length > 0) {
        redacted.append(text, copied, at - copied);
        redacted += k_mask;
        copied = at + length;
        at = copied - 1;
      }
    }
    if (copied > 0) {
      redacted.append(text, copied, std::string::npos);
      text = std::move(redacted);
    }
  }
}

std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets) {
  std::string out(text);
  redact_in_place(out, secrets);
  return out;
}

void redact_response(Response& response, const std::vector<std::string>& secrets) {
  if (secrets.empty()) {
    return;
  }
  redact_in_place(response.body, secrets);
  redact_in_place(response.body_problem, secrets);
  for (auto& header : response.headers) {
    redact_in_place(header.second, secrets);
  }
}

}  // namespace http
