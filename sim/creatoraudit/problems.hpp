#pragma once

// The CreatorAudit v2 wire conventions the simulator shares across endpoints: envelopes, RFC 9457
// problem documents (application/problem+json with `code` and `request_id`), and the content
// negotiation rules (415 for a write that is not JSON, 406 for an Accept that cannot be JSON).

#include <string>
#include <string_view>
#include <vector>

#include "sim/messages.hpp"

namespace sim::audit {

// One entry of a 422's `errors`.
struct FieldError {
  std::string field;
  std::string message;
};

// `{"data": data}` with Content-Type application/json.
SimResponse data_response(int status, const Json& data);

// A problem document: type, title, status, detail, code, request_id, and `errors` when given.
// The caller adds the X-Request-ID header with the same id.
SimResponse problem_response(int status, std::string_view code, std::string_view detail,
                             std::string_view request_id, const std::vector<FieldError>& errors = {});

// True when an Accept header value admits JSON (application/json, application/problem+json,
// application/*, */*, or any +json type, with a q above 0); an absent header admits anything.
bool accepts_json(std::string_view accept);

// True when a Content-Type header value is application/json (parameters such as charset allowed).
bool is_json_content_type(std::string_view content_type);

}  // namespace sim::audit
