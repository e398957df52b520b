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
        {"char\xC2\xA0li", "handle contains a space U+00A0"},
        {"char/li", "handle contains a slash"},
        {"char\\li", "handle contains a slash"},
        {"char\nli", "handle contains a control character"},
        {std::string("char\0li", 7), "handle contains a control character"},
        {"char\x7Fli", "handle contains a control character"},
        {"char\xC2\x85li", "handle contains a control character U+0085"},
        {".", "handle is only dots"},
        {"..", "handle is only dots"},
        {"\xE2\x80\x8B", "handle contains an invisible character U+200B"},
        {"char\xE3\x80\x80li", "handle contains a space U+3000"},
        {"\xC3", "handle is not valid UTF-8"},
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
      CHECK(roster::handle_problem(std::string(1, c)) == (c == '.' ? "handle is only dots" : expected));
      std::string hundred(100, 'a');
      hundred[57] = c;
      CHECK(roster::handle_problem(hundred) == expected);
      hundred += c;  // 101 characters: too long, unless an earlier check fails first
      CHECK(roster::handle_problem(hundred) == (expected.empty() ? "handle is longer than 100 characters" : expected));
    }
  }

  TEST_CASE("handle_problem: handles of dots alone are path steps, refused; dots among other characters are not") {
    for (const char* handle : {".", "..", "...", "....", "..........."}) {
      CAPTURE(handle);
      CHECK(roster::handle_problem(handle) == "handle is only dots");
      CHECK_FALSE(roster::is_plain_handle(handle));
    }
    CHECK(roster::handle_problem(std::string(101, '.')) == "handle is only dots");
    for (const char* handle : {".a", "a.", "a..b", "..a", "the.real.name", "._.", "_..", "...-"}) {
      CAPTURE(handle);
      CHECK(roster::handle_problem(handle) == "");
      CHECK(roster::is_plain_handle(handle));
    }
    CHECK(roster::strip_handle("@..") == "..");  // `@..` is `..` once stripped
  }

  TEST_CASE("handle_problem: spaces, line breaks, format and control characters past ASCII, alone or inside") {
    // Each alone, first, inside and last: refused with the code point named, as the ASCII space and
    // control characters are.
    const struct {
      const char* utf8;
      const char* reason;
    } refused[] = {
        {"\xC2\x80", "handle contains a control character U+0080"},
        {"\xC2\x9F", "handle contains a control character U+009F"},
        {"\xC2\xA0", "handle contains a space U+00A0"},
        {"\xC2\xAD", "handle contains an invisible character U+00AD"},   // soft hyphen
        {"\xCD\x8F", "handle contains an invisible character U+034F"},   // combining grapheme joiner
        {"\xD8\x9C", "handle contains an invisible character U+061C"},   // Arabic letter mark
        {"\xE1\x85\x9F", "handle contains an invisible character U+115F"},  // Hangul choseong filler
        {"\xE1\x9A\x80", "handle contains a space U+1680"},
        {"\xE1\xA0\x8E", "handle contains an invisible character U+180E"},
        {"\xE2\x80\x80", "handle contains a space U+2000"},
        {"\xE2\x80\x8A", "handle contains a space U+200A"},
        {"\xE2\x80\x8B", "handle contains an invisible character U+200B"},  // zero-width space
        {"\xE2\x80\x8C", "handle contains an invisible character U+200C"},
        {"\xE2\x80\x8D", "handle contains an invisible character U+200D"},
        {"\xE2\x80\x8E", "handle contains an invisible character U+200E"},
        {"\xE2\x80\x8F", "handle contains an invisible character U+200F"},
        {"\xE2\x80\xA8", "handle contains a line break U+2028"},
        {"\xE2\x80\xA9", "handle contains a line break U+2029"},
        {"\xE2\x80\xAA", "handle contains an invisible character U+202A"},
        {"\xE2\x80\xAE", "handle contains an invisible character U+202E"},  // right-to-left override
        {"\xE2\x80\xAF", "handle contains a space U+202F"},
        {"\xE2\x81\x9F", "handle contains a space U+205F"},
        {"\xE2\x81\xA0", "handle contains an invisible character U+2060"},  // word joiner
        {"\xE2\x81\xA4", "handle contains an invisible character U+2064"},
        {"\xE2\x81\xA6", "handle contains an invisible character U+2066"},
        {"\xE2\x81\xA9", "handle contains an invisible character U+2069"},
        {"\xE2\x81\xAF", "handle contains an invisible character U+206F"},
        {"\xE2\xA0\x80", "handle contains an invisible character U+2800"},  // Braille blank
        {"\xE3\x80\x80", "handle contains a space U+3000"},                 // ideographic space
        {"\xE3\x85\xA4", "handle contains an invisible character U+3164"},  // Hangul filler
        {"\xEF\xB8\x8F", "handle contains an invisible character U+FE0F"},  // variation selector 16
        {"\xEF\xBB\xBF", "handle contains an invisible character U+FEFF"},  // byte order mark
        {"\xEF\xBE\xA0", "handle contains an invisible character U+FFA0"},
        {"\xEF\xBF\xB9", "handle contains an invisible character U+FFF9"},
        {"\xF0\x9B\xB2\xA0", "handle contains an invisible character U+1BCA0"},
        {"\xF0\x9D\x85\xB3", "handle contains an invisible character U+1D173"},
        {"\xF3\xA0\x80\x81", "handle contains an invisible character U+E0001"},  // language tag
        {"\xF3\xA0\x87\xAF", "handle contains an invisible character U+E01EF"},
    };
    for (const auto& c : refused) {
      const std::string character = c.utf8;
      CAPTURE(character);
      CHECK(roster::handle_problem(character) == c.reason);
      CHECK(roster::handle_problem(character + "alice") == c.reason);
      CHECK(roster::handle_problem("ali" + character + "ce") == c.reason);
      CHECK(roster::handle_problem("alice" + character) == c.reason);
      CHECK(roster::handle_problem("caf\xC3\xA9" + character) == c.reason);
      CHECK_FALSE(roster::is_plain_handle("alice" + character));
    }
    // Letters and symbols of other scripts, and the neighbours of the refused ranges, stay valid.
    for (const char* handle : {"caf\xC3\xA9", "\xC3\x9F", "\xD0\xB0\xD0\xBD\xD1\x8F",  // é, ß, аня
                               "\xE6\x97\xA5\xE6\x9C\xAC", "\xC2\xA1", "\xC2\xAC", "\xC2\xAE",  // 日本, ¡ ¬ ®
                               "\xE2\x80\x90", "\xE2\x80\xA7", "\xE2\x80\xB0", "\xE2\x81\x9E",  // ‐ ‧ ‰ ⁞
                               "\xE2\xA0\x81", "\xE3\x80\x81", "\xEF\xB8\x90", "\xEF\xBB\xBE",
                               "\xF0\x9F\x98\x80"}) {  // 😀
      CAPTURE(std::string(handle));
      CHECK(roster::handle_problem(handle) == "");
    }
  }

  TEST_CASE("handle_problem: bytes that are not UTF-8 (lookup's HANDLE; a roster is checked as it is read)") {
    for (const std::string handle : {"\xC3", "ann\xC3", "\xE2\x80", "\xC0\xAF", "\xED\xA0\x80", "\xF4\x90\x80\x80",
                                     "\xFF", "ann\x80"}) {
      CAPTURE(handle);
      CHECK(roster::handle_problem(handle) == "handle is not valid UTF-8");
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
    CHECK(plain_bytes == 0x7E - 0x21 + 1 - 5);  // printable ASCII but / \ ? #, and `.` alone
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
