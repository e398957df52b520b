#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "roster/roster.hpp"
#include "roster/roster_test_support.hpp"

using core::ExitCode;
using core::Platform;
using roster_test::TempDir;

namespace {

roster::RosterIndex index_ok(const std::string& path, const std::string& name = "roster.csv") {
  roster::Options options;
  options.display_name = name;
  auto index = roster::index_roster(path, options);
  REQUIRE_MESSAGE(index.has_value(), (index.has_value() ? "" : index.error().message));
  return std::move(*index);
}

}  // namespace

TEST_SUITE("roster::index_roster") {
  TEST_CASE("index_roster: one lookup per unique platform and handle, across case and twitter/x") {
    TempDir dir;
    const auto path = dir.write("r.csv",
                                "platform,handle\n"
                                "tiktok,Ann\n"       // line 2
                                "twitter,bob\n"      // line 3
                                "TikTok,@ann\n"      // duplicate of line 2, other case
                                "x,BOB\n"            // duplicate of line 3 via x
                                "instagram,ann\n"    // another platform: its own lookup
                                "myspace,zed\n"      // invalid
                                "tiktok,ANN \n");    // duplicate again
    const auto index = index_ok(path);
    CHECK(index.rows == 7u);
    CHECK(index.invalid_rows == 1u);
    CHECK(index.duplicate_lookups == 3u);
    REQUIRE(index.lookups.size() == 3u);
    CHECK(index.lookups[0].platform == Platform::tiktok);
    CHECK(index.lookups[0].handle == "Ann");  // the first spelling
    CHECK(index.lookups[0].first_line == 2u);
    CHECK(index.lookups[0].rows == 3u);
    CHECK(index.lookups[1].platform == Platform::x);
    CHECK(index.lookups[1].handle == "bob");
    CHECK(index.lookups[1].rows == 2u);
    CHECK(index.lookups[2].platform == Platform::instagram);
    CHECK(index.find(Platform::tiktok, "ANN") == 0u);
    CHECK(index.find(Platform::x, "bob") == 1u);
    CHECK_FALSE(index.find(Platform::instagram, "bob"));
    CHECK(index.table.size() == 3u);
    REQUIRE(index.first_invalid.size() == 1u);
    CHECK(index.first_invalid[0].line == 7u);
    CHECK(index.first_invalid[0].record == 6u);
    CHECK(index.first_invalid[0].reason == "unknown platform 'myspace'");
    CHECK(index.layout == roster::Layout::long_form);
    CHECK(index.delimiter == ',');
    CHECK(index.path == path);
    CHECK(index.display_name == "roster.csv");
    CHECK_FALSE(roster::unusable_error(index));

    roster::CellLookup lookup;
    lookup.platform = Platform::x;
    lookup.handle = "Bob";
    CHECK(index.find(lookup) == 1u);
    lookup.invalid_reason = "handle is empty";
    CHECK_FALSE(index.find(lookup));
  }

  TEST_CASE("index_roster: wide rows, a row naming one creator twice counts once") {
    TempDir dir;
    const auto path = dir.write("r.csv",
                                "Name,Twitter,X,TikTok\n"
                                "Ann,ann,ANN,ann\n"
                                "Bob,,,\n"
                                "Cy,c y,,cy\n"
                                "Di,,,ann\n");
    const auto index = index_ok(path);
    CHECK(index.layout == roster::Layout::wide);
    CHECK(index.wide_columns == std::vector<std::string>{"Twitter", "X", "TikTok"});
    CHECK(index.rows == 4u);
    CHECK(index.invalid_rows == 2u);
    REQUIRE(index.lookups.size() == 3u);
    CHECK(index.lookups[0].rows == 1u);  // x/ann, named twice by row 1
    CHECK(index.lookups[1].rows == 2u);  // tiktok/ann
    CHECK(index.duplicate_lookups == 2u);
    REQUIRE(index.first_invalid.size() == 2u);
    CHECK(index.first_invalid[0].reason == "no handle in any platform column");
    CHECK(index.first_invalid[0].line == 3u);
    CHECK(index.first_invalid[1].reason == "Twitter: handle contains a space");
  }

  TEST_CASE("index_roster: keeps the first 20 invalid rows") {
    TempDir dir;
    std::string content = "platform,handle\n";
    for (int i = 0; i < 30; ++i) {
      content += "myspace,h" + std::to_string(i) + "\n";
    }
    content += "tiktok,ok\n";
    const auto index = index_ok(dir.write("r.csv", content));
    CHECK(index.invalid_rows == 30u);
    CHECK(index.first_invalid.size() == 20u);
    CHECK(index.lookups.size() == 1u);
  }

  TEST_CASE("unusable_error: no rows, or no valid row, is for the caller to refuse") {
    TempDir dir;
    auto index = index_ok(dir.write("empty.csv", "platform,handle\n"));
    CHECK(index.rows == 0u);
    auto error = roster::unusable_error(index);
    REQUIRE(error);
    CHECK(error->code == ExitCode::roster_unusable);
    CHECK(error->message == "roster.csv: no data rows after the header");

    index = index_ok(dir.write("bad.csv", "platform,handle\nmyspace,a\ntiktok,\n"));
    CHECK(index.rows == 2u);
    CHECK(index.lookups.empty());
    CHECK(index.first_invalid.size() == 2u);  // quote can still list the reasons
    error = roster::unusable_error(index);
    REQUIRE(error);
    CHECK(error->message ==
          "roster.csv: no row can be looked up (2 rows, all invalid); see `roster-enrich quote` for the reasons");

    index = index_ok(dir.write("one.csv", "platform,handle\nmyspace,a\n"));
    CHECK(roster::unusable_error(index)->message ==
          "roster.csv: no row can be looked up (1 row, invalid); see `roster-enrich quote` for the reasons");
  }

  TEST_CASE("index_roster: read errors come back as 65 with file and line") {
    TempDir dir;
    roster::Options options;
    options.display_name = "roster.csv";
    auto index = roster::index_roster(dir.write("r.csv", "platform,handle\ntiktok,a\ntiktok,\"b\n"), options);
    REQUIRE_FALSE(index.has_value());
    CHECK(index.error().code == ExitCode::roster_unusable);
    CHECK(index.error().message == "roster.csv:3: unterminated quoted field (a \" opened here is never closed)");
  }
}

