// libFuzzer target: any text as the API's base URL (--base-url, CREATORSCORE_BASE_URL) through the
// rule that decides whether it may carry the key. Never a crash or undefined behaviour, and the
// verdict agrees with its rule (README, "Configuration"): accepted only when https:// with a host,
// or http:// to a loopback host; the host comes out lower-cased. Build and run with
// tests/fuzz/run_fuzz.sh url.

#include <cctype>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "http/url_policy.hpp"

namespace {

bool starts_with_ignoring_case(std::string_view text, std::string_view prefix) {
  if (text.size() < prefix.size()) {
    return false;
  }
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(text[i])) != prefix[i]) {
      return false;
    }
  }
  return true;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view url(reinterpret_cast<const char*>(data), size);
  const std::string host = http::url_host(url);
  for (char c : host) {
    if (c >= 'A' && c <= 'Z') {
      std::abort();
    }
  }
  const bool loopback = http::is_loopback_host(host);
  (void)http::is_loopback_host(url);  // any text as a host
  const auto problem = http::insecure_url_problem(url);
  const bool https = starts_with_ignoring_case(url, "https://");
  const bool http = starts_with_ignoring_case(url, "http://");
  const bool allowed = (https && !host.empty()) || (http && !host.empty() && loopback);
  if (problem.has_value() == allowed) {
    std::abort();  // the verdict contradicts the rule
  }
  if (problem && problem->empty()) {
    std::abort();  // a refusal says why
  }
  return 0;
}
