#pragma once

// Which proxy libcurl takes from the environment for a URL, and whether the key would then travel
// in clear. The plain-http rule (url_policy.hpp) looks at the target; a plain http:// request sent
// through a proxy on another host hands that host the whole request, key included, whatever the
// target. An https:// target is tunnelled (CONNECT) and stays inside TLS, through any proxy.

#include <functional>
#include <optional>
#include <string>
#include <string_view>

namespace http {

// Reads one environment variable; nullptr when unset. Tests pass their own.
using EnvLookup = std::function<const char*(const char*)>;

// The process environment (getenv).
EnvLookup process_environment();

struct ProxyChoice {
  std::string variable;  // the variable it came from, e.g. "http_proxy"
  std::string url;       // its value, as written (may hold credentials: never print it)
};

// The proxy libcurl 7.88 would use for `url` when no CURLOPT_PROXY is set (lib/url.c,
// detect_proxy; lib/noproxy.c): `<scheme>_proxy`, then `<SCHEME>_PROXY` except for http (the
// upper-case HTTP_PROXY is ignored: CGI sets it from a request header), then `all_proxy`, then
// `ALL_PROXY`; none when `no_proxy` (else `NO_PROXY`) is `*` or lists the host (a name matches
// itself and its subdomains, an address or CIDR range its addresses). Empty variables count as unset.
std::optional<ProxyChoice> proxy_for(std::string_view url, const EnvLookup& env);

// The host of a proxy setting (`[scheme://][user:password@]host[:port][/]`), lower-cased, without
// brackets, port or credentials: the part that may be shown.
std::string proxy_host(std::string_view proxy);

// One line saying why a request to `url` must not carry the key, or nullopt when it may: a plain
// http:// target reached through a proxy that is not on loopback (the proxy sees the request in
// clear). Names the proxy's host and variable, never the credentials it may hold.
std::optional<std::string> insecure_proxy_problem(std::string_view url, const EnvLookup& env);

}  // namespace http
