#include "http/url_policy.hpp"

#include "util/text.hpp"

namespace http {

std::string url_host(std::string_view url) {
  const auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    return {};
  }
  std::string_view rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (const auto at = rest.rfind('@'); at != std::string_view::npos) {
    rest = rest.substr(at + 1);  // user:password@host
  }
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    return util::to_lower(rest.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
  }
  return util::to_lower(rest.substr(0, rest.find(':')));
}

bool is_loopback_host(std::string_view host) {
  if (host == "localhost" || host == "::1") {
    return true;
  }
  // 127.0.0.0/8 written as a dotted quad.
  const auto parts = util::split(host, '.');
  if (parts.size() != 4 || parts[0] != "127") {
    return false;
  }
  for (const auto& part : parts) {
    if (part.empty() || part.size() > 3 || part.find_first_not_of("0123456789") != std::string::npos ||
        std::stoi(part) > 255) {
      return false;
    }
  }
  return true;
}

std::optional<std::string> insecure_url_problem(std::string_view url) {
  if (util::starts_with_ignoring_case(url, "https://")) {
    return url_host(url).empty() ? std::optional<std::string>("the base URL " + std::string(url) + " names no host")
                                 : std::nullopt;
  }
  if (!util::starts_with_ignoring_case(url, "http://")) {
    return "the base URL must start with https:// (got " + std::string(url) + ")";
  }
  const std::string host = url_host(url);
  if (host.empty()) {
    return "the base URL " + std::string(url) + " names no host";
  }
  if (is_loopback_host(host)) {
    return std::nullopt;
  }
  return "refusing plain http:// to " + host + ": the API key would travel in clear; use https:// (or " +
         "--allow-insecure-http if you must)";
}

}  // namespace http
