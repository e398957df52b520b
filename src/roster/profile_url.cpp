#include "roster/profile_url.hpp"

#include <array>
#include <optional>

#include "roster/handle.hpp"
#include "util/text.hpp"

namespace roster {

namespace {

using core::Platform;

struct Host {
  std::string_view domain;
  Platform platform;
};

constexpr std::array<Host, 14> k_hosts = {{
    {"tiktok.com", Platform::tiktok},
    {"instagram.com", Platform::instagram},
    {"youtube.com", Platform::youtube},
    {"x.com", Platform::x},
    {"twitter.com", Platform::x},
    {"twitch.tv", Platform::twitch},
    {"kick.com", Platform::kick},
    {"reddit.com", Platform::reddit},
    {"linkedin.com", Platform::linkedin},
    {"threads.net", Platform::threads},
    {"threads.com", Platform::threads},
    {"snapchat.com", Platform::snapchat},
    {"facebook.com", Platform::facebook},
    {"fb.com", Platform::facebook},
}};

constexpr std::array<std::string_view, 7> k_host_prefixes = {"www.", "m.", "mobile.", "web.", "old.", "new.",
                                                             "en."};

bool one_of(std::string_view segment, std::initializer_list<std::string_view> names) {
  for (const std::string_view name : names) {
    if (util::equals_ignoring_case(segment, name)) {
      return true;
    }
  }
  return false;
}

// Lower-cased host without port, trailing dot and the prefixes above.
std::string canonical_host(std::string_view host) {
  const auto at = host.rfind('@');  // user:password@host
  if (at != std::string_view::npos) {
    host = host.substr(at + 1);
  }
  const auto colon = host.find(':');
  if (colon != std::string_view::npos) {
    host = host.substr(0, colon);
  }
  while (!host.empty() && host.back() == '.') {
    host.remove_suffix(1);
  }
  std::string lower = util::to_lower(host);
  for (bool stripped = true; stripped;) {
    stripped = false;
    for (const std::string_view prefix : k_host_prefixes) {
      if (lower.size() > prefix.size() && lower.compare(0, prefix.size(), prefix) == 0) {
        lower.erase(0, prefix.size());
        stripped = true;
      }
    }
  }
  return lower;
}

std::optional<Platform> platform_of_host(std::string_view host) {
  for (const Host& known : k_hosts) {
    if (host == known.domain) {
      return known.platform;
    }
  }
  constexpr std::string_view linkedin = ".linkedin.com";  // uk.linkedin.com, de.linkedin.com, ...
  if (host.size() > linkedin.size() && host.substr(host.size() - linkedin.size()) == linkedin) {
    return Platform::linkedin;
  }
  return std::nullopt;
}

// Percent-decodes `segment` into `out`; false for a malformed escape or non-UTF-8 result.
bool decode_segment(std::string_view segment, std::string& out) {
  if (segment.find('%') == std::string_view::npos) {
    out.assign(segment);  // the common case, without an allocation per handle
    return true;
  }
  std::optional<std::string> decoded = util::percent_decode(segment);
  if (!decoded || !util::is_valid_utf8(*decoded)) {
    return false;
  }
  out = std::move(*decoded);
  return true;
}

struct Segments {
  std::array<std::string_view, 2> first{};
  std::size_t count = 0;
};

Segments first_segments(std::string_view path) {
  Segments out;
  std::size_t start = 0;
  while (start < path.size() && out.count < out.first.size()) {
    std::size_t end = path.find('/', start);
    if (end == std::string_view::npos) {
      end = path.size();
    }
    if (end > start) {
      out.first[out.count++] = path.substr(start, end - start);
    }
    start = end + 1;
  }
  return out;
}

std::string_view strip_at(std::string_view segment) {
  return !segment.empty() && segment.front() == '@' ? segment.substr(1) : segment;
}

}  // namespace

std::string_view profile_link_form(Platform platform) {
  switch (platform) {
    case Platform::tiktok: return "tiktok.com/@handle";
    case Platform::instagram: return "instagram.com/handle";
    case Platform::youtube: return "youtube.com/@handle";
    case Platform::x: return "x.com/handle";
    case Platform::facebook: return "facebook.com/handle";
    case Platform::reddit: return "reddit.com/user/handle";
    case Platform::twitch: return "twitch.tv/handle";
    case Platform::kick: return "kick.com/handle";
    case Platform::linkedin: return "linkedin.com/in/handle";
    case Platform::threads: return "threads.net/@handle";
    case Platform::snapchat: return "snapchat.com/add/handle";
  }
  return "tiktok.com/@handle";
}

bool looks_like_link(std::string_view text) {
  text = util::trim(text);
  if (util::starts_with_ignoring_case(text, "http://") || util::starts_with_ignoring_case(text, "https://") ||
      text.substr(0, 2) == "//") {
    return true;
  }
  // Not find_first_of("/?#"): it runs memchr over the set for every byte, and this runs for every
  // handle cell.
  std::size_t end = 0;
  while (end < text.size() && text[end] != '/' && text[end] != '?' && text[end] != '#') {
    ++end;
  }
  if (end == text.size()) {
    return false;
  }
  const std::string host = canonical_host(text.substr(0, end));
  return platform_of_host(host).has_value() || host == "youtu.be" || host == "vm.tiktok.com" ||
         host == "vt.tiktok.com";
}

std::string parse_profile_link(std::string_view text, Platform& platform, std::string& handle) {
  text = util::trim(text);
  if (text.empty()) {
    return "profile link is empty";
  }
  std::string_view rest = text;
  if (util::starts_with_ignoring_case(rest, "https://")) {
    rest.remove_prefix(8);
  } else if (util::starts_with_ignoring_case(rest, "http://")) {
    rest.remove_prefix(7);
  } else if (rest.substr(0, 2) == "//") {
    rest.remove_prefix(2);
  } else if (const auto scheme = rest.find("://"); scheme != std::string_view::npos && scheme < 16) {
    return "not a web link (" + quoted_excerpt(rest.substr(0, scheme + 3)) + ")";
  }
  const auto host_end = rest.find_first_of("/?#");
  const std::string host = canonical_host(rest.substr(0, host_end));
  std::string_view path;  // without query string and fragment
  if (host_end != std::string_view::npos) {
    path = rest.substr(host_end);
    path = path.substr(0, path.find_first_of("?#"));
  }

  const std::optional<Platform> found = platform_of_host(host);
  if (!found) {
    if (host == "youtu.be") {
      return "youtu.be links point to a video, not a profile (expected youtube.com/@handle)";
    }
    if (host == "vm.tiktok.com" || host == "vt.tiktok.com") {
      return "short link " + host + "/... cannot be resolved (expected tiktok.com/@handle)";
    }
    if (host.find('.') == std::string::npos) {
      return "not a profile link (expected e.g. https://www.tiktok.com/@handle)";
    }
    return "link to " + quoted_excerpt(host) + " is not a supported platform";
  }
  platform = *found;
  const std::string form(profile_link_form(platform));
  const std::string site = form.substr(0, form.find('/'));
  const Segments segments = first_segments(path);
  if (segments.count == 0) {
    return "link has no handle (expected " + form + ")";
  }
  const std::string_view first = segments.first[0];
  const std::string_view second = segments.count > 1 ? segments.first[1] : std::string_view();
  const std::string not_profile = site + "/" + quoted_excerpt(first) + " is not a profile link (expected " + form + ")";

  std::string_view raw;
  switch (platform) {
    case Platform::tiktok:
    case Platform::threads:
      if (first.size() < 2 || first.front() != '@') {
        return not_profile;
      }
      raw = first.substr(1);
      break;
    case Platform::youtube:
      if (first.size() >= 2 && first.front() == '@') {
        raw = first.substr(1);
      } else if (util::equals_ignoring_case(first, "channel")) {
        return "youtube.com/channel/... names a channel id, not a handle (expected youtube.com/@handle)";
      } else if (one_of(first, {"c", "user"})) {
        return "youtube.com/" + quoted_excerpt(first) +
               "/... is a legacy channel name, not a handle (expected youtube.com/@handle)";
      } else {
        return not_profile;
      }
      break;
    case Platform::reddit:
      if (one_of(first, {"user", "u"})) {
        if (second.empty()) {
          return "link has no handle (expected " + form + ")";
        }
        raw = second;
      } else if (util::equals_ignoring_case(first, "r")) {
        return "reddit.com/r/... is a subreddit, not a user profile (expected " + form + ")";
      } else {
        return not_profile;
      }
      break;
    case Platform::linkedin:
      if (util::equals_ignoring_case(first, "in")) {
        if (second.empty()) {
          return "link has no handle (expected " + form + ")";
        }
        raw = second;
      } else if (util::equals_ignoring_case(first, "company")) {
        return "linkedin.com/company/... is a company page, not a profile (expected " + form + ")";
      } else {
        return not_profile;
      }
      break;
    case Platform::snapchat:
      if (util::equals_ignoring_case(first, "add")) {
        if (second.empty()) {
          return "link has no handle (expected " + form + ")";
        }
        raw = strip_at(second);
      } else if (first.size() >= 2 && first.front() == '@') {
        raw = first.substr(1);
      } else {
        return not_profile;
      }
      break;
    case Platform::facebook:
      if (util::equals_ignoring_case(first, "profile.php")) {
        return "facebook.com/profile.php?id=... has no handle (expected " + form + ")";
      }
      if (one_of(first, {"pages", "groups", "watch", "events", "marketplace", "gaming", "share", "sharer",
                         "sharer.php", "people", "photo.php", "story.php", "permalink.php", "help", "hashtag",
                         "login", "reel", "videos", "photos"})) {
        return not_profile;
      }
      raw = strip_at(first);
      break;
    case Platform::instagram:
      if (one_of(first, {"p", "reel", "reels", "tv", "stories", "explore", "accounts", "direct", "about",
                         "legal", "developer"})) {
        return not_profile;
      }
      raw = strip_at(first);
      break;
    case Platform::x:
      if (one_of(first, {"home", "i", "search", "explore", "hashtag", "intent", "share", "settings", "messages",
                         "notifications", "compose", "login", "signup", "tos", "privacy", "status"})) {
        return not_profile;
      }
      raw = strip_at(first);
      break;
    case Platform::twitch:
      if (one_of(first, {"directory", "videos", "search", "settings", "p", "downloads", "jobs", "turbo",
                         "subscriptions", "inventory", "wallet", "login", "signup"})) {
        return not_profile;
      }
      raw = strip_at(first);
      break;
    case Platform::kick:
      if (one_of(first, {"categories", "browse", "search", "following", "signup", "login", "video"})) {
        return not_profile;
      }
      raw = strip_at(first);
      break;
  }
  if (!decode_segment(raw, handle)) {
    return "link has a malformed %-escape in the handle";
  }
  return {};
}

}  // namespace roster
