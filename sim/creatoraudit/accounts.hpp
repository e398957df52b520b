#pragma once

// CreatorAudit accounts as the simulator knows them: username rules, which usernames exist, stable
// ids, first-refresh delays, the account JSON, and the "truth" metrics an account has once
// refreshed. Metrics and existence are pure functions of platform and username (never the seed),
// so a test can tell in advance what any account will report; ids and refresh delays also take
// the seed.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "sim/creatoraudit/audit_config.hpp"
#include "sim/payloads.hpp"
#include "util/clock.hpp"

namespace sim::audit {

// The two platforms CreatorAudit serves.
bool is_audit_platform(std::string_view platform);

// Lower case, without one leading '@': the form usernames are matched and shown in.
std::string canonical_username(std::string_view username);

// Why `canonical` is not a username (422 on `username`), or nullopt: empty, over 30 characters, or
// a character other than a-z, 0-9, '.' and '_'.
std::optional<std::string> username_problem(std::string_view canonical);

// False for usernames starting with one of `missing_prefixes` (canonical forms compared).
bool username_exists(std::string_view canonical, const std::vector<std::string>& missing_prefixes);

// A UUID (version 4 layout) derived from `seed` and `text`; the same inputs give the same id.
std::string uuid_from(std::uint64_t seed, std::string_view text);

// The first-refresh delay of `platform`/`canonical` under `config`: uniform in
// [min_refresh, max_refresh], from the seed and the account alone.
util::Duration first_refresh_delay(const AuditConfig& config, std::string_view platform,
                                   std::string_view canonical);

// True when a seed account is kept under `tracked_percent`.
bool kept_as_tracked(std::string_view platform, std::string_view canonical, int tracked_percent);

// Period names "7d", "30d", "90d" and their length in days; 0 for anything else.
int period_days(std::string_view period);

// The metric fields of an item of POST /accounts/metrics, in the order served: followers,
// followers_change, posts, views, likes, comments, shares, saved_count (instagram; null for tiktok),
// engagement_rate (a fraction with four decimals).
Json truth_metrics(std::string_view platform, std::string_view canonical, std::string_view period);

// The same fields, every one null: a not yet refreshed account when `unscraped_as_nulls`.
Json null_metrics();

struct Account {
  std::string id;
  std::size_t organization = 0;
  std::string platform;
  std::string username;  // canonical
  std::optional<std::string> category;
  std::int64_t scrape_interval_hours = 24;
  util::TimePoint created_at;
  util::TimePoint first_refresh_at;
  util::TimePoint listed_from;  // created_at + the listing lag
  std::uint64_t sequence = 0;   // creation order: the listing's order and its cursors' position
  bool pretracked = false;

  // The last refresh at or before `now`: nullopt before the first one, then every
  // scrape_interval_hours.
  std::optional<util::TimePoint> last_scrape_at(util::TimePoint now) const;
};

// The account as the API shows it: id, platform, username, category, scrape_interval_hours,
// created_at, last_scrape_time (null before the first refresh).
Json account_json(const Account& account, util::TimePoint now);

// A strong ETag of the representation at `now`, quotes included: it changes when a refresh lands.
std::string account_etag(const Account& account, util::TimePoint now);

// True when an If-None-Match value (a list of entity tags, weak ones included, or `*`) matches `etag`.
bool if_none_match_matches(std::string_view if_none_match, std::string_view etag);

}  // namespace sim::audit
