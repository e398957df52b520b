#include <doctest/doctest.h>

#include <filesystem>
#include <string>

#include "roster/roster.hpp"

using core::Platform;

namespace {

// samples/ beside tests/: CMake compiles with absolute source paths, so __FILE__ finds it.
std::string sample(const char* name) {
  return (std::filesystem::path(__FILE__).parent_path() / "../../../samples" / name).lexically_normal().string();
}

roster::RosterIndex index_sample(const char* name) {
  auto index = roster::index_roster(sample(name), {});
  REQUIRE_MESSAGE(index.has_value(), (index.has_value() ? "" : index.error().message));
  return std::move(*index);
}

}  // namespace

TEST_SUITE("roster::samples") {
  TEST_CASE("index_roster: samples/roster.csv, long layout") {
    const auto index = index_sample("roster.csv");
    CHECK(index.layout == roster::Layout::long_form);
    CHECK(index.rows == 25u);
    CHECK(index.invalid_rows == 1u);
    CHECK(index.duplicate_lookups == 2u);  // AvaMakes in other case, DevBuilds on X
    CHECK(index.lookups.size() == 22u);
    REQUIRE(index.first_invalid.size() == 1u);
    CHECK(index.first_invalid[0].line == 18u);
    CHECK(index.first_invalid[0].reason == "handle contains a space");
    CHECK(index.lookups.at(*index.find(Platform::x, "devbuilds")).rows() == 2u);
  }

  TEST_CASE("index_roster: samples/roster-url.csv, url layout") {
    const auto index = index_sample("roster-url.csv");
    CHECK(index.layout == roster::Layout::url);
    CHECK(index.rows == 14u);
    CHECK(index.invalid_rows == 1u);
    CHECK(index.duplicate_lookups == 2u);
    CHECK(index.lookups.size() == 11u);
    CHECK(index.first_invalid.at(0).reason ==
          "youtube.com/channel/... names a channel id, not a handle (expected youtube.com/@handle)");
  }

  TEST_CASE("index_roster: samples/roster-wide.csv, wide layout") {
    const auto index = index_sample("roster-wide.csv");
    CHECK(index.layout == roster::Layout::wide);
    CHECK(index.wide_columns.size() == 5u);
    CHECK(index.rows == 7u);
    CHECK(index.invalid_rows == 2u);  // a link in the wrong column; no handle at all
    CHECK(index.lookups.size() == 10u);
    CHECK(index.duplicate_lookups == 1u);
  }

  TEST_CASE("index_roster: samples/roster-semicolon.csv, BOM, CRLF and ;") {
    const auto index = index_sample("roster-semicolon.csv");
    CHECK(index.delimiter == ';');
    CHECK(index.header.at(0) == "Name");
    CHECK(index.rows == 6u);
    CHECK(index.lookups.size() == 5u);
    CHECK(index.invalid_rows == 0u);
  }
}
