#pragma once

// One HTTP exchange, and the interface that sends it. The libcurl implementation lives in
// curl_transport; tests use a scripted fake (tests/unit/support/fake_transport.hpp). Transport
// trouble (no answer) is an Error value, kept apart from the HTTP status (a 503 is an answer).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "util/expected.hpp"

namespace http {

enum class Method { get, post };

using Headers = std::vector<std::pair<std::string, std::string>>;

struct Request {
  Method method = Method::get;
  std::string url;  // absolute
  Headers headers;  // may hold the API key: never log them unmasked (see redacted_headers)
  std::string body;
};

struct Response {
  int status = 0;
  Headers headers;  // names as received; look them up with header()
  std::string body;
  // Set when the transport dropped the body because it passed the size cap (`body` is then empty):
  // why, in one line. http::Client treats such a response like one with a malformed body.
  std::string body_problem;

  // The first header named `name`, compared case-insensitively.
  std::optional<std::string> header(std::string_view name) const;
};

enum class ErrorKind {
  connect,    // could not connect (refused, DNS, unreachable)
  timeout,    // connect or total timeout
  dropped,    // the connection closed or broke before a whole response arrived
  tls,        // certificate or handshake failure (never retried: it will not fix itself)
  refused,    // refused before connecting: by policy (plain http to a non-loopback host), because
              // libcurl cannot be loaded, or because it refuses an option; never retried
  interrupted,  // abandoned because a stop was requested (SIGINT/SIGTERM): whether the server acted
                // on it is unknown; never retried
  other,
};

struct Error {
  ErrorKind kind = ErrorKind::other;
  std::string message;  // one line, for the user; never contains header values
};

std::string_view error_kind_name(ErrorKind kind);

class Transport {
 public:
  virtual ~Transport() = default;
  // Sends one request and waits for its whole response. Never throws.
  virtual util::Expected<Response, Error> send(const Request& request) = 0;
};

// `headers` with every value of X-API-Key replaced by `***`, and of Authorization by its scheme and
// `***` (`Bearer ***`), for verbose logs.
Headers redacted_headers(const Headers& headers);

}  // namespace http
