#include <doctest/doctest.h>

#include <new>
#include <stdexcept>
#include <string>
#include <system_error>

#include "core/exit_code.hpp"
#include "core/lookup_status.hpp"
#include "core/platform.hpp"

using core::ExitCode;

TEST_SUITE("core") {
  TEST_CASE("most_important: the contract's precedence 64, 66, 65, 77, 69, 73, 3, 75, 1, 0") {
    const ExitCode order[] = {ExitCode::usage,          ExitCode::roster_unreadable, ExitCode::roster_unusable,
                              ExitCode::key_rejected,   ExitCode::api_unavailable,   ExitCode::cannot_write,
                              ExitCode::out_of_credits, ExitCode::incomplete,        ExitCode::some_rows_unscored,
                              ExitCode::ok};
    for (std::size_t i = 0; i < std::size(order); ++i) {
      for (std::size_t j = i; j < std::size(order); ++j) {
        CHECK(core::most_important(order[i], order[j]) == order[i]);
        CHECK(core::most_important(order[j], order[i]) == order[i]);
      }
    }
  }
  TEST_CASE("is_out_of_resources: memory or a thread refused, not any other failure") {
    CHECK(core::is_out_of_resources(std::bad_alloc()));
    CHECK(core::is_out_of_resources(std::bad_array_new_length()));  // a kind of bad_alloc
    CHECK(core::is_out_of_resources(std::system_error(std::make_error_code(std::errc::not_enough_memory))));
    // What std::thread throws when no thread can be made (its stack cannot be mapped).
    CHECK(core::is_out_of_resources(
        std::system_error(std::make_error_code(std::errc::resource_unavailable_try_again), "thread")));
    CHECK_FALSE(
        core::is_out_of_resources(std::system_error(std::make_error_code(std::errc::permission_denied))));
    CHECK_FALSE(core::is_out_of_resources(std::length_error("vector::reserve")));
    // The type decides, not the text.
    CHECK_FALSE(core::is_out_of_resources(std::runtime_error("out of memory")));
    CHECK_FALSE(core::is_out_of_resources(core::Fatal(ExitCode::cannot_write, "cannot write x")));
  }
  TEST_CASE("parse_platform: names, case and the twitter alias") {
    CHECK(core::parse_platform("TikTok") == core::Platform::tiktok);
    CHECK(core::parse_platform("twitter") == core::Platform::x);
    CHECK(core::parse_platform("X") == core::Platform::x);
    CHECK_FALSE(core::parse_platform("myspace"));
    CHECK_FALSE(core::parse_platform(""));
    for (core::Platform p : core::k_all_platforms) {
      CHECK(core::parse_platform(core::platform_name(p)) == p);
    }
  }
  TEST_CASE("default_fresh_price: the vendor's table") {
    CHECK(core::default_fresh_price(core::Platform::youtube) == 3);
    CHECK(core::default_fresh_price(core::Platform::twitch) == 2);
    CHECK(core::default_fresh_price(core::Platform::kick) == 2);
    CHECK(core::default_fresh_price(core::Platform::snapchat) == 1);
  }
  TEST_CASE("lookup_key: platform name, a unit separator, the handle ASCII lower-cased") {
    CHECK(core::lookup_key(core::Platform::x, "JohnDoe") == std::string("x\x1f") + "johndoe");
    CHECK(core::lookup_key(core::Platform::x, "johndoe") == core::lookup_key(core::Platform::x, "JOHNDOE"));
    CHECK(core::lookup_key(core::Platform::tiktok, "Ann_1.x") == std::string("tiktok\x1f") + "ann_1.x");
    // Only ASCII folds: other bytes stay as read, so two spellings that differ there stay two lookups.
    CHECK(core::lookup_key(core::Platform::instagram, "\xC3\x89lan") ==
          std::string("instagram\x1f") + "\xC3\x89lan");
    CHECK(core::lookup_key(core::Platform::instagram, "\xC3\x89lan") !=
          core::lookup_key(core::Platform::instagram, "\xC3\xA9lan"));
    // The platform is part of the identity.
    CHECK(core::lookup_key(core::Platform::tiktok, "ann") != core::lookup_key(core::Platform::instagram, "ann"));
  }
  TEST_CASE("status_name: unsubmitted is written as pending") {
    CHECK(core::status_name(core::LookupStatus::unsubmitted) == "pending");
    CHECK(core::status_name(core::LookupStatus::not_found) == "not_found");
    CHECK(core::parse_status("skipped") == core::LookupStatus::skipped);
  }
}
