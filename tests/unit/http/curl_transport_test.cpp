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

#include <arpa/inet.h>
#include <atomic>
#include <chrono>
#include <netinet/in.h>
#include <sys/socket.h>
#include <thread>
#include <unistd.h>

TEST_SUITE("http::curl_transport") {
  TEST_CASE("a stop abandons a request whose answer never comes, within about a second") {
    // A loopback listener that accepts the connection (the kernel does) and never answers.
    const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
    REQUIRE(listener >= 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    REQUIRE(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0);
    REQUIRE(::listen(listener, 4) == 0);
    REQUIRE(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length) == 0);

    std::atomic<bool> stop{false};
    http::CurlOptions options;
    options.stop_flag = &stop;
    http::CurlTransport transport(options);
    http::Request request;
    request.url = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port)) + "/api/v1/account";
    std::thread raiser([&stop] {
      std::this_thread::sleep_for(std::chrono::milliseconds(300));
      stop = true;
    });
    const auto started = std::chrono::steady_clock::now();
    const auto sent = transport.send(request);
    const auto took = std::chrono::steady_clock::now() - started;
    raiser.join();
    ::close(listener);
    REQUIRE_FALSE(sent);
    CHECK(sent.error().kind == http::ErrorKind::interrupted);
    CHECK(sent.error().message == "abandoned on SIGINT/SIGTERM before its answer arrived (127.0.0.1)");
    // The total timeout is 60 s: without the stop flag the request would wait that long.
    CHECK(took < std::chrono::seconds(5));
  }
}
