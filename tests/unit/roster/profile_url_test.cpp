#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "roster/profile_url.hpp"

using core::Platform;

namespace {

struct LinkCase {
  const char* link;
  Platform platform;
  const char* handle;
};

// Every platform's profile link, in the forms rosters hold them.
const std::vector<LinkCase> k_links = {
    {"https://www.tiktok.com/@charli", Platform::tiktok, "charli"},
    {"tiktok.com/@charli", Platform::tiktok, "charli"},
    {"http://m.tiktok.com/@charli/", Platform::tiktok, "charli"},
    {"https://www.tiktok.com/@charli?lang=en#top", Platform::tiktok, "charli"},
    {"https://www.tiktok.com/@charli/video/7234", Platform::tiktok, "charli"},
    {"HTTPS://WWW.TIKTOK.COM/@Charli", Platform::tiktok, "Charli"},
    {"https://instagram.com/nasa", Platform::instagram, "nasa"},
    {"www.instagram.com/nasa/", Platform::instagram, "nasa"},
    {"https://www.instagram.com/nasa/?hl=en", Platform::instagram, "nasa"},
    {"https://m.instagram.com/nasa/reels/", Platform::instagram, "nasa"},
    {"instagram.com/the.real_name", Platform::instagram, "the.real_name"},
    {"https://www.youtube.com/@MrBeast", Platform::youtube, "MrBeast"},
    {"youtube.com/@MrBeast/videos", Platform::youtube, "MrBeast"},
    {"https://m.youtube.com/@MrBeast?si=abc", Platform::youtube, "MrBeast"},
    {"https://x.com/jack", Platform::x, "jack"},
    {"x.com/jack/status/20", Platform::x, "jack"},
    {"https://twitter.com/jack", Platform::x, "jack"},
    {"https://mobile.twitter.com/jack/", Platform::x, "jack"},
    {"http://www.twitter.com/jack?ref_src=twsrc", Platform::x, "jack"},
    {"https://www.twitch.tv/shroud", Platform::twitch, "shroud"},
    {"twitch.tv/shroud/videos", Platform::twitch, "shroud"},
    {"https://m.twitch.tv/shroud/", Platform::twitch, "shroud"},
    {"https://kick.com/xqc", Platform::kick, "xqc"},
    {"kick.com/xqc/", Platform::kick, "xqc"},
    {"https://www.reddit.com/user/spez", Platform::reddit, "spez"},
    {"https://reddit.com/u/spez/", Platform::reddit, "spez"},
    {"old.reddit.com/user/spez/comments", Platform::reddit, "spez"},
    {"https://www.linkedin.com/in/williamhgates", Platform::linkedin, "williamhgates"},
    {"linkedin.com/in/williamhgates/", Platform::linkedin, "williamhgates"},
    {"https://uk.linkedin.com/in/williamhgates?trk=x", Platform::linkedin, "williamhgates"},
    {"https://www.threads.net/@zuck", Platform::threads, "zuck"},
    {"threads.net/@zuck/", Platform::threads, "zuck"},
    {"https://www.threads.com/@zuck", Platform::threads, "zuck"},
    {"https://www.snapchat.com/add/djkhaled", Platform::snapchat, "djkhaled"},
    {"snapchat.com/add/djkhaled/?share_id=1", Platform::snapchat, "djkhaled"},
    {"https://www.snapchat.com/@djkhaled", Platform::snapchat, "djkhaled"},
    {"https://www.facebook.com/zuck", Platform::facebook, "zuck"},
    {"https://m.facebook.com/zuck/", Platform::facebook, "zuck"},
    {"facebook.com/zuck?ref=bookmarks", Platform::facebook, "zuck"},
    {"https://fb.com/zuck", Platform::facebook, "zuck"},
    {"  https://www.tiktok.com/@padded  ", Platform::tiktok, "padded"},
    {"https://www.tiktok.com/@caf%C3%A9", Platform::tiktok, "caf\xC3\xA9"},
    {"//www.instagram.com/nasa", Platform::instagram, "nasa"},
    {"https://www.instagram.com:443/nasa", Platform::instagram, "nasa"},
};

struct BadLinkCase {
  const char* link;
  const char* reason;
};

const std::vector<BadLinkCase> k_bad_links = {
    {"", "profile link is empty"},
    {"   ", "profile link is empty"},
    {"charli", "not a profile link (expected e.g. https://www.tiktok.com/@handle)"},
    {"https://example.com/charli", "link to example.com is not a supported platform"},
    {"ftp://tiktok.com/@charli", "not a web link (ftp://)"},
    {"https://www.tiktok.com/", "link has no handle (expected tiktok.com/@handle)"},
    {"https://www.tiktok.com", "link has no handle (expected tiktok.com/@handle)"},
    {"https://www.tiktok.com/charli", "tiktok.com/charli is not a profile link (expected tiktok.com/@handle)"},
    {"https://www.tiktok.com/@", "tiktok.com/@ is not a profile link (expected tiktok.com/@handle)"},
    {"https://vm.tiktok.com/ZMabc/", "short link vm.tiktok.com/... cannot be resolved (expected tiktok.com/@handle)"},
    {"https://www.instagram.com/p/Cx12/", "instagram.com/p is not a profile link (expected instagram.com/handle)"},
    {"https://www.youtube.com/channel/UC123",
     "youtube.com/channel/... names a channel id, not a handle (expected youtube.com/@handle)"},
    {"https://www.youtube.com/c/MrBeast",
     "youtube.com/c/... is a legacy channel name, not a handle (expected youtube.com/@handle)"},
    {"https://www.youtube.com/user/MrBeast6000",
     "youtube.com/user/... is a legacy channel name, not a handle (expected youtube.com/@handle)"},
    {"https://www.youtube.com/watch?v=abc", "youtube.com/watch is not a profile link (expected youtube.com/@handle)"},
    {"https://youtu.be/abc", "youtu.be links point to a video, not a profile (expected youtube.com/@handle)"},
    {"https://x.com/i/lists/1", "x.com/i is not a profile link (expected x.com/handle)"},
    {"https://twitter.com/search?q=a", "x.com/search is not a profile link (expected x.com/handle)"},
    {"https://www.reddit.com/r/cpp", "reddit.com/r/... is a subreddit, not a user profile (expected reddit.com/user/handle)"},
    {"https://www.reddit.com/user/", "link has no handle (expected reddit.com/user/handle)"},
    {"https://www.linkedin.com/company/acme",
     "linkedin.com/company/... is a company page, not a profile (expected linkedin.com/in/handle)"},
    {"https://www.linkedin.com/in/", "link has no handle (expected linkedin.com/in/handle)"},
    {"https://www.threads.net/zuck", "threads.net/zuck is not a profile link (expected threads.net/@handle)"},
    {"https://www.snapchat.com/add/", "link has no handle (expected snapchat.com/add/handle)"},
    {"https://www.snapchat.com/discover/x", "snapchat.com/discover is not a profile link (expected snapchat.com/add/handle)"},
    {"https://www.facebook.com/profile.php?id=100",
     "facebook.com/profile.php?id=... has no handle (expected facebook.com/handle)"},
    {"https://www.facebook.com/groups/123", "facebook.com/groups is not a profile link (expected facebook.com/handle)"},
    {"https://www.twitch.tv/directory", "twitch.tv/directory is not a profile link (expected twitch.tv/handle)"},
    {"https://kick.com/categories", "kick.com/categories is not a profile link (expected kick.com/handle)"},
    {"https://www.tiktok.com/@a%ZZ", "link has a malformed %-escape in the handle"},
    {"https://www.tiktok.com/@a%FF", "link has a malformed %-escape in the handle"},
};

}  // namespace

