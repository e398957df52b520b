#pragma once

// The CreatorAudit API v2 client: builds each endpoint's request, sends it through a Session (the
// bearer key, its own HeaderPacer, the retry policy), and decodes the answer. Answers that concern
// one lookup (409, 422, QUOTA_EXCEEDED, 404, 304) are values of each call's result; an ApiError
// means the call as a whole failed.

#include <string>
#include <vector>

#include "core/platform.hpp"
#include "creatoraudit/session.hpp"
#include "creatoraudit/types.hpp"
#include "util/expected.hpp"

namespace creatoraudit {

inline constexpr std::size_t k_max_metrics_ids = 200;  // POST /accounts/metrics takes 1 to 200

enum class TrackOutcome {
  created,         // 2xx but 200: tracking started; a replay of that answer looks the same
  replayed,        // the answer says it is a replay of an earlier one (Idempotent-Replayed: true)
  existing,        // 200 with the account: the organization tracked it already
  conflict,        // 409: tracked already under another key; find it by listing
  invalid,         // 422: e.g. no such username on the platform; never retried unchanged
  quota_exceeded,  // 403 QUOTA_EXCEEDED: the plan's account quota is used up; track nothing more
};

struct TrackResult {
  TrackOutcome outcome = TrackOutcome::created;
  Account account;      // created, replayed, existing
  Problem problem;      // conflict, invalid, quota_exceeded
  std::string message;  // conflict, invalid, quota_exceeded: one line with the `errors`, code and request id
};

enum class FetchOutcome {
  changed,    // 200: `account` and `etag` are new
  unchanged,  // 304: what the caller holds for the ETag it sent is current
  not_found,  // 404: not (or no longer) in this organization
};

struct AccountFetch {
  FetchOutcome outcome = FetchOutcome::changed;
  Account account;
  std::string etag;  // changed: the new ETag (empty when none came); unchanged: the one sent
  Problem problem;   // not_found
};

struct MetricsResult {
  MetricsPage page;  // items only for ids that were asked for
  // A 422 about the ids: the call fetched nothing. `rejected_ids` are the asked ids its `errors`
  // name (by `account_ids[i]` or by the id in the message): drop them and ask again. Empty when
  // the answer names none: list the accounts again before retrying.
  bool rejected = false;
  std::vector<std::string> rejected_ids;
  Problem problem;
  std::string message;
};

class Client {
 public:
  explicit Client(Session& session) : m_session(session) {}

  // GET /whoami: checks the key.
  util::Expected<WhoAmI, ApiError> whoami();

  // GET /meta, sent without the key.
  util::Expected<Meta, ApiError> meta();

  // GET /accounts?platform=P, every page.
  util::Expected<std::vector<Account>, ApiError> list_accounts(core::Platform platform);

  // POST /accounts {"platform", "username"} with `idempotency_key`, which the caller made durable
  // before calling and re-sends while an earlier attempt's outcome is unknown. An empty key is
  // refused without sending anything.
  util::Expected<TrackResult, ApiError> track_account(core::Platform platform, const std::string& username,
                                                      const std::string& idempotency_key);

  // GET /accounts/{id}, with If-None-Match: `etag` when one is held.
  util::Expected<AccountFetch, ApiError> get_account(const std::string& id, const std::string& etag = {});

  // POST /accounts/metrics for 1 to 200 ids; more or none are refused without sending anything.
  util::Expected<MetricsResult, ApiError> metrics(Period period, const std::vector<std::string>& account_ids);

 private:
  Session& m_session;
};

}  // namespace creatoraudit
