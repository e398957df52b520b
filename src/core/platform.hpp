#pragma once

// The platforms CreatorScore scores, their names and their fresh-score prices
// (shared/api/creatorscore-v1.md, "Platforms and prices").

#include <array>
#include <optional>
#include <string>
#include <string_view>

namespace core {

// Stored in the state file: values are explicit and never reused.
enum class Platform : int {
  tiktok = 1,
  instagram = 2,
  youtube = 3,
  x = 4,  // also written `twitter`: one network, one lookup
  facebook = 5,
  reddit = 6,
  twitch = 7,
  kick = 8,
  linkedin = 9,
  threads = 10,
  snapchat = 11,
};

inline constexpr std::array<Platform, 11> k_all_platforms = {
    Platform::tiktok, Platform::instagram, Platform::youtube, Platform::x,
    Platform::facebook, Platform::reddit, Platform::twitch, Platform::kick,
    Platform::linkedin, Platform::threads, Platform::snapchat};

// The name sent to the API and written to output: `x` for twitter/x.
std::string_view platform_name(Platform platform);

// Case-insensitive; accepts `twitter` and `x` for Platform::x; surrounding spaces are not trimmed.
std::optional<Platform> parse_platform(std::string_view name);

// A lookup's identity: "<platform name>\x1f<handle, ASCII lower-cased>", e.g. "x\x1fjohndoe" for
// both `twitter,JohnDoe` and `x,johndoe`. One definition for the roster's de-duplication and the
// state file's keys: were they to differ, a result stored by one run would not be found by the
// next, and its creator would be paid for twice.
std::string lookup_key(Platform platform, std::string_view handle);

// Credits for one fresh score of `platform` by the vendor's published table; the account's
// pricing, when it has one, takes precedence (creatorscore::Pricing).
int default_fresh_price(Platform platform);

}  // namespace core
