#include <doctest/doctest.h>

#include <string>

#include "http/curl_transport.hpp"

TEST_SUITE("http::curl_transport") {
  TEST_CASE("an option libcurl refuses is a refused error naming it, and nothing is sent") {
    // libcurl refuses a URL longer than 8,000,000 bytes (CURL_MAX_INPUT_LENGTH) when it is set,
    // before any connection; were that unchecked, the request would go out with no URL at all.
    http::CurlOptions options;
    options.allow_insecure_http = true;  // plain http to loopback, as the simulator is reached
    http::CurlTransport transport(options);
    http::Request request;
    request.url = "http://127.0.0.1:9/" + std::string(8'000'001, 'a');
    const auto sent = transport.send(request);
    REQUIRE_FALSE(sent);
    CHECK(sent.error().kind == http::ErrorKind::refused);
    CHECK(sent.error().message ==
          "libcurl refused CURLOPT_URL (A libcurl function was given a bad argument) for this request");
  }
}
