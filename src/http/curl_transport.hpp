#pragma once

// The libcurl Transport: one reused easy handle (keep-alive to the API), TLS verification always
// on, the proxy variables libcurl honours, connect and total timeouts, a response-size cap. The
// first transport created loads libcurl (http/curl_library); if it cannot, send() says why.

#include <atomic>
#include <cstddef>
#include <memory>
#include <optional>
#include <string>

#include "http/transport.hpp"
#include "util/clock.hpp"

namespace http {

// The largest response body accepted, enforced while it arrives (a chunked body announces no
// length), so a hostile or broken server cannot make the client buffer without bound. The largest
// answer the API gives, bulk-status for 100 jobs with every --include field, is well under 1 MB.
inline constexpr std::size_t k_max_response_bytes = 8 * 1024 * 1024;

struct CurlOptions {
  util::Duration connect_timeout = std::chrono::seconds(10);
  util::Duration total_timeout = std::chrono::seconds(60);
  std::size_t max_response_bytes = k_max_response_bytes;  // see k_max_response_bytes
  bool allow_insecure_http = false;
  // Raised by SIGINT/SIGTERM (may be null): a transfer under way is abandoned within about a second
  // (libcurl calls the progress callback at least once a second) instead of running to its timeout.
  const std::atomic<bool>* stop_flag = nullptr;
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  // A body past `max_response_bytes` is dropped as it arrives: the response keeps its status, an
  // empty body and a `body_problem` saying so (http::Client retries it like a malformed body).
  // An option libcurl refuses (one it does not know, or a URL past its 8 MB limit) sends nothing
  // and is a `refused` error naming the option.
  util::Expected<Response, Error> send(const Request& request) override;

 private:
  struct Handle;
  CurlOptions m_options;
  std::unique_ptr<Handle> m_handle;
};

// Why no CurlTransport can send from this process (libcurl.so.4 missing or broken), in one line
// that says what to install; nothing when they can. Loads libcurl if no transport has yet, so that
// a command can fail before it starts work rather than at its first request.
std::optional<std::string> curl_unavailable_reason();

// curl_global_cleanup, if libcurl was ever loaded (a start that sent nothing never loads it). For
// the end of the process, once every CurlTransport is gone.
void release_curl();

}  // namespace http
