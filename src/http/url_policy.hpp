#pragma once

// Where the key may be sent. Plain http:// carries the key in clear, so it is refused for any host
// but loopback unless the user says --allow-insecure-http (PRODUCT.md, "Configuration").

#include <optional>
#include <string>
#include <string_view>

namespace http {

// The host part of an http(s) URL, lower-cased, without port or brackets; empty if none.
std::string url_host(std::string_view url);

// True for localhost, 127.0.0.0/8 and ::1.
bool is_loopback_host(std::string_view host);

// One line saying why `url` must not carry the key, or nullopt when it may: a URL that is neither
// http:// nor https://, or plain http:// to a host that is not loopback.
std::optional<std::string> insecure_url_problem(std::string_view url);

}  // namespace http
