#pragma once

// The request path every CreatorAudit call takes: the bearer key and the JSON headers on each
// request, through an http::Client (its own HeaderPacer, the shared retry policy: 429 and 503
// after Retry-After, else jittered exponential back-off; other 5xx, timeouts and dropped
// connections retried; 4xx never), and the answers that end a call turned into an ApiError that
// names the code, the detail and the X-Request-ID.

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "creatoraudit/types.hpp"
#include "http/transport.hpp"
#include "util/expected.hpp"

namespace http {
class Client;
}

namespace creatoraudit {

// Query parameters, in order, not yet encoded.
using Query = std::vector<std::pair<std::string, std::string>>;

enum class Auth { bearer, none };  // none: GET /health and GET /meta need no key

struct Call {
  http::Method method = http::Method::get;
  std::string path;       // under the base URL, e.g. "/accounts"; encoded already
  Query query;            // percent-encoded here
  std::string body;       // JSON, for a POST
  http::Headers headers;  // extra headers (Idempotency-Key, If-None-Match)
  Auth auth = Auth::bearer;
};

class Session {
 public:
  // `base_url` with its version, e.g. https://api.creatoraudit.com/v2; `api_key` is sent as
  // `Authorization: Bearer` and nowhere else. `http` must outlive the session.
  Session(http::Client& http, std::string base_url, std::string api_key);

  // Sends `call`. Returns the final response for the caller to read (2xx, 304 and the 4xx a call
  // may expect), or an ApiError: 401 and a 403 other than QUOTA_EXCEEDED (the key), or no usable
  // answer after the retries.
  util::Expected<http::Response, ApiError> send(const Call& call);

  // The error for a final answer the call did not expect, e.g. a 400 or a 404 where none is
  // possible: bad_request for a 4xx, unavailable otherwise.
  ApiError unexpected_answer(const Call& call, const http::Response& response) const;

  // The error for a 2xx whose body `decode_error` could not read.
  ApiError bad_body(const Call& call, const http::Response& response, const std::string& decode_error) const;

  // "GET /accounts": the call as a log or an error names it.
  std::string where(const Call& call) const;

  const std::string& base_url() const { return m_base_url; }

 private:
  std::string url_of(const Call& call) const;
  // Server text with the key masked, should a server echo it.
  std::string masked(std::string text) const;
  Problem problem_of(const http::Response& response) const;

  http::Client& m_http;
  std::string m_base_url;
  std::string m_api_key;
};

}  // namespace creatoraudit
