#include <doctest/doctest.h>

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "roster/roster.hpp"
#include "roster/roster_test_support.hpp"
#include "util/text.hpp"

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

std::string ascii_upper(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
  }
  return out;
}

// index_roster's figures worked out the slow, obvious way: every row through RosterReader (its
// cells and lookups as strings), lookups told apart by CellLookup::key() in a std::map.
struct ReferenceIndex {
  std::vector<std::string> keys;  // in order of first appearance
  std::vector<std::string> handles;
  std::vector<std::size_t> first_lines;
  std::vector<std::size_t> rows;
  std::size_t row_count = 0;
  std::size_t invalid_rows = 0;
  std::size_t duplicate_lookups = 0;
  std::vector<std::pair<std::size_t, std::string>> first_invalid;
};

ReferenceIndex reference_index(const std::string& path) {
  ReferenceIndex out;
  const roster_test::ReadResult read = roster_test::read_all(path);
  REQUIRE(read.error == "");
  std::map<std::string, std::size_t> found;
  for (const roster::Row& row : read.rows) {
    ++out.row_count;
    bool invalid = row.lookups.empty();
    std::string reason = invalid ? "no handle in any platform column" : "";
    std::vector<std::size_t> named;
    for (const roster::CellLookup& lookup : row.lookups) {
      if (!lookup.valid()) {
        if (!invalid) {
          reason = lookup.column.empty() ? lookup.invalid_reason : lookup.column + ": " + lookup.invalid_reason;
        }
        invalid = true;
        continue;
      }
      const auto [at, inserted] = found.emplace(lookup.key(), out.keys.size());
      if (inserted) {
        out.keys.push_back(lookup.key());
        out.handles.push_back(lookup.handle);
        out.first_lines.push_back(row.line);
        out.rows.push_back(1);
        named.push_back(at->second);
        continue;
      }
      ++out.duplicate_lookups;
      if (std::find(named.begin(), named.end(), at->second) == named.end()) {
        named.push_back(at->second);
        ++out.rows[at->second];
      }
    }
    if (invalid) {
      ++out.invalid_rows;
      if (out.first_invalid.size() < 20) {
        out.first_invalid.emplace_back(row.line, reason);
      }
    }
  }
  return out;
}

// A roster in `layout` ("long" or "wide") that repeats creators in other spellings: ASCII case
// (which must match), non-ASCII case (which must not: only ASCII is folded), twitter for x, a
// leading @, links; handles of every length from 1 to 40 bytes, and some invalid cells.
std::string random_roster(std::mt19937& random, const std::string& layout, std::size_t rows) {
  const std::vector<std::string> platforms = {"tiktok", "TikTok", "x", "Twitter", "instagram", "YouTube", "kick"};
  const std::string letters = "abcXYZ09._-";
  std::vector<std::string> handles;
  for (std::size_t length = 1; length <= 40; ++length) {
    std::string handle;
    for (std::size_t i = 0; i < length; ++i) {
      handle += letters[random() % letters.size()];
    }
    handles.push_back(handle);
  }
  for (const char* other : {"\xc3\xa9mile", "\xc3\x89mile", "\xc3\xa9MILE", "zo\xc3\xab", "ZO\xc3\xab", "a b", "a/b", "",
                            ".", "..", "...", "\xe2\x80\x8b", "a\xe3\x80\x80" "b", "\xe2\x80\xae" "ab"}) {
    handles.emplace_back(other);
  }
  const auto spelling = [&](std::string handle) {
    for (char& c : handle) {
      if (random() % 2 == 0 && c >= 'a' && c <= 'z') {
        c = static_cast<char>(c - 'a' + 'A');
      } else if (random() % 2 == 0 && c >= 'A' && c <= 'Z') {
        c = static_cast<char>(c - 'A' + 'a');
      }
    }
    const unsigned roll = random() % 10;
    return roll == 0 ? "@" + handle : roll == 1 ? " " + handle + " " : handle;
  };
  std::string text = layout == "long" ? "name,platform,handle\n" : "name,TikTok,X,Twitter,Instagram\n";
  for (std::size_t row = 0; row < rows; ++row) {
    text += "n" + std::to_string(row);
    if (layout == "long") {
      const std::string& platform = random() % 50 == 0 ? std::string("myspace") : platforms[random() % platforms.size()];
      const std::string handle = spelling(handles[random() % handles.size()]);
      text += "," + platform + "," + (random() % 20 == 0 ? "https://x.com/" + handle : handle);
    } else {
      for (int column = 0; column < 4; ++column) {
        text += "," + (random() % 3 == 0 ? std::string() : spelling(handles[random() % handles.size()]));
      }
    }
    text += "\n";
  }
  return text;
}

}  // namespace

