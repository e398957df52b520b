#include "http/proxy_policy.hpp"

#include <arpa/inet.h>

#include <array>
#include <cctype>
#include <cstdlib>
#include <cstring>

#include "http/url_policy.hpp"
#include "util/text.hpp"

namespace http {

namespace {

// curl_getenv: an empty variable reads as unset.
const char* variable(const EnvLookup& env, const char* name) {
  const char* value = env(name);
  return value != nullptr && *value != '\0' ? value : nullptr;
}

std::string scheme_of(std::string_view url) {
  const auto end = url.find("://");
  return end == std::string_view::npos ? std::string() : util::to_lower(url.substr(0, end));
}

// An IPv4 or IPv6 address in network order, with its length in bits; nullopt for a name.
struct Address {
  std::array<unsigned char, 16> bytes{};
  unsigned bits = 0;
};

std::optional<Address> parse_address(const std::string& text) {
  Address address;
  if (::inet_pton(AF_INET, text.c_str(), address.bytes.data()) == 1) {
    address.bits = 32;
    return address;
  }
  if (::inet_pton(AF_INET6, text.c_str(), address.bytes.data()) == 1) {
    address.bits = 128;
    return address;
  }
  return std::nullopt;
}

// `token` is `address[/bits]`; no bits (or 0) means the whole address (Curl_cidr4_match).
bool address_matches(const Address& host, std::string_view token) {
  const auto slash = token.find('/');
  const std::optional<Address> network = parse_address(std::string(token.substr(0, slash)));
  if (!network || network->bits != host.bits) {
    return false;
  }
  unsigned bits = host.bits;
  if (slash != std::string_view::npos) {
    bits = static_cast<unsigned>(std::atoi(std::string(token.substr(slash + 1)).c_str()));
    if (bits > host.bits) {
      return false;
    }
    bits = bits == 0 ? host.bits : bits;
  }
  for (unsigned bit = 0; bit < bits; ++bit) {
    const unsigned mask = 0x80u >> (bit % 8);
    if ((host.bytes[bit / 8] & mask) != (network->bytes[bit / 8] & mask)) {
      return false;
    }
  }
  return true;
}

// A name matches a token equal to it or to one of its parent domains ("example.com" matches
// "api.example.com", not "badexample.com"); leading and trailing dots of the token are ignored.
bool name_matches(std::string_view name, std::string_view token) {
  if (!token.empty() && token.back() == '.') {
    token.remove_suffix(1);
  }
  if (!token.empty() && token.front() == '.') {
    token.remove_prefix(1);
  }
  if (token.empty() || token.size() > name.size()) {
    return false;
  }
  if (token.size() == name.size()) {
    return util::equals_ignoring_case(token, name);
  }
  return name[name.size() - token.size() - 1] == '.' &&
         util::equals_ignoring_case(token, name.substr(name.size() - token.size()));
}

// Curl_check_noproxy: `*` alone, or a list separated by commas and blanks.
bool bypasses_proxy(std::string_view host, const char* no_proxy) {
  if (no_proxy == nullptr) {
    return false;
  }
  const std::string_view list(no_proxy);
  if (list == "*") {
    return true;
  }
  const std::optional<Address> address = parse_address(std::string(host));
  std::string_view name = host;
  if (!address && !name.empty() && name.back() == '.') {
    name.remove_suffix(1);
  }
  std::size_t at = 0;
  while (at < list.size()) {
    const std::size_t end = list.find_first_of(", \t", at);
    const std::string_view token =
        list.substr(at, end == std::string_view::npos ? std::string_view::npos : end - at);
    if (!token.empty() && (address ? address_matches(*address, token) : name_matches(name, token))) {
      return true;
    }
    if (end == std::string_view::npos) {
      break;
    }
    at = end + 1;
  }
  return false;
}

}  // namespace

EnvLookup process_environment() {
  return [](const char* name) -> const char* { return std::getenv(name); };
}

std::optional<ProxyChoice> proxy_for(std::string_view url, const EnvLookup& env) {
  const std::string scheme = scheme_of(url);
  const std::string host = url_host(url);
  if (scheme.empty() || host.empty()) {
    return std::nullopt;
  }
  const char* no_proxy = variable(env, "no_proxy");
  if (bypasses_proxy(host, no_proxy != nullptr ? no_proxy : variable(env, "NO_PROXY"))) {
    return std::nullopt;
  }
  std::string name = scheme + "_proxy";
  const char* value = variable(env, name.c_str());
  if (value == nullptr && scheme != "http") {
    for (char& c : name) {
      c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    }
    value = variable(env, name.c_str());
  }
  for (const char* fallback : {"all_proxy", "ALL_PROXY"}) {
    if (value == nullptr) {
      name = fallback;
      value = variable(env, fallback);
    }
  }
  if (value == nullptr) {
    return std::nullopt;
  }
  return ProxyChoice{name, value};
}

std::string proxy_host(std::string_view proxy) {
  std::string_view rest = util::trim(proxy);
  if (const auto scheme_end = rest.find("://"); scheme_end != std::string_view::npos) {
    rest = rest.substr(scheme_end + 3);
  }
  return url_host("proxy://" + std::string(rest));
}

std::optional<std::string> insecure_proxy_problem(std::string_view url, const EnvLookup& env) {
  if (scheme_of(url) != "http") {
    return std::nullopt;  // https is tunnelled through the proxy: the key stays inside TLS
  }
  const std::optional<ProxyChoice> proxy = proxy_for(url, env);
  if (!proxy) {
    return std::nullopt;
  }
  const std::string host = proxy_host(proxy->url);
  if (!host.empty() && is_loopback_host(host)) {
    return std::nullopt;
  }
  const std::string shown = host.empty() ? std::string("(no host)") : host;
  return "refusing plain http:// through the proxy " + shown + " (from " + proxy->variable +
         "): the proxy would see the API key in clear; use https://, add " + url_host(url) +
         " to no_proxy (or --allow-insecure-http if you must)";
}

}  // namespace http
