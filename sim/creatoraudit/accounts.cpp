#include "sim/creatoraudit/accounts.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "sim/api_time.hpp"
#include "sim/rng.hpp"
#include "util/text.hpp"

namespace sim::audit {

namespace {

constexpr std::size_t k_max_username = 30;

std::uint64_t account_hash(std::string_view platform, std::string_view canonical, std::string_view what) {
  return stable_hash(std::string(what) + ":" + std::string(platform) + ":" + std::string(canonical));
}

}  // namespace

bool is_audit_platform(std::string_view platform) { return platform == "instagram" || platform == "tiktok"; }

std::string canonical_username(std::string_view username) {
  if (!username.empty() && username.front() == '@') {
    username.remove_prefix(1);
  }
  return util::to_lower(username);
}

std::optional<std::string> username_problem(std::string_view canonical) {
  if (canonical.empty()) {
    return "must not be empty";
  }
  if (canonical.size() > k_max_username) {
    return "must be at most 30 characters";
  }
  for (const char c : canonical) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '_';
    if (!allowed) {
      return "may contain only letters, digits, '.' and '_'";
    }
  }
  return std::nullopt;
}

bool username_exists(std::string_view canonical, const std::vector<std::string>& missing_prefixes) {
  for (const std::string& prefix : missing_prefixes) {
    if (!prefix.empty() && canonical.starts_with(util::to_lower(prefix))) {
      return false;
    }
  }
  return true;
}

std::string uuid_from(std::uint64_t seed, std::string_view text) {
  Rng rng(seed ^ stable_hash(text));
  const std::uint64_t high = rng.next();
  const std::uint64_t low = rng.next();
  char out[40];
  std::snprintf(
      out, sizeof out, "%08llx-%04llx-4%03llx-%04llx-%012llx", static_cast<unsigned long long>(high >> 32),
      static_cast<unsigned long long>((high >> 16) & 0xffff), static_cast<unsigned long long>(high & 0xfff),
      static_cast<unsigned long long>(0x8000 | ((low >> 48) & 0x3fff)),
      static_cast<unsigned long long>(low & 0xffffffffffffULL));
  return out;
}

util::Duration first_refresh_delay(const AuditConfig& config, std::string_view platform,
                                   std::string_view canonical) {
  Rng rng(config.seed ^ account_hash(platform, canonical, "refresh"));
  return util::Duration(rng.between(config.min_refresh.count(), config.max_refresh.count()));
}

bool kept_as_tracked(std::string_view platform, std::string_view canonical, int tracked_percent) {
  return static_cast<int>(account_hash(platform, canonical, "tracked") % 100) < tracked_percent;
}

int period_days(std::string_view period) {
  if (period == "7d") {
    return 7;
  }
  if (period == "30d") {
    return 30;
  }
  if (period == "90d") {
    return 90;
  }
  return 0;
}

Json truth_metrics(std::string_view platform, std::string_view canonical, std::string_view period) {
  // Per-account rates from the account alone; a period's totals are its days times the daily rates,
  // with a per-period wobble so that 30d is not exactly 30/7 of 7d.
  Rng account(account_hash(platform, canonical, "metrics"));
  const std::int64_t followers = account.between(1'000, 5'000'000);
  const std::int64_t posts_per_90d = account.between(3, 180);
  const std::int64_t views_per_day = std::max<std::int64_t>(10, followers / account.between(20, 400));
  const std::int64_t like_per_mille = account.between(10, 120);
  const std::int64_t comment_per_mille = account.between(1, 12);
  const std::int64_t share_per_mille = account.between(1, 20);
  const std::int64_t save_per_mille = account.between(1, 25);
  const std::int64_t growth_per_mille = account.between(-20, 60);

  const int days = period_days(period);
  Rng wobble(account_hash(platform, canonical, std::string("metrics:") + std::string(period)));
  const std::int64_t views = views_per_day * days * wobble.between(80, 120) / 100;
  const std::int64_t likes = views * like_per_mille / 1000;
  const std::int64_t comments = views * comment_per_mille / 1000;
  const std::int64_t shares = views * share_per_mille / 1000;
  const bool instagram = platform == "instagram";
  const std::int64_t saves = instagram ? views * save_per_mille / 1000 : 0;
  const double interactions = static_cast<double>(likes + comments + shares + saves);
  const double rate =
      views > 0 ? std::round(interactions / static_cast<double>(views) * 10000.0) / 10000.0 : 0.0;

  Json metrics = Json::object();
  metrics["followers"] = followers;
  metrics["followers_change"] = followers * growth_per_mille * days / 90 / 1000;
  metrics["posts"] = std::max<std::int64_t>(1, posts_per_90d * days / 90);
  metrics["views"] = views;
  metrics["likes"] = likes;
  metrics["comments"] = comments;
  metrics["shares"] = shares;
  metrics["saved_count"] = instagram ? Json(saves) : Json(nullptr);
  metrics["engagement_rate"] = rate;
  return metrics;
}

Json null_metrics() {
  Json metrics = Json::object();
  for (const char* name : {"followers", "followers_change", "posts", "views", "likes", "comments", "shares",
                           "saved_count", "engagement_rate"}) {
    metrics[name] = nullptr;
  }
  return metrics;
}

std::optional<util::TimePoint> Account::last_scrape_at(util::TimePoint now) const {
  if (now < first_refresh_at) {
    return std::nullopt;
  }
  const util::Duration interval(std::max<std::int64_t>(1, scrape_interval_hours) * 3'600'000);
  return first_refresh_at + interval * ((now - first_refresh_at) / interval);
}

Json account_json(const Account& account, util::TimePoint now) {
  Json out = Json::object();
  out["id"] = account.id;
  out["platform"] = account.platform;
  out["username"] = account.username;
  out["category"] = account.category ? Json(*account.category) : Json(nullptr);
  out["scrape_interval_hours"] = account.scrape_interval_hours;
  out["created_at"] = format_api_time(account.created_at);
  const std::optional<util::TimePoint> scraped = account.last_scrape_at(now);
  out["last_scrape_time"] = scraped ? Json(format_api_time(*scraped)) : Json(nullptr);
  return out;
}

std::string account_etag(const Account& account, util::TimePoint now) {
  const std::optional<util::TimePoint> scraped = account.last_scrape_at(now);
  const std::string state =
      account.id + ":" + (scraped ? std::to_string(scraped->since_epoch.count()) : "never");
  char out[24];
  std::snprintf(out, sizeof out, "\"%016llx\"", static_cast<unsigned long long>(stable_hash(state)));
  return out;
}

bool if_none_match_matches(std::string_view if_none_match, std::string_view etag) {
  for (const std::string& part : util::split(if_none_match, ',')) {
    std::string_view tag = util::trim(part);
    if (tag == "*") {
      return true;
    }
    if (tag.starts_with("W/")) {
      tag.remove_prefix(2);  // GET compares entity tags weakly (RFC 9110, 13.1.2)
    }
    if (tag == etag) {
      return true;
    }
  }
  return false;
}

}  // namespace sim::audit
