#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "util/text.hpp"

TEST_SUITE("util::text") {
  TEST_CASE("percent_decode: escapes in either case, plus as space only in query strings") {
    CHECK(util::percent_decode("Foo%20bar%2f") == "Foo bar/");
    CHECK(util::percent_decode("%C3%A9t%c3%a9") == "\xC3\xA9t\xC3\xA9");
    CHECK(util::percent_decode("a+b") == "a+b");
    CHECK(util::percent_decode("a+b", true) == "a b");
    CHECK(util::percent_decode("") == "");
  }

  TEST_CASE("percent_encode: all but unreserved characters and `keep`, and percent_decode undoes it") {
    CHECK(util::percent_encode("Az09-._~") == "Az09-._~");
    CHECK(util::percent_encode("a b/c?d#e%f+g") == "a%20b%2Fc%3Fd%23e%25f%2Bg");
    CHECK(util::percent_encode("/jobs/a b", "/") == "/jobs/a%20b");
    CHECK(util::percent_encode(std::string_view("\xC3\xA9\x00\xFF", 4)) == "%C3%A9%00%FF");
    CHECK(util::percent_encode("") == "");
    std::string every_byte;
    for (int byte = 0; byte < 256; ++byte) {
      every_byte += static_cast<char>(byte);
    }
    CHECK(util::percent_decode(util::percent_encode(every_byte)) == every_byte);
    CHECK(util::percent_decode(util::percent_encode(every_byte, "/?&=")) == every_byte);
  }

  TEST_CASE("percent_decode: a % without two hex digits is malformed") {
    CHECK_FALSE(util::percent_decode("a%zz"));
    CHECK_FALSE(util::percent_decode("a%4"));
    CHECK_FALSE(util::percent_decode("%"));
    CHECK_FALSE(util::percent_decode("ok%2"));
  }

  TEST_CASE("case-insensitive comparisons are ASCII only and exact in length") {
    CHECK(util::equals_ignoring_case("TikTok", "tiktok"));
    CHECK(util::equals_ignoring_case("tiktok", "TIKTOK"));
    CHECK_FALSE(util::equals_ignoring_case("tiktok", "tiktoks"));
    CHECK_FALSE(util::equals_ignoring_case("\xC3\x89", "\xC3\xA9"));  // É and é: not ASCII, not folded
    CHECK(util::starts_with_ignoring_case("HTTPS://x.com", "https://"));
    CHECK_FALSE(util::starts_with_ignoring_case("http", "https://"));
    CHECK(util::starts_with_ignoring_case("anything", ""));
  }

  TEST_CASE("one_line: line breaks and control characters become spaces; long text is cut at a character") {
    CHECK(util::one_line("malformed schema (lookups) - \"CREATE TABLE x (\n  a INT,\r\n\tb)\"") ==
          "malformed schema (lookups) - \"CREATE TABLE x (   a INT,   b)\"");
    CHECK(util::one_line(std::string("a\0b\x7f", 4)) == "a b ");
    CHECK(util::one_line("abcdef", 3) == "abc...");
    CHECK(util::one_line("ab\xC3\xA9", 3) == "ab...");  // é is not split in half
    CHECK(util::one_line("short", 300) == "short");
  }
}
