// client_http_tests: the real client stack (CurlTransport, RateLimiter, RetryPolicy, http::Client,
// creatorscore::Client and its decoders) over HTTP against real `creatorscore-sim` processes on
// 127.0.0.1. Exits 125 (ctest: skipped) when $CREATORSCORE_SIM is unset or cannot start.

#define DOCTEST_CONFIG_IMPLEMENT
#include <doctest/doctest.h>

#include <cstdio>

#include "http/curl_transport.hpp"
#include "sim_process.hpp"

namespace {
constexpr int k_skipped = 125;
}

int main(int argc, char** argv) {
  doctest::Context context(argc, argv);
  if (client_http::sim_binary().empty()) {
    std::fprintf(stderr, "client_http_tests: skipped: set CREATORSCORE_SIM to the creatorscore-sim binary\n");
    return k_skipped;
  }
  // libcurl is loaded by the first CurlTransport, as in roster-enrich (http/curl_library.hpp).
  int result = k_skipped;
  {
    client_http::SimProcess probe(1.0, {});
    if (!probe.ok()) {
      std::fprintf(stderr, "client_http_tests: skipped: creatorscore-sim cannot start: %s\n", probe.error().c_str());
    } else {
      probe.stop();
      result = context.run();
    }
  }
  http::release_curl();
  return result;
}
