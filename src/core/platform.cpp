#include "core/platform.hpp"

#include "util/text.hpp"

namespace core {

std::string lookup_key(Platform platform, std::string_view handle) {
  std::string key(platform_name(platform));
  key += '\x1f';
  key += util::to_lower(handle);
  return key;
}

std::string_view platform_name(Platform platform) {
  switch (platform) {
    case Platform::tiktok: return "tiktok";
    case Platform::instagram: return "instagram";
    case Platform::youtube: return "youtube";
    case Platform::x: return "x";
    case Platform::facebook: return "facebook";
    case Platform::reddit: return "reddit";
    case Platform::twitch: return "twitch";
    case Platform::kick: return "kick";
    case Platform::linkedin: return "linkedin";
    case Platform::threads: return "threads";
    case Platform::snapchat: return "snapchat";
  }
  return "unknown";
}

std::optional<Platform> parse_platform(std::string_view name) {
  const std::string lower = util::to_lower(name);
  if (lower == "twitter") {
    return Platform::x;
  }
  for (Platform platform : k_all_platforms) {
    if (lower == platform_name(platform)) {
      return platform;
    }
  }
  return std::nullopt;
}

int default_fresh_price(Platform platform) {
  switch (platform) {
    case Platform::youtube: return 3;
    case Platform::twitch:
    case Platform::kick: return 2;
    default: return 1;
  }
}

}  // namespace core
