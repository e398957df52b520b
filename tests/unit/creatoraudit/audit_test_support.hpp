#pragma once

// The CreatorAudit client stack on a virtual clock against a scripted transport: HeaderPacer,
// http::Client with the shared retry policy, Session with a test key, Client. No network.

#include <string>
#include <utility>
#include <vector>

#include "creatoraudit/client.hpp"
#include "creatoraudit/header_pacer.hpp"
#include "creatoraudit/session.hpp"
#include "http/client.hpp"
#include "support/fake_transport.hpp"
#include "support/manual_clock.hpp"
#include "util/text.hpp"

namespace audit_test {

inline constexpr const char* k_key = "ca_live_7Hq2secretKEY";
inline constexpr std::int64_t k_unix_now = 1'781'000'000;  // 2026-06-09, fixed for Unix-time Resets

inline creatoraudit::HeaderPacerConfig fixed_unix_time() {
  creatoraudit::HeaderPacerConfig config;
  config.unix_now = [] { return k_unix_now; };
  return config;
}

struct Stack {
  test::ManualClock clock;
  test::FakeTransport transport{&clock};
  creatoraudit::HeaderPacer pacer{clock, fixed_unix_time()};
  http::Client http{transport, clock, pacer, http::RetryPolicy{}};
  creatoraudit::Session session{http, "https://api.test/v2", k_key};
  creatoraudit::Client client{session};

  const http::Request& request(std::size_t i) const { return transport.requests().at(i); }
  std::size_t sent() const { return transport.requests().size(); }
};

// Rate-limit headers as CreatorAudit sends them on every authenticated answer.
inline http::Headers limit_headers(long long remaining, long long reset, long long limit = 100) {
  return {{"X-RateLimit-Limit", std::to_string(limit)},
          {"X-RateLimit-Remaining", std::to_string(remaining)},
          {"X-RateLimit-Reset", std::to_string(reset)}};
}

inline test::TransportResult answer(int status, std::string body, http::Headers headers = {}) {
  headers.emplace_back("X-Request-ID", "req_" + std::to_string(status));
  return test::response(status, std::move(body), std::move(headers));
}

// A request's query parameters, percent-decoded, in order.
inline std::vector<std::pair<std::string, std::string>> query_of(const std::string& url) {
  std::vector<std::pair<std::string, std::string>> out;
  const auto mark = url.find('?');
  if (mark == std::string::npos) {
    return out;
  }
  for (const std::string& part : util::split(url.substr(mark + 1), '&')) {
    const auto equals = part.find('=');
    out.emplace_back(
        util::percent_decode(part.substr(0, equals)).value_or("?"),
        equals == std::string::npos ? "" : util::percent_decode(part.substr(equals + 1)).value_or("?"));
  }
  return out;
}

inline std::string header_of(const http::Request& request, const std::string& name) {
  for (const auto& [key, value] : request.headers) {
    if (util::to_lower(key) == util::to_lower(name)) {
      return value;
    }
  }
  return "<none>";
}

}  // namespace audit_test