TEST_SUITE("roster::index_roster") {
  TEST_CASE("index_roster: agrees with RosterReader rows and CellLookup::key() on random rosters") {
    std::mt19937 random(7);
    for (const char* layout : {"long", "wide"}) {
      // The last round spans several of the batches the reading thread hands over (4,096
      // lookups each): wide rows then also straddle batches.
      for (const std::size_t rows : {3000, 3000, 3000, 3000, 40000}) {
        CAPTURE(layout);
        CAPTURE(rows);
        TempDir dir;
        const auto path = dir.write("r.csv", random_roster(random, layout, rows));
        const ReferenceIndex expected = reference_index(path);
        const roster::RosterIndex index = index_ok(path);
        CHECK(index.rows == expected.row_count);
        CHECK(index.invalid_rows == expected.invalid_rows);
        CHECK(index.duplicate_lookups == expected.duplicate_lookups);
        REQUIRE(index.lookups.size() == expected.keys.size());
        CHECK(index.table.size() == expected.keys.size());
        CHECK(expected.keys.size() > 50u);
        CHECK(expected.duplicate_lookups > 50u);
        for (std::size_t i = 0; i < expected.keys.size(); ++i) {
          const roster::UniqueLookup& lookup = index.lookups[i];
          CHECK(std::string(core::platform_name(lookup.platform())) + '\x1f' + util::to_lower(lookup.handle()) ==
                expected.keys[i]);
          CHECK(lookup.handle() == expected.handles[i]);
          CHECK(lookup.first_line() == expected.first_lines[i]);
          CHECK(lookup.rows() == expected.rows[i]);
          CHECK(index.find(lookup.platform(), ascii_upper(lookup.handle())) == i);
        }
        REQUIRE(index.first_invalid.size() == expected.first_invalid.size());
        for (std::size_t i = 0; i < expected.first_invalid.size(); ++i) {
          CHECK(index.first_invalid[i].line == expected.first_invalid[i].first);
          CHECK(index.first_invalid[i].reason == expected.first_invalid[i].second);
        }
      }
    }
  }

  TEST_CASE("index_roster: path steps and invisible characters are invalid in every layout, plain lines too") {
    // Each hostile cell in a line of plain ASCII (read by next_lookups' fast path) or not, then
    // the same roster through RosterReader: both refuse it with the same reason, nothing is indexed.
    const std::string zwsp = "\xE2\x80\x8B";
    const struct {
      std::string cell;  // for the long and wide layouts; the url layout links to it
      std::string url;
      std::string reason;
    } hostile[] = {
        {"..", "https://www.tiktok.com/@..", "handle is only dots"},
        {".", "tiktok.com/@.", "handle is only dots"},
        {"@..", "https://www.tiktok.com/@../../admin", "handle is only dots"},
        {"...", "tiktok.com/@%2e%2e%2E", "handle is only dots"},
        {"https://x.com/%2e%2e", "x.com/%2e%2e", "handle is only dots"},
        {zwsp, "tiktok.com/@" + zwsp, "handle contains an invisible character U+200B"},
        {"ali" + zwsp + "ce", "tiktok.com/@ali%E2%80%8Bce", "handle contains an invisible character U+200B"},
        {"\xE3\x80\x80", "tiktok.com/@%E3%80%80", "handle contains a space U+3000"},
        {"\xE2\x80\xAE" "ecila", "tiktok.com/@%E2%80%AEecila", "handle contains an invisible character U+202E"},
        {"\xEF\xBB\xBF" "bob", "tiktok.com/@%EF%BB%BFbob", "handle contains an invisible character U+FEFF"},
    };
    for (const auto& c : hostile) {
      CAPTURE(c.cell);
      const bool x_link = c.cell.rfind("https://x.com", 0) == 0;
      const std::string platform = x_link ? "x" : "tiktok";
      const std::string rosters[] = {
          "platform,handle\n" + platform + "," + c.cell + "\nx,alice\n",
          "url\n" + c.url + "\nx.com/alice\n",
          "name,TikTok,X\nn1," + (x_link ? std::string() : c.cell) + "," + (x_link ? c.cell : "alice") + "\n",
      };
      for (const std::string& text : rosters) {
        CAPTURE(text);
        TempDir dir;
        const auto path = dir.write("r.csv", text);
        const roster_test::ReadResult read = roster_test::read_all(path);
        REQUIRE(read.error == "");
        REQUIRE_FALSE(read.rows.empty());
        const roster::CellLookup& first = read.rows[0].lookups.at(0);
        CHECK(first.invalid_reason == c.reason);
        const roster::RosterIndex index = index_ok(path);
        CHECK(index.invalid_rows == 1u);
        REQUIRE(index.first_invalid.size() == 1u);
        const bool wide = text.rfind("name,", 0) == 0;
        CHECK(index.first_invalid[0].reason == (wide ? (x_link ? "X: " : "TikTok: ") : "") + c.reason);
        for (const roster::UniqueLookup& lookup : index.lookups) {
          CHECK(lookup.handle() == "alice");
        }
      }
    }
  }

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
    CHECK(index.lookups[0].platform() == Platform::tiktok);
    CHECK(index.lookups[0].handle() == "Ann");  // the first spelling
    CHECK(index.lookups[0].first_line() == 2u);
    CHECK(index.lookups[0].rows() == 3u);
    CHECK(index.lookups[1].platform() == Platform::x);
    CHECK(index.lookups[1].handle() == "bob");
    CHECK(index.lookups[1].rows() == 2u);
    CHECK(index.lookups[2].platform() == Platform::instagram);
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
    CHECK(index.lookups[0].rows() == 1u);  // x/ann, named twice by row 1
    CHECK(index.lookups[1].rows() == 2u);  // tiktok/ann
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

  TEST_CASE("index_roster: a read error after many batches of lookups is still the error, with its line") {
    TempDir dir;
    std::string text = "platform,handle\n";
    for (int row = 0; row < 60000; ++row) {
      text += "tiktok,creator" + std::to_string(row % 45000) + "\n";
    }
    text += "tiktok,\"broken\n";
    roster::Options options;
    options.display_name = "roster.csv";
    auto index = roster::index_roster(dir.write("r.csv", text), options);
    REQUIRE_FALSE(index.has_value());
    CHECK(index.error().code == ExitCode::roster_unusable);
    CHECK(index.error().message == "roster.csv:60002: unterminated quoted field (a \" opened here is never closed)");
  }
}

