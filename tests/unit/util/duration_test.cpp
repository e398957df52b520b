#include <doctest/doctest.h>

#include <string>
#include <string_view>

#include "util/duration.hpp"

using namespace std::chrono_literals;

TEST_SUITE("util::parse_duration") {
  TEST_CASE("parse_duration: the contract's forms") {
    CHECK(util::parse_duration("250ms") == util::Duration(250));
    CHECK(util::parse_duration("45s") == util::Duration(45s));
    CHECK(util::parse_duration("5m") == util::Duration(5min));
    CHECK(util::parse_duration("1h30m") == util::Duration(90min));
    CHECK(util::parse_duration("0s") == util::Duration(0));
  }
  TEST_CASE("parse_duration: rejects what is not a duration") {
    CHECK_FALSE(util::parse_duration(""));
    CHECK_FALSE(util::parse_duration("-5s"));
    CHECK_FALSE(util::parse_duration("5d"));
    CHECK_FALSE(util::parse_duration("1h30"));
    CHECK_FALSE(util::parse_duration("90"));  // no unit: 90 seconds or 90 minutes?
    CHECK_FALSE(util::parse_duration("m"));
    CHECK_FALSE(util::parse_duration("1.5s"));
    CHECK_FALSE(util::parse_duration("99999999999999999h"));
  }
  TEST_CASE("parse_duration: parts that each fit but sum past 2^63 ms are refused, not wrapped") {
    // Found by fuzz.durations (UBSan: signed overflow): 1,001 parts of the largest hour count.
    std::string text;
    for (int i = 0; i < 1001; ++i) {
      text += "2562047788h";
    }
    CHECK_FALSE(util::parse_duration(text));
    text.resize(1000 * std::string_view("2562047788h").size());
    CHECK(util::parse_duration(text) == util::Duration(1000 * 2562047788LL * 3'600'000));
  }
  TEST_CASE("parse_duration: one part whose product is past 2^63 ms is refused, not wrapped") {
    // Found by fuzz.durations: the digit loop let 2562047788018 through, and times 3,600,000 it
    // overflowed before the sum was checked.
    CHECK(util::parse_duration("2562047788015h") == util::Duration(2562047788015LL * 3'600'000));
    CHECK_FALSE(util::parse_duration("2562047788016h"));
    CHECK_FALSE(util::parse_duration("2562047788018h"));
    CHECK(util::parse_duration("775807ms2562047788015h") == util::Duration::max());
    CHECK_FALSE(util::parse_duration("775808ms2562047788015h"));
  }
  TEST_CASE("format_duration: reads back") {
    CHECK(util::format_duration(90min) == "1h30m");
    CHECK(util::format_duration(250ms) == "250ms");
    CHECK(util::format_duration(0ms) == "0s");
    // The most negative count has no positive counterpart (fuzz.durations, UBSan).
    CHECK(util::format_duration(util::Duration::min()) == "-2562047788015h12m55s808ms");
    CHECK(util::format_duration(util::Duration::max()) == "2562047788015h12m55s807ms");
    for (const char* text : {"1h", "1h1m1s1ms", "59s", "2m5s"}) {
      CHECK(util::format_duration(*util::parse_duration(text)) == text);
    }
  }

  TEST_CASE("format_whole_seconds: drops the milliseconds, rounding down") {
    CHECK(util::format_whole_seconds(3'905'999ms) == "1h5m5s");
    CHECK(util::format_whole_seconds(999ms) == "0s");
    CHECK(util::format_whole_seconds(60'001ms) == "1m");
    CHECK(util::format_whole_seconds(-1500ms) == "-2s");  // down, not toward zero
  }
}
