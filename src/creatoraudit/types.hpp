#pragma once

// Typed answers of the CreatorAudit API v2: JSON envelopes (`data`, `pagination`, `meta`) and
// RFC 9457 problem documents, ids as UUID text, timestamps as ISO 8601 text. Decoders (decode.hpp)
// tolerate unknown fields and nulls; what the API sends as free text (titles, details, usernames)
// is kept as sent, and made one line only where it is reported.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace creatoraudit {

// The metrics window of POST /accounts/metrics, spelled as the API and --audit-period spell it.
enum class Period { days_7, days_30, days_90 };

std::string_view period_name(Period period);                // "7d", "30d", "90d"
std::optional<Period> parse_period(std::string_view name);  // exact spelling only

// One entry of a problem's `errors`: which field was invalid, and why.
struct FieldError {
  std::string field;  // e.g. "username", "account_ids[3]"
  std::string message;
};

// An RFC 9457 problem document, or what stands in for one when the error body was not JSON (a
// proxy's HTML 502): then `is_document` is false and only `status` and `request_id` are known.
struct Problem {
  int status = 0;  // the HTTP status of the answer (authoritative over the body's `status`)
  std::string type;
  std::string code;  // e.g. QUOTA_EXCEEDED; empty when the body named none
  std::string title;
  std::string detail;
  std::vector<FieldError> errors;
  std::string request_id;  // the X-Request-ID header, else the body's `request_id`
  bool is_document = false;
};

// One line naming the status, its reason, the code, the detail (else the title), the `errors` and
// the request id, e.g. `HTTP 403 Forbidden, QUOTA_EXCEEDED: plan allows 50 accounts (request id
// req_1)`. Server text is cut to one line of bounded length.
std::string describe(const Problem& problem);


// GET /whoami
struct WhoAmI {
  std::string organization_id;
  std::string api_key_name;
};

// GET /meta (unauthenticated)
struct Meta {
  std::string version;
  std::string openapi_url;
  std::string docs_url;
};

// A tracked account: `data` of POST /accounts and GET /accounts/{id}, items of GET /accounts.
struct Account {
  std::string id;
  std::string platform;
  std::string username;
  std::string category;  // empty when null
  std::optional<long long> scrape_interval_hours;
  std::string created_at;
  std::optional<std::string> last_scrape_time;  // null until the first refresh

  bool refreshed() const { return last_scrape_time.has_value(); }
};

// `pagination` of a collection. `has_next` is the field when it is a boolean, else whether a
// cursor came; the cursor is opaque and kept byte for byte.
struct Pagination {
  std::string next_cursor;
  bool has_next = false;
  std::optional<long long> limit;
};

struct AccountPage {
  std::vector<Account> accounts;
  Pagination pagination;
  std::size_t skipped = 0;  // items that were no object or had no id
};

// One metric cell: a number (its JSON text, e.g. `0.0345`, and its value), text, or empty (null).
struct MetricValue {
  enum class Kind { empty, number, text };
  Kind kind = Kind::empty;
  std::string text;
  double number = 0;
};

struct Metric {
  std::string name;  // a column name: `views`, or `<parent>_<child>` for a nested object's field
  MetricValue value;
};

// One item of POST /accounts/metrics: every field but the four fixed ones, in the order sent.
struct AccountMetrics {
  std::string account_id;
  std::string period;
  std::string start_date;
  std::string end_date;
  std::vector<Metric> metrics;
  std::string item_json;  // the item as the API sent it (key order kept), for the JSON output

  // False when no metric has a value: the account has not been scraped yet and stays pending.
  bool scraped() const;
};

struct MetricsPage {
  std::vector<AccountMetrics> items;  // one per account id, the first when the API repeats one
  std::string period;                 // from `meta`, when sent
  std::string start_date;
  std::string end_date;
};

// Why a whole request failed. Per-lookup answers (409, 422, QUOTA_EXCEEDED) are values of the
// call's own result type instead.
enum class ApiErrorKind {
  key_rejected,  // 401, or 403 other than QUOTA_EXCEEDED (FORBIDDEN, INSUFFICIENT_SCOPE): exit 77
  bad_request,   // a 4xx the call does not expect: never retried
  unavailable,   // 5xx, 429 or transport faults outlasted the retries (exit 69)
  bad_response,  // the body was not what the API promised, even after retries (exit 69)
  interrupted,   // a stop was requested while waiting
  deadline,      // the wait before a retry would have passed the run's --deadline
  refused,       // refused before connecting (TLS failure, insecure URL, libcurl missing)
};

struct ApiError {
  ApiErrorKind kind = ApiErrorKind::unavailable;
  Problem problem;      // status 0 when no answer arrived
  std::string message;  // one line: what failed, where, the code, detail and request id; never the key
};

}  // namespace creatoraudit