TEST_SUITE("roster::LookupTable") {
  TEST_CASE("LookupTable: handles differing in one byte are one lookup only when that is ASCII case") {
    // Every byte value at every position of handles 1 to 24 bytes long: covers the hash's and the
    // comparison's word, tail and short paths, and the lower-casing of all eight bytes of a word.
    for (std::size_t length = 1; length <= 24; ++length) {
      for (std::size_t at = 0; at < length; ++at) {
        CAPTURE(length);
        CAPTURE(at);
        roster::UniqueLookups lookups;
        std::vector<std::string> texts;
        for (unsigned byte = 1; byte < 256; ++byte) {
          std::string handle(length, 'q');
          handle[at] = static_cast<char>(byte);
          texts.push_back(handle);
        }
        roster::LookupTable table;
        for (const std::string& text : texts) {
          const auto [index, inserted] = table.insert(lookups, core::Platform::tiktok, text);
          if (inserted) {
            lookups.emplace_back(core::Platform::tiktok, text, 1);
          }
          REQUIRE(index < lookups.size());
          CHECK(util::to_lower(lookups[index].handle()) == util::to_lower(text));
          CHECK(roster::LookupTable::hash(core::Platform::tiktok, text) ==
                roster::LookupTable::hash(core::Platform::tiktok, util::to_lower(text)));
        }
        CHECK(lookups.size() == 255u - 26u);  // A-Z fold into a-z, nothing else
        CHECK(table.size() == lookups.size());
        CHECK_FALSE(table.find(lookups, core::Platform::x, texts[0]));
      }
    }
  }

  TEST_CASE("LookupTable: reserved or grown, at any capacity, every lookup is found again") {
    // Reserved sizes give capacities that are not powers of two (a multiple of a huge page's
    // 262,144 slots from 174,763 lookups on); small tables two thirds full make probes run off
    // the end and wrap to the start; no reserve at all grows the table from 64 slots.
    for (const std::size_t count : {1UL, 41UL, 42UL, 43UL, 100UL, 1000UL, 174763UL, 300000UL}) {
      for (const bool reserved : {true, false}) {
        for (unsigned round = 0; round < (count < 1000 ? 50U : 1U); ++round) {
          CAPTURE(count);
          CAPTURE(reserved);
          CAPTURE(round);
          roster::UniqueLookups lookups;
          roster::LookupTable table;
          if (reserved) {
            table.reserve(count);
          }
          std::vector<std::string> handles;  // all made first: lookups view them
          for (std::size_t i = 0; i < count; ++i) {
            handles.push_back("creator" + std::to_string(round) + "_" + std::to_string(i));
          }
          for (std::size_t i = 0; i < count; ++i) {
            const auto [index, inserted] = table.insert(lookups, core::Platform::youtube, handles[i]);
            REQUIRE(inserted);
            REQUIRE(index == lookups.size());
            lookups.emplace_back(core::Platform::youtube, handles[i], i + 1);
          }
          bool all_found = true;
          for (std::size_t i = 0; i < count; ++i) {
            std::string upper = handles[i];
            for (char& c : upper) {
              c = (c >= 'a' && c <= 'z') ? static_cast<char>(c - 'a' + 'A') : c;
            }
            const auto [index, inserted] = table.insert(lookups, core::Platform::youtube, upper);
            const auto found = table.find(lookups, core::Platform::youtube, upper);
            all_found = all_found && !inserted && index == i && found && *found == i &&
                        !table.find(lookups, core::Platform::tiktok, handles[i]);
          }
          CHECK(all_found);
          CHECK(table.size() == count);
        }
      }
    }
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
