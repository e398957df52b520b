#pragma once

// Typed requests and responses of the CreatorScore API v1 (shared/api/creatorscore-v1.md).
// Decoders tolerate unknown fields and missing optional ones. Creator payloads are kept as the
// verbatim JSON text the API sent: the JSON output must carry them unchanged, and only output/
// needs to look inside them.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/platform.hpp"

namespace creatorscore {

using Seconds = std::chrono::seconds;

// Credits per fresh score. Built from the account's `per_platform_credits` when present, else
// from the vendor's table (core::default_fresh_price).
struct Pricing {
  std::map<core::Platform, int> fresh_credits;
  bool from_account = false;  // false: the vendor's published table was used

  int price(core::Platform platform) const;
  static Pricing vendor_table();
};

struct Account {
  std::string tenant_id;
  std::string tenant_name;
  std::string key_id;
  std::string key_label;
  std::string key_created_at;
  std::string key_last_used_at;
  long long balance = 0;
  Pricing pricing;
  int cache_freshness_days = 30;
};

struct LookupRequest {
  core::Platform platform = core::Platform::tiktok;
  std::string handle;  // as first written in the roster, no leading `@`
};

enum class ItemOutcome { cached, queued, error };

// The platform and handle a creator payload names (creatorscore-v1.md, "Creator payload"): nullopt
// for a field the payload leaves out or sets to null; a value that is not a string is kept as its
// JSON text, so that it names no creator we asked about.
struct CreatorIdentity {
  std::optional<std::string> platform;
  std::optional<std::string> handle;
};

// False when `named` names a creator other than `platform`/`handle`: the identity roster
// de-duplication uses (core::lookup_key: twitter and x are one platform, handles compare
// ASCII-case-insensitively; a leading `@` on the named handle is ignored). A field the payload
// leaves out contradicts nothing.
bool is_same_creator(const CreatorIdentity& named, core::Platform platform, std::string_view handle);

// One creator's answer, from POST /creators/bulk or GET /creators/{platform}/{handle}.
struct ItemResult {
  std::string platform;  // echoed by the API
  std::string handle;
  ItemOutcome outcome = ItemOutcome::error;
  std::string creator_json;  // cached: the verbatim creator object
  CreatorIdentity creator_named;  // whom creator_json says it is about
  std::string job_id;        // queued
  std::optional<Seconds> eta;
  bool deduplicated = false;
  std::optional<int> credits_charged;
  std::string error_code;  // error: a code of the API's table, e.g. insufficient_credits
  std::string message;
};

struct BulkSubmitResult {
  std::vector<ItemResult> results;  // in request order when the API keeps it; matched by key anyway
  std::optional<long long> credits_spent;
  std::optional<long long> credits_remaining;
};

// done_without_creator: the API said `done` but sent no creator object (missing, null or not an
// object): a vendor bug the engine polls again a few times, then records as an error.
enum class JobState { queued, processing, done, done_without_creator, failed, not_found };

struct JobStatus {
  std::string job_id;
  JobState state = JobState::queued;
  std::optional<double> progress;
  std::string progress_message;
  std::optional<Seconds> eta;  // clamped to [0, 1 day]: hostile values never stall a run
  std::string creator_json;    // done: the verbatim creator object
  CreatorIdentity creator_named;  // done: whom creator_json says it is about
  std::string error;           // failed: why; not_found: the message
  std::string completed_at;
};

// One webhook event the API POSTs when a job ends (creatorscore-v1.md, "Webhooks"): the body
// `{event, job_id, platform, handle, creator{…}, delivered_at}`. `job` holds what a poll of the job
// would have said: done with the verbatim creator object (score.completed), or failed with its error
// (score.failed).
enum class WebhookEventKind { score_completed, score_failed };

struct WebhookEvent {
  WebhookEventKind kind = WebhookEventKind::score_completed;
  std::string platform;  // echoed by the API
  std::string handle;
  std::string delivered_at;
  JobStatus job;  // job_id never empty; state done (with creator_json) or failed
};

// Why a whole request failed (per-item errors are ItemResult::error_code instead).
enum class ApiErrorKind {
  key_rejected,          // 401 missing_api_key / invalid_api_key: stop at once (exit 77)
  insufficient_credits,  // 402: stop submitting, keep collecting
  bad_request,           // 400 and other 4xx the API documents: never retried
  unavailable,           // 5xx, 429 or transport faults outlasted the retries (exit 69)
  bad_response,          // the body was not the JSON promised, even after retries (exit 69)
  interrupted,           // a stop was requested while waiting to retry, or during a request
  deadline,              // waiting to retry would have passed the deadline (exit 75, as at the deadline)
  refused,               // refused before connecting (TLS failure, insecure URL)
};

struct ApiError {
  ApiErrorKind kind = ApiErrorKind::unavailable;
  int http_status = 0;   // 0 when no answer arrived
  std::string code;      // the API's error code when it sent one
  std::string message;   // one line for the user: what failed and where; never the key
};

}  // namespace creatorscore
