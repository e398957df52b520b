#include "cli/options_fingerprint.hpp"

#include <doctest/doctest.h>

#include "cli/commands.hpp"

using cli::fingerprint_difference;
using cli::FingerprintEntry;
using cli::merged_fingerprint;

TEST_SUITE("cli::options_fingerprint") {
  TEST_CASE("options_fingerprint: --include sorted and without repeats, under creatorscore") {
    cli::RunOptions options;
    CHECK(cli::options_fingerprint(options) == "creatorscore:include=");
    options.include = {"velocity", "narrative", "velocity"};
    CHECK(cli::options_fingerprint(options) == "creatorscore:include=narrative,velocity");
  }

  TEST_CASE("format and parse: entries read back, ';' and '%' in values escaped, junk left out") {
    const std::vector<FingerprintEntry> entries = {{"creatorscore", "include", "a,b"},
                                                   {"creatoraudit", "period", "30d"},
                                                   {"creatoraudit", "track", "x;y%z"}};
    const std::string text = cli::format_fingerprint(entries);
    CHECK(text == "creatorscore:include=a,b;creatoraudit:period=30d;creatoraudit:track=x%3By%25z");
    CHECK(cli::parse_fingerprint(text) == entries);
    CHECK(cli::parse_fingerprint("batch=100;:x=1;noequals;creatorscore:include=") ==
          std::vector<FingerprintEntry>{{"creatorscore", "include", ""}});
  }

  TEST_CASE("fingerprint_difference: the same options, an empty (v2) fingerprint, a joining provider match") {
    CHECK_FALSE(fingerprint_difference("creatorscore:include=a,b", "creatorscore:include=a,b", "/s.db"));
    CHECK_FALSE(fingerprint_difference("", "creatorscore:include=a", "/s.db"));
    CHECK_FALSE(fingerprint_difference("creatorscore:include=a",
                                       "creatorscore:include=a;creatoraudit:period=30d", "/s.db"));
    CHECK_FALSE(fingerprint_difference("creatorscore:include=a;creatoraudit:period=7d",
                                       "creatorscore:include=a", "/s.db"));
  }

  TEST_CASE("fingerprint_difference: another --include is one line naming both and what to do") {
    CHECK(fingerprint_difference("creatorscore:include=narrative", "creatorscore:include=risk_flags",
                                 "/s.db") ==
          "the run in /s.db was started with --include narrative, not --include risk_flags; run again with "
          "--include narrative, or pass --restart to start afresh with these options");
    CHECK(fingerprint_difference("creatorscore:include=", "creatorscore:include=velocity", "/s.db") ==
          "the run in /s.db was started without --include, not --include velocity; run again without "
          "--include, or pass --restart to start afresh with these options");
    CHECK(fingerprint_difference("creatorscore:include=a;creatoraudit:period=30d",
                                 "creatorscore:include=a;creatoraudit:period=7d", "/s.db") ==
          "the run in /s.db was started with --audit-period 30d, not --audit-period 7d; run again with "
          "--audit-period 30d, or pass --restart to start afresh with these options");
  }

  TEST_CASE("merged_fingerprint: the given options, plus the stored ones of providers not given") {
    CHECK(merged_fingerprint("", "creatorscore:include=a") == "creatorscore:include=a");
    CHECK(merged_fingerprint("creatorscore:include=a", "creatorscore:include=a;creatoraudit:period=30d") ==
          "creatorscore:include=a;creatoraudit:period=30d");
    CHECK(merged_fingerprint("creatorscore:include=a;creatoraudit:period=30d", "creatorscore:include=a") ==
          "creatorscore:include=a;creatoraudit:period=30d");
  }
}
