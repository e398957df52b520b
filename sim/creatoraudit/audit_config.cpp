#include "sim/creatoraudit/audit_config.hpp"

#include <set>

#include "util/text.hpp"

namespace sim::audit {

std::optional<KeyConfig> parse_key_spec(std::string_view spec) {
  const std::vector<std::string> parts = util::split(spec, ':');
  if (parts.size() < 2 || parts.size() > 3 || parts[0].empty() || parts[1].empty()) {
    return std::nullopt;
  }
  KeyConfig key{parts[0], parts[1], KeyState::active};
  if (parts.size() == 3) {
    bool known = false;
    for (const KeyState state :
         {KeyState::active, KeyState::disabled, KeyState::read_only, KeyState::no_scope}) {
      if (parts[2] == key_state_name(state)) {
        key.state = state;
        known = true;
      }
    }
    if (!known) {
      return std::nullopt;
    }
  }
  return key;
}

std::string_view key_state_name(KeyState state) {
  switch (state) {
    case KeyState::active:
      return "active";
    case KeyState::disabled:
      return "disabled";
    case KeyState::read_only:
      return "read-only";
    case KeyState::no_scope:
      return "no-scope";
  }
  return "active";
}

std::string_view second_track_name(SecondTrack mode) {
  switch (mode) {
    case SecondTrack::conflict:
      return "conflict";
    case SecondTrack::existing:
      return "existing";
    case SecondTrack::duplicate:
      return "duplicate";
  }
  return "conflict";
}

std::optional<SecondTrack> parse_second_track(std::string_view text) {
  for (const SecondTrack mode : {SecondTrack::conflict, SecondTrack::existing, SecondTrack::duplicate}) {
    if (text == second_track_name(mode)) {
      return mode;
    }
  }
  return std::nullopt;
}

std::vector<SeedAccount> parse_seed_accounts(std::string_view text) {
  std::vector<SeedAccount> accounts;
  for (const std::string& raw_line : util::split(text, '\n')) {
    const std::string_view line = util::trim(raw_line);
    if (line.empty() || line.front() == '#') {
      continue;
    }
    const std::vector<std::string> fields = util::split(line, ',');
    if (fields.size() < 2) {
      continue;
    }
    const std::string platform = util::to_lower(util::trim(fields[0]));
    const std::string_view username = util::trim(fields[1]);
    if ((platform == "instagram" || platform == "tiktok") && !username.empty()) {
      accounts.push_back(SeedAccount{platform, std::string(username)});
    }
  }
  return accounts;
}

std::string validate_config(const AuditConfig& config) {
  if (config.keys.empty()) {
    return "at least one key is needed";
  }
  std::set<std::string> keys;
  for (const KeyConfig& key : config.keys) {
    if (key.key.empty() || key.organization.empty()) {
      return "a key or its organization is empty";
    }
    if (!keys.insert(key.key).second) {
      return "key given twice: " + key.key;
    }
  }
  if (config.quota < 0) {
    return "quota must be >= 0";
  }
  if (config.rate_limit < 0) {
    return "rate-limit must be >= 0";
  }
  if (config.tracked_percent < 0 || config.tracked_percent > 100) {
    return "tracked-percent must be within 0..100";
  }
  if (config.other_accounts < 0) {
    return "other-accounts must be >= 0";
  }
  if (config.min_refresh.count() < 0 || config.min_refresh > config.max_refresh) {
    return "min-refresh must be >= 0 and <= max-refresh";
  }
  if (config.listing_lag.count() < 0) {
    return "listing-lag must be >= 0";
  }
  const auto is_probability = [](double p) { return p >= 0.0 && p <= 1.0; };
  const AuditFaults& f = config.faults;
  if (!is_probability(f.fault_500) || !is_probability(f.fault_503) || !is_probability(f.retry_after_share) ||
      !is_probability(f.fault_drop) || !is_probability(f.fault_drop_before) ||
      !is_probability(f.fault_malformed) || !is_probability(f.fault_slow)) {
    return "probabilities must be within 0..1";
  }
  if (f.slow_delay.count() < 0) {
    return "slow-delay must be >= 0";
  }
  if (f.retry_after_max_s < 1) {
    return "retry-after-max must be >= 1";
  }
  return {};
}

}  // namespace sim::audit
