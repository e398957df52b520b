#include <doctest/doctest.h>

#include <filesystem>

#include "state/state_path.hpp"

using state::StateDirectories;

TEST_SUITE("state::state_path") {
  TEST_CASE("fnv1a_64: the published test vectors") {
    CHECK(state::fnv1a_64_hex("") == "cbf29ce484222325");
    CHECK(state::fnv1a_64_hex("a") == "af63dc4c8601ec8c");
    CHECK(state::fnv1a_64_hex("foobar") == "85944171f73967e8");
  }

  TEST_CASE("default_state_path: XDG_STATE_HOME, the roster's basename and a hash of path and URL") {
    const auto path = state::default_state_path("/data/Agency Roster (v2).csv", "https://creatorscore.io",
                                                StateDirectories{"/xdg", "/home/u"});
    REQUIRE(path.has_value());
    CHECK(*path == "/xdg/roster-enrich/Agency_Roster__v2_.csv-" +
                       state::fnv1a_64_hex("/data/Agency Roster (v2).csv\nhttps://creatorscore.io") + ".db");
  }

  TEST_CASE("default_state_path: falls back to ~/.local/state; a relative XDG_STATE_HOME is ignored") {
    const auto from_home =
        state::default_state_path("/r.csv", "https://creatorscore.io", StateDirectories{"", "/home/u"});
    const auto relative_xdg =
        state::default_state_path("/r.csv", "https://creatorscore.io", StateDirectories{"state", "/home/u"});
    REQUIRE(from_home.has_value());
    REQUIRE(relative_xdg.has_value());
    CHECK(from_home->rfind("/home/u/.local/state/roster-enrich/r.csv-", 0) == 0);
    CHECK(*relative_xdg == *from_home);
  }

  TEST_CASE("default_state_path: neither variable set is an error") {
    const auto path = state::default_state_path("/r.csv", "https://x", StateDirectories{"", ""});
    REQUIRE_FALSE(path.has_value());
    CHECK(path.error() ==
          "cannot choose a state file: neither XDG_STATE_HOME nor HOME names an absolute directory; set one or pass "
          "--state FILE");
  }

  TEST_CASE("default_state_path: relative rosters are made absolute; URL and path both matter") {
    const StateDirectories dirs{"/xdg", ""};
    const auto relative = state::default_state_path("sub/../r.csv", "https://a", dirs);
    const auto absolute =
        state::default_state_path((std::filesystem::current_path() / "r.csv").string(), "https://a", dirs);
    const auto other_url = state::default_state_path("r.csv", "http://127.0.0.1:8080", dirs);
    const auto other_dir = state::default_state_path("/elsewhere/r.csv", "https://a", dirs);
    CHECK(*relative == *absolute);
    CHECK(*other_url != *absolute);
    CHECK(*other_dir != *absolute);
  }

  TEST_CASE("default_state_path: standard input is named stdin") {
    const auto path = state::default_state_path("-", "https://creatorscore.io", StateDirectories{"/xdg", ""});
    CHECK(*path == "/xdg/roster-enrich/stdin-" + state::fnv1a_64_hex("<stdin>\nhttps://creatorscore.io") + ".db");
  }

  TEST_CASE("default_state_path: a spooled roster is known by its content, not its name") {
    const StateDirectories dirs{"/xdg", ""};
    const std::string url = "https://creatorscore.io";
    const auto first = state::default_state_path("-", url, dirs, "00000000000000aa");
    const auto again = state::default_state_path("-", url, dirs, "00000000000000aa");
    const auto other = state::default_state_path("-", url, dirs, "00000000000000bb");
    const auto other_api = state::default_state_path("-", "http://127.0.0.1:9", dirs, "00000000000000aa");
    const auto pipe = state::default_state_path("/dev/fd/63", url, dirs, "00000000000000aa");
    const auto nameless = state::default_state_path("-", url, dirs);
    REQUIRE((first && again && other && other_api && pipe && nameless));
    CHECK(*first == "/xdg/roster-enrich/stdin-" + state::fnv1a_64_hex("<content 00000000000000aa>\n" + url) + ".db");
    CHECK(*again == *first);        // the same roster piped again resumes its run
    CHECK(*other != *first);        // another roster through standard input gets its own file
    CHECK(*other_api != *first);    // and so does the same one against another API
    CHECK(*nameless != *first);
    CHECK(*pipe == "/xdg/roster-enrich/63-" + state::fnv1a_64_hex("<content 00000000000000aa>\n" + url) + ".db");
  }
}
