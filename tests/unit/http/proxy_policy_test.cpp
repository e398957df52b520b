#include "http/proxy_policy.hpp"

#include <doctest/doctest.h>

#include <map>
#include <string>

namespace {

// An environment holding exactly `vars`.
http::EnvLookup env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> const char* {
    const auto found = vars.find(name);
    return found == vars.end() ? nullptr : found->second.c_str();
  };
}

std::string chosen(std::string_view url, std::map<std::string, std::string> vars) {
  const auto proxy = http::proxy_for(url, env(std::move(vars)));
  return proxy ? proxy->variable + "=" + proxy->url : "direct";
}

}  // namespace

TEST_SUITE("http::proxy_policy") {
  TEST_CASE("proxy_for: the variables libcurl reads, in its order") {
    const std::string target = "http://127.0.0.1:8080/api/v1/account";
    CHECK(chosen(target, {}) == "direct");
    CHECK(chosen(target, {{"http_proxy", "http://p:3128"}}) == "http_proxy=http://p:3128");
    // HTTP_PROXY is ignored for http (CGI sets it from a request's Proxy: header), unlike HTTPS_PROXY.
    CHECK(chosen(target, {{"HTTP_PROXY", "http://p:3128"}}) == "direct");
    CHECK(chosen("https://api.test", {{"HTTPS_PROXY", "http://p:3128"}}) == "HTTPS_PROXY=http://p:3128");
    CHECK(chosen("https://api.test", {{"https_proxy", "http://a"}, {"HTTPS_PROXY", "http://b"}}) ==
          "https_proxy=http://a");
    CHECK(chosen(target, {{"https_proxy", "http://p:3128"}}) == "direct");
    CHECK(chosen(target, {{"all_proxy", "socks5://p"}, {"ALL_PROXY", "http://q"}}) == "all_proxy=socks5://p");
    CHECK(chosen(target, {{"ALL_PROXY", "http://q"}}) == "ALL_PROXY=http://q");
    CHECK(chosen(target, {{"http_proxy", "http://a"}, {"all_proxy", "http://b"}}) == "http_proxy=http://a");
    // Empty reads as unset (curl_getenv).
    CHECK(chosen(target, {{"http_proxy", ""}, {"all_proxy", "http://b"}}) == "all_proxy=http://b");
  }

  TEST_CASE("proxy_for: no_proxy, else NO_PROXY, by name, domain, address or range") {
    const std::map<std::string, std::string> proxy{{"http_proxy", "http://p:3128"}};
    const auto with = [&](std::map<std::string, std::string> more) {
      more.insert(proxy.begin(), proxy.end());
      return more;
    };
    CHECK(chosen("http://127.0.0.1:9", with({{"NO_PROXY", "*"}})) == "direct");
    CHECK(chosen("http://127.0.0.1:9", with({{"no_proxy", "localhost, 127.0.0.1"}})) == "direct");
    CHECK(chosen("http://127.0.0.1:9", with({{"no_proxy", "127.0.0.0/8"}})) == "direct");
    CHECK(chosen("http://127.0.0.1:9", with({{"no_proxy", "10.0.0.0/8"}})) != "direct");
    // A name never matches an address: localhost in the list does not cover 127.0.0.1.
    CHECK(chosen("http://127.0.0.1:9", with({{"no_proxy", "localhost"}})) != "direct");
    CHECK(chosen("http://localhost:9", with({{"no_proxy", "localhost"}})) == "direct");
    CHECK(chosen("http://[::1]:9", with({{"no_proxy", "::1"}})) == "direct");
    CHECK(chosen("http://api.example.com", with({{"NO_PROXY", ".example.com"}})) == "direct");
    CHECK(chosen("http://api.example.com", with({{"NO_PROXY", "example.com"}})) == "direct");
    CHECK(chosen("http://badexample.com", with({{"NO_PROXY", "example.com"}})) != "direct");
    // no_proxy, when set, hides NO_PROXY.
    CHECK(chosen("http://127.0.0.1:9", with({{"no_proxy", "other"}, {"NO_PROXY", "127.0.0.1"}})) != "direct");
    CHECK(chosen("http://127.0.0.1:9", with({{"no_proxy", ""}, {"NO_PROXY", "127.0.0.1"}})) == "direct");
  }

  TEST_CASE(
      "insecure_proxy_problem: plain http through a proxy off loopback is refused, naming its host only") {
    const std::string target = "http://127.0.0.1:8080";
    CHECK_FALSE(http::insecure_proxy_problem(target, env({})));
    const auto refused =
        http::insecure_proxy_problem(target, env({{"http_proxy", "http://bob:hunter2@proxy.corp:3128"}}));
    REQUIRE(refused);
    CHECK(refused->find("proxy.corp") != std::string::npos);
    CHECK(refused->find("http_proxy") != std::string::npos);
    CHECK(refused->find("hunter2") == std::string::npos);
    CHECK(refused->find("bob") == std::string::npos);
    // Any scheme: a SOCKS or https proxy relays or reads the plain request all the same.
    CHECK(http::insecure_proxy_problem(target, env({{"all_proxy", "socks5h://10.1.2.3:1080"}})));
    CHECK(http::insecure_proxy_problem(target, env({{"ALL_PROXY", "https://proxy.corp"}})));
    CHECK(http::insecure_proxy_problem(target, env({{"http_proxy", "proxy.corp:3128"}})));
    // A proxy on loopback, a target it is not used for, and https (tunnelled by CONNECT) are fine.
    CHECK_FALSE(http::insecure_proxy_problem(target, env({{"http_proxy", "http://127.0.0.1:3128"}})));
    CHECK_FALSE(http::insecure_proxy_problem(target, env({{"http_proxy", "http://[::1]:3128"}})));
    CHECK_FALSE(
        http::insecure_proxy_problem(target, env({{"http_proxy", "http://p"}, {"no_proxy", "127.0.0.1"}})));
    CHECK_FALSE(http::insecure_proxy_problem(target, env({{"HTTP_PROXY", "http://proxy.corp"}})));
    CHECK_FALSE(
        http::insecure_proxy_problem("https://creatorscore.io", env({{"https_proxy", "http://proxy.corp"}})));
  }

  TEST_CASE("proxy_host: the host alone, without scheme, credentials, port or brackets") {
    CHECK(http::proxy_host("http://user:pa:ss@Proxy.Corp:3128/") == "proxy.corp");
    CHECK(http::proxy_host("proxy.corp:3128") == "proxy.corp");
    CHECK(http::proxy_host("socks5://[::1]:1080") == "::1");
    CHECK(http::proxy_host("u@10.0.0.1") == "10.0.0.1");
  }
}
