#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "roster/layout.hpp"

using core::ExitCode;
using core::Platform;
using roster::Layout;

namespace {

roster::ColumnMap map_ok(const std::vector<std::string>& header, const roster::Options& options = {}) {
  auto map = roster::map_columns(header, options);
  REQUIRE_MESSAGE(map.has_value(), (map.has_value() ? "" : map.error().message));
  return *map;
}

roster::RosterError map_error(const std::vector<std::string>& header, const roster::Options& options = {}) {
  auto map = roster::map_columns(header, options);
  REQUIRE_FALSE(map.has_value());
  return map.error();
}

}  // namespace

TEST_SUITE("roster::layout") {
  TEST_CASE("header_key: case, spaces, underscores and hyphens ignored") {
    CHECK(roster::header_key("Profile URL") == "profileurl");
    CHECK(roster::header_key("profile_url") == "profileurl");
    CHECK(roster::header_key(" PROFILE-Url ") == "profileurl");
    CHECK(roster::header_key("User Name") == "username");
    CHECK(roster::header_key("") == "");
  }

  TEST_CASE("map_columns: long layout from every platform and handle column name") {
    for (const char* platform : {"platform", "Network", "CHANNEL", " Platform "}) {
      for (const char* handle : {"handle", "User Name", "user", "Account", "user_name", "user-name"}) {
        CAPTURE(platform);
        CAPTURE(handle);
        const auto map = map_ok({"Name", platform, "Agent", handle});
        CHECK(map.layout == Layout::long_form);
        CHECK(map.platform_column == 1u);
        CHECK(map.handle_column == 3u);
      }
    }
  }

  TEST_CASE("map_columns: url layout from every link column name") {
    for (const char* url : {"url", "Profile URL", "profile_url", "profile", "LINK", "profile-url"}) {
      CAPTURE(url);
      const auto map = map_ok({"Name", url, "Notes"});
      CHECK(map.layout == Layout::url);
      CHECK(map.url_column == 1u);
    }
  }

  TEST_CASE("map_columns: wide layout, one column per platform, twitter and x both x") {
    const auto map = map_ok({"Name", "TikTok", "Instagram", "YouTube", "Twitter", "x", "Facebook", "Reddit", "Twitch",
                             "Kick", "LinkedIn", "Threads", "Snapchat", "Notes"});
    CHECK(map.layout == Layout::wide);
    REQUIRE(map.wide.size() == 12u);
    CHECK(map.wide[0] == std::pair<std::size_t, Platform>{1, Platform::tiktok});
    CHECK(map.wide[3] == std::pair<std::size_t, Platform>{4, Platform::x});
    CHECK(map.wide[4] == std::pair<std::size_t, Platform>{5, Platform::x});
    CHECK(map.wide[11] == std::pair<std::size_t, Platform>{12, Platform::snapchat});
  }

  TEST_CASE("map_columns: long wins over url, url over wide; leftmost column of a kind") {
    CHECK(map_ok({"platform", "handle", "url", "tiktok"}).layout == Layout::long_form);
    CHECK(map_ok({"url", "tiktok"}).layout == Layout::url);
    CHECK(map_ok({"handle", "username", "platform"}).handle_column == 0u);
    CHECK(map_ok({"link", "url"}).url_column == 0u);
  }

  TEST_CASE("map_columns: forced columns and --platform") {
    roster::Options options;
    options.handle_column = "Creator";
    options.platform_column = "Site";
    auto map = map_ok({"Site", "Creator", "handle"}, options);
    CHECK(map.layout == Layout::long_form);
    CHECK(map.platform_column == 0u);
    CHECK(map.handle_column == 1u);

    roster::Options url;
    url.url_column = "Where";
    map = map_ok({"platform", "handle", "WHERE"}, url);
    CHECK(map.layout == Layout::url);
    CHECK(map.url_column == 2u);

    roster::Options fixed;
    fixed.platform = Platform::tiktok;
    map = map_ok({"Name", "handle"}, fixed);
    CHECK(map.layout == Layout::long_form);
    CHECK_FALSE(map.platform_column);
    CHECK(map.fixed_platform == Platform::tiktok);

    map = map_ok({"Name", "platform", "handle"}, fixed);
    CHECK_FALSE(map.platform_column);  // --platform wins over the column

    map = map_ok({"Name", "TikTok", "Instagram"}, fixed);
    CHECK(map.layout == Layout::wide);
    REQUIRE(map.wide.size() == 1u);
    CHECK(map.wide[0].second == Platform::tiktok);

    map = map_ok({"Name", "url"}, fixed);
    CHECK(map.layout == Layout::url);
    CHECK(map.fixed_platform == Platform::tiktok);
  }

  TEST_CASE("map_columns: a forced column the header lacks is a usage error") {
    roster::Options options;
    options.handle_column = "Creator";
    auto error = map_error({"platform", "handle"}, options);
    CHECK(error.code == ExitCode::usage);
    CHECK(error.message == "--handle-column `Creator`: no such column (found: `platform`, `handle`)");

    roster::Options url;
    url.url_column = "nope";
    error = map_error({"a"}, url);
    CHECK(error.code == ExitCode::usage);
    CHECK(error.message == "--url-column `nope`: no such column (found: `a`)");

    roster::Options both;
    both.url_column = "url";
    both.handle_column = "handle";
    CHECK(map_error({"url", "handle"}, both).message ==
          "give either --url-column or --handle-column/--platform-column, not both");

    roster::Options platform_twice;
    platform_twice.platform_column = "platform";
    platform_twice.platform = Platform::x;
    CHECK(map_error({"platform", "handle"}, platform_twice).message ==
          "give either --platform-column or --platform, not both");
  }

  TEST_CASE("map_columns: no usable column names what was found and what is expected") {
    auto error = map_error({"Name", "Email", "Followers"});
    CHECK(error.code == ExitCode::roster_unusable);
    CHECK(error.message ==
          "no usable column (found: `Name`, `Email`, `Followers`); expected a platform column (platform, network, "
          "channel) with a handle column (handle, username, user, account), a link column (url, profile_url, "
          "profile, link), or one column per platform (tiktok, instagram, youtube, x, twitter, facebook, reddit, "
          "twitch, kick, linkedin, threads, snapchat)");

    CHECK(map_error({"Name", "Handle"}).message ==
          "found a handle column (`Handle`) but no platform column (platform, network, channel); add one, or give "
          "--platform for every row");
    CHECK(map_error({"Name", "Platform"}).message ==
          "found a platform column (`Platform`) but no handle column (handle, username, user, account)");

    roster::Options forced;
    forced.handle_column = "Name";
    CHECK(map_error({"Name", "Email"}, forced).message ==
          "no platform column (platform, network, channel) next to the handle column; found: `Name`, `Email` "
          "(choose one with --platform-column, or give --platform for every row)");
  }

  TEST_CASE("map_columns: a first line of data is not a header") {
    CHECK(map_error({"Jane", "https://www.tiktok.com/@jane"}).message ==
          "no header row: line 1 holds data (`https://www.tiktok.com/@jane`); add a header such as "
          "`platform,handle` or `url`");
    CHECK(map_error({"Jane", "@jane"}).message ==
          "no header row: line 1 holds data (`@jane`); add a header such as `platform,handle` or `url`");
  }

  TEST_CASE("describe_columns: control characters replaced, long lists cut") {
    CHECK(roster::describe_columns({"a\nb", "c"}) == "`a?b`, `c`");
    std::vector<std::string> many(25, "c");
    CHECK(roster::describe_columns(many).find(" and 5 more") != std::string::npos);
    CHECK(roster::describe_columns({std::string(50, 'n')}) == "`" + std::string(40, 'n') + "...`");
  }
}
