#include <doctest/doctest.h>

#include "util/text.hpp"

TEST_SUITE("util::text") {
  TEST_CASE("percent_decode: escapes in either case, plus as space only in query strings") {
    CHECK(util::percent_decode("Foo%20bar%2f") == "Foo bar/");
    CHECK(util::percent_decode("%C3%A9t%c3%a9") == "\xC3\xA9t\xC3\xA9");
    CHECK(util::percent_decode("a+b") == "a+b");
    CHECK(util::percent_decode("a+b", true) == "a b");
    CHECK(util::percent_decode("") == "");
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
}