TEST_SUITE("roster::SpooledInput") {
  TEST_CASE("from_stdin: copies standard input to a private file, removed afterwards") {
    TempDir dir;
    std::string content = "platform,handle\n";
    for (int i = 0; i < 20000; ++i) {
      content += "tiktok,creator" + std::to_string(i) + "\n";  // several 64 KiB reads
    }
    const auto input = dir.write("in.csv", content);
    const int saved = ::dup(STDIN_FILENO);
    REQUIRE(saved >= 0);
    const int file = ::open(input.c_str(), O_RDONLY);
    REQUIRE(file >= 0);
    ::dup2(file, STDIN_FILENO);
    ::close(file);
    auto spool = roster::SpooledInput::from_stdin();
    ::dup2(saved, STDIN_FILENO);
    ::close(saved);
    REQUIRE(spool.has_value());
    const std::string path = (*spool)->path();
    CHECK(std::filesystem::exists(path));
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::others_read) ==
          std::filesystem::perms::none);
    std::ifstream in(path, std::ios::binary);
    std::stringstream copied;
    copied << in.rdbuf();
    CHECK(copied.str() == content);

    roster::Options options;
    options.display_name = "<stdin>";
    auto index = roster::index_roster(path, options);
    REQUIRE(index.has_value());
    CHECK(index->rows == 20000u);
    CHECK(index->display_name == "<stdin>");
    spool->reset();
    CHECK_FALSE(std::filesystem::exists(path));
  }
}
