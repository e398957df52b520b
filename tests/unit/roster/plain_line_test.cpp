// The first pass's plain-line path (CsvReader::next_plain, FileRosterReader::next_lookups) against
// the general path (next(Row&)): the same rows, records, lines, lookups and errors, on random text.

#include <doctest/doctest.h>

#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "roster/csv_reader.hpp"
#include "roster/file_roster_reader.hpp"
#include "roster/roster_test_support.hpp"

using roster_test::TempDir;

namespace {

// A row as both paths must give it (cells left out: next_lookups does not cut them all out).
struct Seen {
  std::size_t record = 0;
  std::size_t line = 0;
  std::vector<std::string> lookups;  // column, platform, handle and reason of each
};

std::string describe(const roster::LookupRef& lookup) {
  return std::string(lookup.column) + "|" +
         (lookup.platform ? std::string(core::platform_name(*lookup.platform)) : std::string("-")) + "|" +
         std::string(lookup.handle) + "|" + std::string(lookup.invalid_reason);
}

std::string describe(const roster::CellLookup& lookup) {
  return lookup.column + "|" + (lookup.platform ? std::string(core::platform_name(*lookup.platform)) : "-") + "|" +
         lookup.handle + "|" + lookup.invalid_reason;
}

struct Pass {
  std::vector<Seen> rows;
  std::string error;  // "<code> <message>" of the error that stopped it, if any
};

// Every row of the file through next(Row&) or, with `plain_first`, next_lookups (counting in
// `plain_rows` those it read as plain lines: only those leave the cells out).
Pass read_rows(const std::string& path, const roster::Options& options, bool plain_first, std::size_t& plain_rows) {
  Pass out;
  auto reader = roster::FileRosterReader::open(path, options);
  if (!reader) {
    out.error = reader.error().message;
    return out;
  }
  roster::Row row;
  roster::RowRef view;
  for (;;) {
    auto more = plain_first ? (*reader)->next_lookups(view) : (*reader)->next(row);
    if (!more || !*more) {
      out.error = more ? "" : more.error().message;
      return out;
    }
    Seen& seen = out.rows.emplace_back();
    if (plain_first) {
      plain_rows += view.cells.empty() ? 1 : 0;
      seen = Seen{view.record, view.line, {}};
      for (const roster::LookupRef& lookup : view.lookups) {
        seen.lookups.push_back(describe(lookup));
      }
    } else {
      seen = Seen{row.record, row.line, {}};
      for (const roster::CellLookup& lookup : row.lookups) {
        seen.lookups.push_back(describe(lookup));
      }
    }
  }
}

// Rows made of the cells and line ends that matter to the two paths: plain, padded and blank
// cells, quoted cells (with the delimiter, "" and line breaks inside), every line end, blank and
// white-space-only rows, short rows, non-ASCII, NUL, stray quotes, links and invalid handles.
// With `errors`, a stray quote or a NUL now and then (each stops the reading).
std::string random_roster(std::mt19937& random, const std::string& header, char delimiter, std::size_t rows,
                          bool errors) {
  const std::vector<std::string> cells = {
      "tiktok", "TikTok", " x ", "Twitter", "myspace", "", " ", "\t", "ann", "@Ann", " bob.b ", "a b", "a/b",
      "https://x.com/ann", "https://www.tiktok.com/@ann", "caf\xc3\xa9", "\xc3\xa9", "\"quoted\"", "\"a,b;c\tx\"",
      "\"say \"\"hi\"\"\"", "\"two\nlines\"", "\"\"", "\" \"", "\"\t\"", "\"\"\"\"", "\"\"\"\"\"\"", "\"\xc3\xa9\"",
      "\"cr\r\"", std::string(120, 'h'), "Instagram", "n1", "\v", "\f"};
  const std::vector<std::string> ends = {"\n", "\n", "\n", "\r\n", "\r", "\n\n", "\n \n"};
  std::string text = header + "\n";
  for (std::size_t row = 0; row < rows; ++row) {
    const unsigned width = random() % 7;
    for (unsigned column = 0; column < width; ++column) {
      if (column > 0) {
        text += delimiter;
      }
      if (errors && random() % 400 == 0) {
        const unsigned kind = random() % 4;
        text += kind == 0 ? std::string(1, '\0') : kind == 1 ? std::string("x\"y") : kind == 2 ? "\"a\"b" : "\"open";
        continue;
      }
      text += cells[random() % cells.size()];
    }
    text += ends[random() % ends.size()];
  }
  if (random() % 2 == 0) {
    text += "last,tiktok,ann";  // no line end
  }
  return text;
}

}  // namespace

