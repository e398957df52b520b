#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "roster/handle.hpp"
#include "roster/profile_url.hpp"
#include "util/text.hpp"

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

  TEST_CASE("handle_problem: each ASCII byte alone and inside handles of 100 and 101 characters") {
    for (unsigned byte = 0; byte < 0x80; ++byte) {
      const char c = static_cast<char>(byte);
      CAPTURE(byte);
      std::string expected;
      if (c == ' ' || c == '\t') {
        expected = "handle contains a space";
      } else if (c == '/' || c == '\\') {
        expected = "handle contains a slash";
      } else if (byte < 0x20 || byte == 0x7F) {
        expected = "handle contains a control character";
      }
      CHECK(roster::handle_problem(std::string(1, c)) == expected);
      std::string hundred(100, 'a');
      hundred[57] = c;
      CHECK(roster::handle_problem(hundred) == expected);
      hundred += c;  // 101 characters: too long, unless an earlier check fails first
      CHECK(roster::handle_problem(hundred) == (expected.empty() ? "handle is longer than 100 characters" : expected));
    }
  }

  TEST_CASE("is_plain_handle: only for handles that are valid and not links, whatever the byte") {
    std::size_t plain_bytes = 0;
    for (unsigned byte = 0; byte < 256; ++byte) {
      CAPTURE(byte);
      for (const std::size_t length : {1, 2, 7, 8, 9, 15, 16, 17, 31, 32, 33, 100, 101}) {
        std::string handle(length, 'A');
        handle[length / 2] = static_cast<char>(byte);
        if (roster::is_plain_handle(handle)) {
          CHECK(roster::handle_problem(handle) == "");
          CHECK_FALSE(roster::looks_like_link(handle));
          CHECK(length <= 100u);
          plain_bytes += length == 1 ? 1 : 0;
        }
      }
    }
    CHECK(plain_bytes == 0x7E - 0x21 + 1 - 4);  // printable ASCII but / \ ? #
    CHECK(roster::is_plain_handle("the.real_name-1"));
    CHECK(roster::is_plain_handle("x.com"));  // a link needs a / after the host
    CHECK_FALSE(roster::is_plain_handle(""));
    CHECK_FALSE(roster::is_plain_handle("caf\xC3\xA9"));  // valid, but not plain ASCII
    CHECK_FALSE(roster::is_plain_handle("x.com/ann"));
    CHECK_FALSE(roster::is_plain_handle("ann?ref=1"));
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
    CHECK_FALSE(roster::platform_from_cell("tiktoks"));
    CHECK_FALSE(roster::platform_from_cell("instagraminstagram"));  // longer than any name
    CHECK(roster::platform_from_cell("  \tTWITTER\r ") == Platform::x);
    for (const Platform platform : core::k_all_platforms) {
      CHECK(roster::platform_from_cell(core::platform_name(platform)) == platform);
    }
  }

  TEST_CASE("platform_from_cell: what parse_platform says of the trimmed cell, for near misses too") {
    // Every name and `twitter` in three cases, cut short, one byte longer (a letter, NUL, UTF-8),
    // one byte changed, padded to 16 and 17 bytes: compared as words, none may match by accident.
    std::vector<std::string> names = {"twitter"};
    for (const Platform platform : core::k_all_platforms) {
      names.emplace_back(core::platform_name(platform));
    }
    std::size_t matched = 0;
    for (const std::string& name : names) {
      std::string upper = name;
      for (char& c : upper) {
        c = static_cast<char>(c - 'a' + 'A');
      }
      std::string mixed = name;
      mixed[0] = upper[0];
      for (const std::string& spelling : {name, upper, mixed}) {
        std::vector<std::string> cells = {spelling, spelling.substr(0, spelling.size() - 1), spelling + "s",
                                          spelling + std::string(1, '\0'), spelling + "\xc3\xa9",
                                          std::string(1, '\0') + spelling, " " + spelling + "\t",
                                          spelling + std::string(16 - spelling.size(), ' '),
                                          spelling + std::string(17 - spelling.size(), 'a')};
        for (std::size_t i = 0; i < spelling.size(); ++i) {
          for (const char other : {'\0', '_', '[', '@', '\x80'}) {
            std::string changed = spelling;
            changed[i] = other;
            cells.push_back(changed);
          }
        }
        for (const std::string& cell : cells) {
          CAPTURE(cell);
          const auto expected = core::parse_platform(util::trim(cell));
          CHECK(roster::platform_from_cell(cell) == expected);
          matched += expected ? 1 : 0;
        }
      }
    }
    CHECK(matched == names.size() * 3 * 3);  // each spelling, trimmed or padded with spaces
  }

  TEST_CASE("quoted_excerpt: 40 characters, control characters as ?, then ...") {
    CHECK(roster::quoted_excerpt("myspace") == "myspace");
    CHECK(roster::quoted_excerpt("a\tb\x7f\n") == "a?b??");
    CHECK(roster::quoted_excerpt(std::string(40, 'x')) == std::string(40, 'x'));
    CHECK(roster::quoted_excerpt(std::string(41, 'x')) == std::string(40, 'x') + "...");
    CHECK(roster::quoted_excerpt("") == "");
  }
}
