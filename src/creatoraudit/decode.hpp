#pragma once

// JSON bodies of the CreatorAudit API v2 into our types. Nothing throws out: nlohmann's exceptions
// are caught here and become an error value, so a hostile body never unwinds into the engine.
// Unknown fields are ignored, nulls tolerated, nesting bounded.

#include <optional>
#include <string>
#include <string_view>

#include "creatoraudit/types.hpp"
#include "util/expected.hpp"

namespace creatoraudit {

// What is wrong with a body, in words for the user.
using DecodeError = std::string;

// True when `body` is a JSON object: the check the HTTP client retries on.
bool is_json_object(std::string_view body);

// Never fails: a problem document gives its fields; any other body (HTML, empty, truncated JSON)
// gives `status` alone. `request_id_header` (X-Request-ID) wins over the body's `request_id`.
Problem decode_problem(int status, std::string_view body,
                       const std::optional<std::string>& request_id_header);

util::Expected<WhoAmI, DecodeError> decode_whoami(std::string_view body);
util::Expected<Meta, DecodeError> decode_meta(std::string_view body);  // wrapped in `data`, or bare

// `{"data": {account}}`: the account must have an id.
util::Expected<Account, DecodeError> decode_account(std::string_view body);

// `{"data": [account...], "pagination": {...}}`. A body without `pagination` is a last page.
util::Expected<AccountPage, DecodeError> decode_account_page(std::string_view body);

// `{"data": [{"account_id", "period", "start_date", "end_date", <metric>...}], "meta": {...}}`.
// Every other field of an item becomes a Metric, in the order sent: a number as a number, a string
// as text, null as empty, a nested object's number, string and null fields as `<parent>_<child>`,
// an array of those joined with "; "; anything else (booleans, deeper nesting) is left out, as are
// fields whose names are no plain identifier (letters, digits, `_`, `-`, `.`; at most 64 bytes),
// since they become column names. A name met twice in one item keeps its first value; an item keeps
// at most 256 metrics. Items without an account id are skipped, a repeated account id keeps its
// first item.
util::Expected<MetricsPage, DecodeError> decode_metrics(std::string_view body);

}  // namespace creatoraudit
