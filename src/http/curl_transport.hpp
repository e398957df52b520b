#pragma once

// The libcurl Transport: one reused easy handle (keep-alive to the API), TLS verification always
// on, the proxy variables libcurl honours, connect and total timeouts, a response-size cap.

#include <cstddef>
#include <memory>
#include <string>

#include "http/transport.hpp"
#include "util/clock.hpp"

namespace http {

struct CurlOptions {
  util::Duration connect_timeout = std::chrono::seconds(10);
  util::Duration total_timeout = std::chrono::seconds(60);
  std::size_t max_response_bytes = 8 * 1024 * 1024;
  bool allow_insecure_http = false;
};

class CurlTransport final : public Transport {
 public:
  explicit CurlTransport(CurlOptions options = {});
  ~CurlTransport() override;
  CurlTransport(const CurlTransport&) = delete;
  CurlTransport& operator=(const CurlTransport&) = delete;

  util::Expected<Response, Error> send(const Request& request) override;

 private:
  struct Handle;
  CurlOptions m_options;
  std::unique_ptr<Handle> m_handle;
};

}  // namespace http
