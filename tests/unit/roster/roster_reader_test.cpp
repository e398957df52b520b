#include <doctest/doctest.h>

#include <string>
#include <vector>

#include "roster/roster.hpp"
#include "roster/roster_test_support.hpp"

using core::ExitCode;
using core::Platform;
using roster::Layout;
using roster_test::read_all;
using roster_test::TempDir;

namespace {

roster::Options named(std::string name = "roster.csv") {
  roster::Options options;
  options.display_name = std::move(name);
  return options;
}

std::unique_ptr<roster::RosterReader> open_ok(const std::string& path, const roster::Options& options = named()) {
  auto reader = roster::RosterReader::open(path, options);
  REQUIRE_MESSAGE(reader.has_value(), (reader.has_value() ? "" : reader.error().message));
  return std::move(*reader);
}

std::string error_of(const std::string& content, const roster::Options& options = named()) {
  TempDir dir;
  const auto result = read_all(dir.write("roster.csv", content), options);
  CHECK(result.code == ExitCode::roster_unusable);
  return result.error;
}

}  // namespace

TEST_SUITE("roster::RosterReader") {
  TEST_CASE("next: long rows normalised: trim, @ dropped, platform case, twitter is x") {
    TempDir dir;
    const auto path = dir.write("r.csv",
                                "Name,Platform,Handle\n"
                                "Ann, TikTok ,  @Ann_1 \n"
                                "Bob,TWITTER,bob\n"
                                "Cy,x,@cy\n");
    const auto result = read_all(path, named());
    REQUIRE(result.error == "");
    REQUIRE(result.rows.size() == 3u);
    const auto& ann = result.rows[0].lookups.at(0);
    CHECK(ann.valid());
    CHECK(ann.platform == Platform::tiktok);
    CHECK(ann.handle == "Ann_1");
    CHECK(ann.column == "");
    CHECK(ann.key() == "tiktok\x1f" "ann_1");
    CHECK(result.rows[0].cells == std::vector<std::string>{"Ann", " TikTok ", "  @Ann_1 "});  // unchanged
    CHECK(result.rows[1].lookups.at(0).platform == Platform::x);
    CHECK(result.rows[1].lookups.at(0).key() == "x\x1f" "bob");
    CHECK(result.rows[2].lookups.at(0).key() == "x\x1f" "cy");
  }

  TEST_CASE("next: invalid long rows keep the handle and say why") {
    TempDir dir;
    const auto path = dir.write("r.csv",
                                "platform,handle\n"
                                "myspace,tom\n"
                                ",ann\n"
                                "tiktok,\n"
                                "tiktok,has space\n"
                                "tiktok,a/b\n"
                                "tiktok,\"tab\there\"\n"
                                "tiktok," + std::string(101, 'a') + "\n"
                                "tiktok,https://www.instagram.com/ann\n"
                                ",https://www.instagram.com/ann\n"
                                "instagram,https://www.instagram.com/p/xyz\n"
                                "myspace,\n");
    const auto result = read_all(path, named());
    REQUIRE(result.error == "");
    const std::vector<std::string> reasons = {
        "unknown platform 'myspace'",
        "platform is empty",
        "handle is empty",
        "handle contains a space",
        "handle contains a slash",
        "handle contains a space",
        "handle is longer than 100 characters",
        "link points to instagram, but the platform is tiktok",
        "",  // the link names the platform
        "instagram.com/p is not a profile link (expected instagram.com/handle)",
        "handle is empty",
    };
    REQUIRE(result.rows.size() == reasons.size());
    for (std::size_t i = 0; i < reasons.size(); ++i) {
      CAPTURE(i);
      REQUIRE(result.rows[i].lookups.size() == 1u);
      CHECK(result.rows[i].lookups[0].invalid_reason == reasons[i]);
    }
    CHECK(result.rows[0].lookups[0].handle == "tom");
    CHECK_FALSE(result.rows[0].lookups[0].platform);
    CHECK(result.rows[0].lookups[0].key() == "");
    CHECK(result.rows[8].lookups[0].platform == Platform::instagram);
    CHECK(result.rows[8].lookups[0].handle == "ann");
  }

  TEST_CASE("next: url rows from links") {
    TempDir dir;
    const auto path = dir.write("r.csv",
                                "Name,Profile URL\n"
                                "Ann,https://www.tiktok.com/@ann\n"
                                "Bob,twitter.com/Bob/\n"
                                "Cy,cy\n"
                                "Di,\n");
    auto reader = open_ok(path);
    CHECK(reader->layout() == Layout::url);
    roster::Row row;
    REQUIRE(*reader->next(row));
    CHECK(row.lookups.at(0).platform == Platform::tiktok);
    CHECK(row.lookups.at(0).handle == "ann");
    REQUIRE(*reader->next(row));
    CHECK(row.lookups.at(0).key() == "x\x1f" "bob");
    REQUIRE(*reader->next(row));
    CHECK(row.lookups.at(0).invalid_reason == "not a profile link (expected e.g. https://www.tiktok.com/@handle)");
    REQUIRE(*reader->next(row));
    CHECK(row.lookups.at(0).invalid_reason == "profile link is empty");
    CHECK_FALSE(*reader->next(row));
  }

  TEST_CASE("next: url rows with --platform must match it") {
    TempDir dir;
    roster::Options options = named();
    options.platform = Platform::tiktok;
    const auto result = read_all(dir.write("r.csv", "url\nhttps://x.com/a\ntiktok.com/@b\n"), options);
    REQUIRE(result.rows.size() == 2u);
    CHECK(result.rows[0].lookups.at(0).invalid_reason == "link points to x, but --platform is tiktok");
    CHECK(result.rows[1].lookups.at(0).valid());
  }

  TEST_CASE("next: wide rows yield one lookup per non-empty platform cell") {
    TempDir dir;
    const auto path = dir.write("r.csv",
                                "Name,TikTok,Instagram,Twitter,Notes\n"
                                "Ann,@ann,https://instagram.com/ann.gram,,hi\n"
                                "Bob,,,bob,\n"
                                "Cy,,,,no handles at all\n"
                                "Di,https://www.instagram.com/di,d i,,\n");
    auto reader = open_ok(path);
    CHECK(reader->layout() == Layout::wide);
    CHECK(reader->wide_columns() == std::vector<std::string>{"TikTok", "Instagram", "Twitter"});
    roster::Row row;
    REQUIRE(*reader->next(row));
    REQUIRE(row.lookups.size() == 2u);
    CHECK(row.lookups[0].column == "TikTok");
    CHECK(row.lookups[0].key() == "tiktok\x1f" "ann");
    CHECK(row.lookups[1].column == "Instagram");
    CHECK(row.lookups[1].key() == "instagram\x1f" "ann.gram");
    REQUIRE(*reader->next(row));
    REQUIRE(row.lookups.size() == 1u);
    CHECK(row.lookups[0].column == "Twitter");
    CHECK(row.lookups[0].platform == Platform::x);
    REQUIRE(*reader->next(row));
    CHECK(row.lookups.empty());
    CHECK(row.record == 3u);
    REQUIRE(*reader->next(row));
    REQUIRE(row.lookups.size() == 2u);
    CHECK(row.lookups[0].invalid_reason == "link points to instagram, but the column is tiktok");
    CHECK(row.lookups[1].invalid_reason == "handle contains a space");
    CHECK_FALSE(*reader->next(row));
  }

  TEST_CASE("open: layouts forced by options") {
    TempDir dir;
    const auto path = dir.write("r.csv", "Who,Site,Creator,Link\nAnn,tiktok,ann,https://x.com/ann\n");
    roster::Options long_form = named();
    long_form.platform_column = "site";
    long_form.handle_column = "CREATOR";
    auto result = read_all(path, long_form);
    REQUIRE(result.rows.size() == 1u);
    CHECK(result.rows[0].lookups.at(0).key() == "tiktok\x1f" "ann");

    roster::Options url = named();
    url.url_column = "link";
    result = read_all(path, url);
    REQUIRE(result.rows.size() == 1u);
    CHECK(result.rows[0].lookups.at(0).key() == "x\x1f" "ann");

    roster::Options fixed = named();
    fixed.platform = Platform::youtube;
    fixed.handle_column = "Who";
    result = read_all(path, fixed);
    REQUIRE(result.rows.size() == 1u);
    CHECK(result.rows[0].lookups.at(0).key() == "youtube\x1f" "ann");

    roster::Options missing = named();
    missing.handle_column = "Nope";
    result = read_all(path, missing);
    CHECK(result.code == ExitCode::usage);
    CHECK(result.error == "roster.csv:1: --handle-column `Nope`: no such column (found: `Who`, `Site`, `Creator`, `Link`)");
  }

  TEST_CASE("open: delimiter detected from the header line, or given") {
    const struct {
      const char* content;
      char delimiter;
    } cases[] = {
        {"platform,handle\ntiktok,a\n", ','},
        {"platform;handle\ntiktok;a\n", ';'},
        {"platform\thandle\ntiktok\ta\n", '\t'},
        {"platform|handle\ntiktok|a\n", '|'},
        {"\"a;b;c\",platform,handle\nz,tiktok,a\n", ','},  // a ; inside quotes does not count
        {"Name;\"Notes, misc\";platform;handle\nA;\"x, y\";tiktok;a\n", ';'},
        {"\xEF\xBB\xBFplatform;handle\r\ntiktok;a\r\n", ';'},
    };
    for (const auto& c : cases) {
      const std::string content = c.content;
      CAPTURE(content);
      TempDir dir;
      const auto path = dir.write("r.csv", c.content);
      auto reader = open_ok(path);
      CHECK(reader->delimiter() == c.delimiter);
      roster::Row row;
      REQUIRE(*reader->next(row));
      CHECK(row.lookups.at(0).key() == "tiktok\x1f" "a");
    }
    TempDir dir;
    roster::Options forced = named();
    forced.delimiter = ',';  // detection alone would pick |
    const auto path = dir.write("r.csv", "platform,handle,a|b|c|d\ntiktok,a,x\n");
    auto reader = open_ok(path, forced);
    CHECK(reader->delimiter() == ',');
    CHECK(reader->header() == std::vector<std::string>{"platform", "handle", "a|b|c|d"});
  }

  TEST_CASE("next: RFC 4180 quoting, BOM, CRLF and line numbers after multi-line cells") {
    TempDir dir;
    const auto path = dir.write("r.csv",
                                "\xEF\xBB\xBF" "Name,Notes,platform,handle\r\n"
                                "Ann,\"likes commas, and \"\"quotes\"\"\",tiktok,ann\r\n"
                                "Bob,\"two\r\nlines\",tiktok,bob\r\n"
                                "\r\n"
                                ",,,\r\n"
                                "Cy,\"three\nmore\nlines\",tiktok,cy\r\n"
                                "Di, spaced ,tiktok,di");  // no final line end
    auto reader = open_ok(path);
    CHECK(reader->header() == std::vector<std::string>{"Name", "Notes", "platform", "handle"});
    const auto result = read_all(path, named());
    REQUIRE(result.error == "");
    REQUIRE(result.rows.size() == 4u);
    CHECK(result.rows[0].cells[1] == "likes commas, and \"quotes\"");
    CHECK(result.rows[0].line == 2u);
    CHECK(result.rows[1].cells[1] == "two\r\nlines");
    CHECK(result.rows[1].line == 3u);
    CHECK(result.rows[2].cells[1] == "three\nmore\nlines");
    CHECK(result.rows[2].line == 7u);
    CHECK(result.rows[2].record == 3u);
    CHECK(result.rows[3].cells[1] == " spaced ");
    CHECK(result.rows[3].line == 10u);
    CHECK(result.rows[3].record == 4u);
  }

  TEST_CASE("next: CR-only line ends, short and long rows") {
    TempDir dir;
    const auto result = read_all(dir.write("r.csv", "platform,handle,extra\rtiktok,a\rtiktok,b,c,d\r"), named());
    REQUIRE(result.error == "");
    REQUIRE(result.rows.size() == 2u);
    CHECK(result.rows[0].line == 2u);
    CHECK(result.rows[0].cells.size() == 2u);
    CHECK(result.rows[1].line == 3u);
    CHECK(result.rows[1].cells.size() == 4u);
    CHECK(result.rows[1].lookups.at(0).handle == "b");
  }

  TEST_CASE("next: rows past a 64 KiB chunk keep their line numbers") {
    TempDir dir;
    std::string content = "platform,handle,notes\n";
    for (int i = 0; i < 5000; ++i) {
      content += "tiktok,h" + std::to_string(i) + ",\"note " + std::to_string(i) + "\nsecond line\"\r\n";
    }
    const auto result = read_all(dir.write("r.csv", content), named());
    REQUIRE(result.error == "");
    REQUIRE(result.rows.size() == 5000u);
    for (std::size_t i = 0; i < result.rows.size(); ++i) {
      if (result.rows[i].line != 2 + 2 * i || result.rows[i].cells[1] != "h" + std::to_string(i)) {
        CHECK(result.rows[i].line == 2 + 2 * i);
        CHECK(result.rows[i].cells[1] == "h" + std::to_string(i));
        break;
      }
    }
  }

  TEST_CASE("open: a header with no rows reads as an empty roster") {
    TempDir dir;
    const auto result = read_all(dir.write("r.csv", "platform,handle\n\n"), named());
    CHECK(result.error == "");
    CHECK(result.rows.empty());
  }

  TEST_CASE("open: bad input gives one line naming file, line and problem") {
    CHECK(error_of("") == "roster.csv: empty file (a roster needs a header row, e.g. `platform,handle`)");
    CHECK(error_of("\xEF\xBB\xBF") == "roster.csv: empty file (a roster needs a header row, e.g. `platform,handle`)");
    CHECK(error_of("\n\r\n,,\n") == "roster.csv: empty file (a roster needs a header row, e.g. `platform,handle`)");
    CHECK(error_of("Name,Email\nA,a@b.c\n") ==
          "roster.csv:1: no usable column (found: `Name`, `Email`); expected a platform column (platform, network, "
          "channel) with a handle column (handle, username, user, account), a link column (url, profile_url, "
          "profile, link), or one column per platform (tiktok, instagram, youtube, x, twitter, facebook, reddit, "
          "twitch, kick, linkedin, threads, snapchat)");
    CHECK(error_of("\n\nName\n") .rfind("roster.csv:3: no usable column (found: `Name`)", 0) == 0);
    CHECK(error_of("Ann,https://www.tiktok.com/@ann\n") ==
          "roster.csv:1: no header row: line 1 holds data (`https://www.tiktok.com/@ann`); add a header such as "
          "`platform,handle` or `url`");
    CHECK(error_of(std::string("platform,handle\ntiktok,a\ntik\0tok,b\n", 34)) ==
          "roster.csv:3: binary data (a NUL byte); a roster must be CSV text in UTF-8");
    CHECK(error_of(std::string("\x7F" "ELF\x02\x01\x01\0\0\0", 10)) ==
          "roster.csv:1: binary data (a NUL byte); a roster must be CSV text in UTF-8");
    CHECK(error_of("\xFF\xFEp\0l\0") == "roster.csv: the file is UTF-16; save it as UTF-8 (e.g. \"CSV UTF-8\" in Excel)");
    CHECK(error_of("platform,handle\ntiktok,a\ntiktok,\"open\nstill open\n") ==
          "roster.csv:3: unterminated quoted field (a \" opened here is never closed)");
    CHECK(error_of("platform,handle\ntiktok,a\"b\n") ==
          "roster.csv:2: a \" inside an unquoted field (quote the whole field and write \" as \"\")");
    CHECK(error_of("platform,handle\n\"tiktok\"x,a\n") ==
          "roster.csv:2: text after a closing quote (inside a quoted field, write \" as \"\")");
    CHECK(error_of("platform,handle\ntiktok,caf\xE9\n") ==
          "roster.csv:2: invalid UTF-8 (save the roster as UTF-8, e.g. \"CSV UTF-8\" in Excel)");
    CHECK(error_of("platform,handle\ntiktok,a\ntiktok,\"" + std::string(10 * 1024 * 1024, 'x') + "\"\n") ==
          "roster.csv:3: field longer than 1 MB (is this a roster?)");
    CHECK(error_of("platform,handle\ntiktok," + std::string(10 * 1024 * 1024, 'x') + "\n") ==
          "roster.csv:2: field longer than 1 MB (is this a roster?)");
    CHECK(error_of("platform,handle\ntiktok" + std::string(20000, ',') + "\n") ==
          "roster.csv:2: more than 10000 fields in one record");
  }

  TEST_CASE("open: cannot open a missing file or a directory (66)") {
    TempDir dir;
    auto reader = roster::RosterReader::open((dir.path() / "missing.csv").string(), named());
    REQUIRE_FALSE(reader.has_value());
    CHECK(reader.error().code == ExitCode::roster_unreadable);
    CHECK(reader.error().message == "roster.csv: cannot open: No such file or directory");

    reader = roster::RosterReader::open(dir.path().string(), named("some-dir"));
    REQUIRE_FALSE(reader.has_value());
    CHECK(reader.error().code == ExitCode::roster_unreadable);
    CHECK(reader.error().message == "some-dir: is a directory, not a roster file");
  }

  TEST_CASE("open: messages name the path unless a display name is given") {
    TempDir dir;
    const auto path = dir.write("r.csv", "");
    auto reader = roster::RosterReader::open(path, {});
    REQUIRE_FALSE(reader.has_value());
    CHECK(reader.error().message.rfind(path + ": empty file", 0) == 0);
    reader = roster::RosterReader::open(path, named("<stdin>"));
    REQUIRE_FALSE(reader.has_value());
    CHECK(reader.error().message.rfind("<stdin>: empty file", 0) == 0);
  }

  TEST_CASE("next: an error is sticky") {
    TempDir dir;
    auto reader = open_ok(dir.write("r.csv", "platform,handle\ntiktok,a\"b\ntiktok,c\n"));
    roster::Row row;
    auto first = reader->next(row);
    REQUIRE_FALSE(first.has_value());
    auto second = reader->next(row);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().message == first.error().message);
  }

  TEST_CASE("next: every prefix of a valid roster gives rows or an error, never a crash") {
    const std::string roster =
        "\xEF\xBB\xBF" "Name,\"Notes, misc\",platform,handle,url,TikTok\r\n"
        "Ann,\"a \"\"quoted\"\" note\nover lines\",tiktok,@ann,https://www.tiktok.com/@ann?x=1,ann\r\n"
        "Bob,,twitter,Bob,,\r\n"
        "\"Caf\xC3\xA9\",\xE2\x82\xAC,x,bob,,\r\n"
        ",,,,,\r\n"
        "Di,\"\",myspace,di,,\n";
    for (std::size_t length = 0; length <= roster.size(); ++length) {
      CAPTURE(length);
      TempDir dir;
      const auto result = read_all(dir.write("r.csv", roster.substr(0, length)), named());
      if (!result.error.empty()) {
        CHECK(result.error.rfind("roster.csv", 0) == 0);
        CHECK(result.error.find('\n') == std::string::npos);
        CHECK(result.code == ExitCode::roster_unusable);
      }
    }
  }
}