TEST_SUITE("roster::next_lookups") {
  TEST_CASE("is_blank_line: white space and delimiters only, quotes around whole cells") {
    CHECK(roster::is_blank_line("", ','));
    CHECK(roster::is_blank_line(" ,\t,\v\f", ','));
    CHECK(roster::is_blank_line("\"\",\" \"", ','));
    CHECK(roster::is_blank_line(" ; ", ';'));
    CHECK_FALSE(roster::is_blank_line(" ; ", ','));
    CHECK_FALSE(roster::is_blank_line(" ,a", ','));
    CHECK_FALSE(roster::is_blank_line("\",\"", ','));          // a cell holding the delimiter
    CHECK_FALSE(roster::is_blank_line(",\"\"\"\"", ','));      // a cell holding a quote
    CHECK_FALSE(roster::is_blank_line("\"\",\"\"\"\"", ','));
  }

  TEST_CASE("next_lookups: plain lines give what next(Row&) gives, across layouts, delimiters and errors") {
    std::mt19937 random(11);
    std::size_t plain_rows = 0;
    std::size_t errors = 0;
    // The last two are wide: every platform column is cut out, notes between them too.
    const std::vector<std::string> headers = {"name,platform,handle,notes", "handle,notes,x,platform",
                                              "name,profile url,notes",     "name,handle",
                                              "tiktok,x,instagram",         "name,tiktok,notes,x"};
    for (const std::string& header : headers) {
      const std::size_t plain_rows_before = plain_rows;
      for (const char delimiter : {',', ';', '\t'}) {
        for (int round = 0; round < 6; ++round) {
          CAPTURE(header);
          CAPTURE(delimiter);
          CAPTURE(round);
          std::string head = header;
          for (char& c : head) {
            c = c == ',' ? delimiter : c;
          }
          TempDir dir;
          const auto path = dir.write("r.csv", random_roster(random, head, delimiter, 400, round >= 3));
          roster::Options options;
          options.delimiter = delimiter;
          if (header == "name,handle") {
            options.platform = core::Platform::tiktok;
          }
          std::size_t general_plain_rows = 0;
          const Pass general = read_rows(path, options, false, general_plain_rows);
          const Pass plain = read_rows(path, options, true, plain_rows);
          CHECK(plain.error == general.error);
          errors += general.error.empty() ? 0 : 1;
          REQUIRE(plain.rows.size() == general.rows.size());
          for (std::size_t i = 0; i < general.rows.size(); ++i) {
            CAPTURE(i);
            CHECK(plain.rows[i].record == general.rows[i].record);
            CHECK(plain.rows[i].line == general.rows[i].line);
            CHECK(plain.rows[i].lookups == general.rows[i].lookups);
          }
        }
      }
      CHECK_MESSAGE(plain_rows > plain_rows_before + 200, header);  // every layout takes the plain path
    }
    CHECK(plain_rows > 2000u);  // the plain path did run, often
    CHECK(errors > 10u);        // and so did the errors
  }

  TEST_CASE("next_plain: whole plain lines, first fields cut out; anything else left to next() at its line") {
    // Each record read with next_plain when it takes it, else with next(): which one took it, the
    // record's line, its first field; "error <line>" when next() stops.
    const auto walk = [](const std::string& content, std::size_t wanted) {
      TempDir dir;
      const auto path = dir.write("r.csv", content);
      roster::CsvReader reader(std::fopen(path.c_str(), "rb"), ',');
      std::vector<std::string_view> fields(wanted);
      std::vector<std::string_view> all;
      std::string_view line;
      std::vector<std::string> out;
      for (;;) {
        if (reader.next_plain(fields, line)) {
          out.push_back("plain " + std::to_string(reader.record_line()) + " " + std::string(fields[0]) + " [" +
                        std::string(line) + "]");
          continue;
        }
        auto more = reader.next(all);
        if (!more) {
          out.push_back("error " + std::to_string(more.error().line));
          return out;
        }
        if (!*more) {
          return out;
        }
        out.push_back("next " + std::to_string(reader.record_line()) + " " + std::string(all[0]));
      }
    };
    // A blank line, a quote among the fields asked for, UTF-8, a CRLF, a line break inside quotes,
    // a last line without LF: next()'s.
    CHECK(walk("a,b,c,d\n,\n\n\"q\",2\n\xc3\xa9,3\nlong,er\r\nx,\"two\nlines\"\nend,4", 3) ==
          std::vector<std::string>{"plain 1 a [a,b,c,d]", "plain 2  [,]", "next 4 q", "next 5 \xc3\xa9",
                                   "next 6 long", "next 7 x", "next 9 end"});
    // Past the fields asked for, fields quoted whole are checked, not cut out; a quote inside an
    // unquoted field or text after a closing quote is next()'s error, at its line.
    CHECK(walk("a,b,\"c,d\",\"\"\"\"\n\"a\",b\nx,y,\"z\"w\n", 2) ==
          std::vector<std::string>{"plain 1 a [a,b,\"c,d\",\"\"\"\"]", "next 2 a", "error 3"});
    CHECK(walk("a,b\nx\"y,1\n", 2) == std::vector<std::string>{"plain 1 a [a,b]", "error 2"});
    CHECK(walk("a,b,x\"y\n", 2) == std::vector<std::string>{"error 1"});
  }

  TEST_CASE("next_plain: fields, quotes and line ends on either side of its 64-byte steps") {
    // A first field of 0 to 140 bytes puts the delimiters, the quoted note and the LF of each line
    // at every offset from a step's start, in the first, second and third step.
    std::string content;
    std::vector<std::string> expected;
    for (std::size_t size = 0; size <= 140; ++size) {
      const std::string first(size, 'a' + static_cast<char>(size % 26));
      const std::string line = first + ",p" + std::to_string(size) + ",\"n, " + std::to_string(size) + "\"";
      content += line + "\n";
      expected.push_back(first + "|p" + std::to_string(size) + "|" + line);
    }
    TempDir dir;
    const auto path = dir.write("r.csv", content);
    roster::CsvReader reader(std::fopen(path.c_str(), "rb"), ',');
    std::vector<std::string_view> fields(2);
    std::string_view line;
    std::vector<std::string> got;
    while (reader.next_plain(fields, line)) {
      got.push_back(std::string(fields[0]) + "|" + std::string(fields[1]) + "|" + std::string(line));
    }
    CHECK(got == expected);
  }
}
