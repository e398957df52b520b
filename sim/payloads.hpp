#pragma once

// Creators as the simulated API knows them: identity, handle validation, price, whether a score is
// already cached, and the deterministic creator payload. Everything here is a pure function of the
// creator (platform and lower-cased handle), never of the seed, so a test can tell in advance what
// any creator looks like and whether it is pre-cached.

#include <compare>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/platform.hpp"
#include "sim/config.hpp"
#include "util/clock.hpp"

namespace sim {

// Insertion-ordered, so responses list fields in the order of the vendor's examples.
using Json = nlohmann::ordered_json;

// The optional creator fields a request asked for with `include=` (no extra cost).
struct Includes {
  bool narrative = false;
  bool velocity = false;
  bool risk_flags = false;
  bool detailed_analysis = false;

  void merge(const Includes& other);
};

// Reads a comma-separated `include` value; unknown names and empty parts are ignored.
Includes parse_includes(std::string_view comma_list);

// One creator: `twitter` and `x` are the same platform and handles compare case-insensitively.
struct CreatorId {
  core::Platform platform = core::Platform::tiktok;
  std::string lower_handle;

  // "platform:lowerhandle" with the canonical platform name (`x:jack`); the key of /_sim/stats.
  std::string key() const;

  friend auto operator<=>(const CreatorId&, const CreatorId&) = default;
};

CreatorId make_creator_id(core::Platform platform, std::string_view handle);

// Why the API refuses `handle` (400 invalid_handle), or nullopt when it is acceptable: empty, over
// 100 characters (UTF-8 code points), containing a space, '/' or a control character, not valid
// UTF-8, or starting with '@' (the API's handle pattern is `^[^@]`).
std::optional<std::string> handle_problem(std::string_view handle);

// Credits for a fresh score; the vendor's table (core::default_fresh_price).
Credits fresh_price(core::Platform platform);

// True when the creator has a score younger than 30 days before any job ran: its hash mod 100 is
// below `cached_percent`. Creators whose jobs are doomed (is_doomed) are never pre-cached.
bool is_precached(const CreatorId& creator, int cached_percent);

// When a pre-cached creator was last scored: 1 to 29 days before API time 0.
util::TimePoint precached_scored_at(const CreatorId& creator);

// True for handles starting with `missing_` or `ghost_`: their jobs always fail with
// `profile_unavailable`.
bool is_doomed(const CreatorId& creator);

// The creator object of cached lookups and done jobs. `handle` is the spelling shown (the first one
// the simulator saw); `last_scored_at` is the only field that varies for one creator. About 1 in 15
// creators has a display name starting with '=', '+', '-' or '@' (formula-guard tests).
// Puts text a spreadsheet would run as a formula into the payload's fields, text where numbers
// belong (score "=1+1", followers "1e999"), as a hostile or buggy API might (HostileAnswers).
void add_formula_text(Json& payload);

Json creator_payload(const CreatorId& creator, std::string_view handle, util::TimePoint last_scored_at,
                     const Includes& includes);

// `https://creatorscore.io/profile/<platform>/<handle>`, the handle percent-encoded where needed.
std::string public_profile_url(core::Platform platform, std::string_view handle);

}  // namespace sim
