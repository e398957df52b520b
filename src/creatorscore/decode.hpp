#pragma once

// JSON bodies of the API into our types. Nothing throws out: nlohmann's exceptions are caught
// here and become an error value, so a hostile body never unwinds into the engine. Unknown fields
// are ignored and missing optional ones tolerated (creatorscore-v1.md, "Versioning").

#include <string>
#include <string_view>
#include <vector>

#include "creatorscore/types.hpp"
#include "util/expected.hpp"

namespace creatorscore {

// What is wrong with a body, in words for the user.
using DecodeError = std::string;

// True when `body` is a JSON object: the check the HTTP client retries on.
bool is_json_object(std::string_view body);

util::Expected<Account, DecodeError> decode_account(std::string_view body);
util::Expected<ItemResult, DecodeError> decode_item(std::string_view body);  // one lookup (200 or 202)
util::Expected<BulkSubmitResult, DecodeError> decode_bulk_submit(std::string_view body);
util::Expected<JobStatus, DecodeError> decode_job(std::string_view body);
util::Expected<std::vector<JobStatus>, DecodeError> decode_bulk_status(std::string_view body);
// A webhook delivery's body. An error for anything but a JSON object naming a job_id and the event
// `score.completed` (with a creator object) or `score.failed`: the listener answers it with 400.
util::Expected<WebhookEvent, DecodeError> decode_webhook_event(std::string_view body);

// `{"error": code, "message": text}`; both empty when the body has neither.
struct ErrorBody {
  std::string code;
  std::string message;
};
ErrorBody decode_error_body(std::string_view body);

}  // namespace creatorscore
