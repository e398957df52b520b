#pragma once

// What a creatoraudit-sim instance simulates: its API keys and their organizations, the plan quota,
// the rate limit, which usernames exist, which accounts are tracked before any request, how long
// first refreshes take, and which faults it injects. `AuditConfig{}` is a well-behaved API with one
// active key (`ca_test_demo`, organization "Demo Agency") and room for 10,000 accounts.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "util/clock.hpp"

namespace sim::audit {

// What a key may do. `disabled` answers 403 FORBIDDEN everywhere; `read_only` answers 403
// INSUFFICIENT_SCOPE to POST /accounts; `no_scope` answers 403 INSUFFICIENT_SCOPE everywhere but
// GET /whoami.
enum class KeyState { active, disabled, read_only, no_scope };

struct KeyConfig {
  std::string key;
  std::string organization;  // keys of the same organization see the same accounts
  KeyState state = KeyState::active;
};

// An account the organization tracks before the first request (`--tracked-file`).
struct SeedAccount {
  std::string platform;  // instagram or tiktok
  std::string username;  // as written; matched case-insensitively without a leading '@'
};

// What a second track of an already tracked username with a fresh Idempotency-Key gets.
enum class SecondTrack {
  conflict,   // 409 CONFLICT (the API facts' Decision)
  existing,   // 200 with the existing account (a server the client must also accept)
  duplicate,  // 201 with a second account: a server without the uniqueness check
};

// Probabilities in [0, 1], drawn independently per authenticated /v2 request (never /health,
// /meta or /_sim/) from the fault stream of the seeded RNG, after authentication and the rate limit.
struct AuditFaults {
  double fault_500 = 0.0;              // 500 INTERNAL_ERROR, nothing done
  double fault_503 = 0.0;              // 503 SERVICE_UNAVAILABLE, nothing done
  double retry_after_share = 0.5;      // of those 503s, the share that carries Retry-After
  std::int64_t retry_after_max_s = 5;  // their Retry-After: 1 to this many seconds
  double fault_drop = 0.0;             // the request takes effect, then the connection is cut
  double fault_drop_before = 0.0;      // the connection is cut, nothing done
  double fault_malformed = 0.0;        // 200 with a truncated or non-JSON body, nothing done
  // The request takes effect and its answer is sent `slow_delay` of real time later: a test can kill
  // the client after a POST /accounts took effect and before its answer arrived.
  double fault_slow = 0.0;
  util::Duration slow_delay{std::chrono::seconds(2)};
};

struct AuditConfig {
  std::vector<KeyConfig> keys{KeyConfig{"ca_test_demo", "Demo Agency", KeyState::active}};
  std::uint64_t seed = 1;
  // Most accounts one organization may track, pre-tracked ones included; 0 = no quota.
  std::int64_t quota = 10000;
  // Requests per rolling 60 API seconds per key; 0 disables the limit (headers still sent).
  int rate_limit = 120;
  // Usernames starting with one of these (case-insensitively) do not exist on either platform.
  std::vector<std::string> missing_prefixes{"ghost", "missing_"};
  // Accounts tracked for the first organization before any request, already refreshed. Only a
  // `tracked_percent` share of them is kept (by a hash of platform and username), so one list, e.g.
  // a roster's handles, gives "40 % of the roster is already tracked".
  std::vector<SeedAccount> tracked;
  int tracked_percent = 100;
  // That many more pre-tracked accounts (`other_<n>`, alternately instagram and tiktok), so that
  // listings span several pages.
  int other_accounts = 0;
  // A new account's first refresh comes after a delay drawn per account (platform and username,
  // with the seed) uniformly in [min_refresh, max_refresh]; later refreshes every
  // scrape_interval_hours.
  util::Duration min_refresh{std::chrono::minutes(5)};
  util::Duration max_refresh{std::chrono::hours(2)};
  // A new account shows in GET /accounts this long after it was created.
  util::Duration listing_lag{std::chrono::seconds(5)};
  SecondTrack second_track = SecondTrack::conflict;
  // Not yet refreshed accounts in POST /accounts/metrics: absent from `data`, or items of nulls.
  bool unscraped_as_nulls = false;
  AuditFaults faults;
  // Request bodies above this many bytes get 413.
  std::size_t max_body = 1024 * 1024;
};

// `KEY:ORGANIZATION[:STATE]`, STATE one of active, disabled, read-only, no-scope. ORGANIZATION may
// not contain ':'. nullopt for an empty key or organization or an unknown state.
std::optional<KeyConfig> parse_key_spec(std::string_view spec);

// "active", "disabled", "read-only", "no-scope".
std::string_view key_state_name(KeyState state);

// "conflict", "existing", "duplicate"; parse_second_track is its inverse.
std::string_view second_track_name(SecondTrack mode);
std::optional<SecondTrack> parse_second_track(std::string_view text);

// The accounts of a seed file: one `platform,username` a line (more columns are ignored); blank
// lines, lines starting with '#' and lines whose platform is not instagram or tiktok (a header, a
// YouTube row) are skipped. Platform names compare case-insensitively.
std::vector<SeedAccount> parse_seed_accounts(std::string_view text);

// Empty when `config` is consistent; otherwise a one-line reason.
std::string validate_config(const AuditConfig& config);

}  // namespace sim::audit
