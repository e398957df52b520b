#include <doctest/doctest.h>

#include <string>

#include "roster/handle.hpp"

using core::Platform;

TEST_SUITE("roster::handle") {
  TEST_CASE("strip_handle: trims and drops one leading @") {
    const struct {
      const char* cell;
      const char* handle;
    } cases[] = {
        {"charli", "charli"},      {"  charli\t", "charli"}, {"@charli", "charli"}, {" @charli ", "charli"},
        {"@ charli", "charli"},    {"@@charli", "@charli"},  {"", ""},              {"   ", ""},
        {"@", ""},                 {"Char@li", "Char@li"},   {"\r\nCharli\r\n", "Charli"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.cell);
      CHECK(roster::strip_handle(c.cell) == c.handle);
    }
  }

  TEST_CASE("handle_problem: every rejection reason, exactly") {
    const std::string hundred(100, 'a');
    const std::string hundred_and_one(101, 'a');
    std::string hundred_accented;
    for (int i = 0; i < 100; ++i) {
      hundred_accented += "\xC3\xA9";  // 100 characters, 200 bytes
    }
    const struct {
      std::string handle;
      const char* reason;
    } cases[] = {
        {"charli", ""},
        {"the.real_name-1", ""},
        {"caf\xC3\xA9", ""},
        {hundred, ""},
        {hundred_accented, ""},
        {"", "handle is empty"},
        {"char li", "handle contains a space"},
        {"char\tli", "handle contains a space"},
        {"char\xC2\xA0li", "handle contains a space"},
        {"char/li", "handle contains a slash"},
        {"char\\li", "handle contains a slash"},
        {"char\nli", "handle contains a control character"},
        {std::string("char\0li", 7), "handle contains a control character"},
        {"char\x7Fli", "handle contains a control character"},
        {"char\xC2\x85li", "handle contains a control character"},
        {hundred_and_one, "handle is longer than 100 characters"},
    };
    for (const auto& c : cases) {
      CAPTURE(c.handle);
      CHECK(roster::handle_problem(c.handle) == c.reason);
    }
  }

  TEST_CASE("platform_from_cell: trimmed, case-insensitive, twitter is x") {
    CHECK(roster::platform_from_cell("tiktok") == Platform::tiktok);
    CHECK(roster::platform_from_cell(" TikTok ") == Platform::tiktok);
    CHECK(roster::platform_from_cell("INSTAGRAM") == Platform::instagram);
    CHECK(roster::platform_from_cell("Twitter") == Platform::x);
    CHECK(roster::platform_from_cell("x") == Platform::x);
    CHECK(roster::platform_from_cell("X") == Platform::x);
    CHECK_FALSE(roster::platform_from_cell("myspace"));
    CHECK_FALSE(roster::platform_from_cell(""));
    CHECK_FALSE(roster::platform_from_cell("tik tok"));
    for (const Platform platform : core::k_all_platforms) {
      CHECK(roster::platform_from_cell(core::platform_name(platform)) == platform);
    }
  }
}
