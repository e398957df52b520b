#include <doctest/doctest.h>

#include "http/url_policy.hpp"

TEST_SUITE("http::url_policy") {
  TEST_CASE("insecure_url_problem: https anywhere, plain http only to loopback") {
    CHECK_FALSE(http::insecure_url_problem("https://creatorscore.io"));
    CHECK_FALSE(http::insecure_url_problem("http://127.0.0.1:8080"));
    CHECK_FALSE(http::insecure_url_problem("http://127.1.2.3"));
    CHECK_FALSE(http::insecure_url_problem("http://localhost:9"));
    CHECK_FALSE(http::insecure_url_problem("http://[::1]:80/x"));
    CHECK(http::insecure_url_problem("http://creatorscore.io"));
    CHECK(http::insecure_url_problem("http://0.0.0.0:9"));
    CHECK(http::insecure_url_problem("http://10.0.0.1"));
    CHECK(http::insecure_url_problem("http://127.0.0.1.evil.com"));
    CHECK(http::insecure_url_problem("http://localhost@evil.com"));
    CHECK(http::insecure_url_problem("ftp://127.0.0.1"));
    CHECK(http::insecure_url_problem("creatorscore.io"));
  }
}