TEST_SUITE("roster::parse_profile_link") {
  TEST_CASE("parse_profile_link: every platform's link forms") {
    for (const LinkCase& c : k_links) {
      CAPTURE(c.link);
      Platform platform = Platform::kick;
      std::string handle = "leftover";
      CHECK(roster::parse_profile_link(c.link, platform, handle) == "");
      CHECK(core::platform_name(platform) == core::platform_name(c.platform));
      CHECK(handle == c.handle);
      CHECK(roster::looks_like_link(c.link));
    }
  }

  TEST_CASE("parse_profile_link: links that name no profile, with their reasons") {
    for (const BadLinkCase& c : k_bad_links) {
      CAPTURE(c.link);
      Platform platform = Platform::kick;
      std::string handle;
      CHECK(roster::parse_profile_link(c.link, platform, handle) == c.reason);
    }
  }

  TEST_CASE("looks_like_link: handles are not links") {
    for (const char* handle : {"charli", "@charli", "john.doe", "john.doe/x", "", "a b", "tiktok", "x.co"}) {
      CAPTURE(handle);
      CHECK_FALSE(roster::looks_like_link(handle));
    }
    for (const char* link : {"https://anything.example", "http://x", "//x.com/a", "www.tiktok.com/@a", "x.com/jack",
                             "youtu.be/abc", "vm.tiktok.com/Z"}) {
      CAPTURE(link);
      CHECK(roster::looks_like_link(link));
    }
  }

  TEST_CASE("profile_link_form: one per platform") {
    for (const Platform platform : core::k_all_platforms) {
      CHECK_FALSE(roster::profile_link_form(platform).empty());
    }
    CHECK(roster::profile_link_form(Platform::reddit) == "reddit.com/user/handle");
  }
}
