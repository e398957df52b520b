#pragma once

// The key must never be shown or stored, and a server may send it back (an error message quoting
// the request, a vendor bug). http::Client passes every text that came from the server (bodies,
// header values, transport errors) through redact_secrets() before anything else sees it, so no
// caller can forget to: error lines, JSON logs, the state file and the output get `***`.

#include <string>
#include <string_view>
#include <vector>

#include "http/transport.hpp"

namespace http {

// The secrets a request carries: the values redacted_headers() masks (X-API-Key, Authorization,
// and the credentials after an Authorization scheme such as `Bearer`).
std::vector<std::string> request_secrets(const Headers& headers);

// `text` with every occurrence of a secret replaced by `***`: written as it is, or with JSON string
// escapes for some of its characters (`\u0073k_live_…`, `\/`), as a JSON body may hold it.
std::string redact_secrets(std::string_view text, const std::vector<std::string>& secrets);
void redact_in_place(std::string& text, const std::vector<std::string>& secrets);

// Redacts `response` (body, body_problem, header values) in place.
void redact_response(Response& response, const std::vector<std::string>& secrets);

}  // namespace http
