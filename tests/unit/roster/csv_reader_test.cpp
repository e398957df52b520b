#include <doctest/doctest.h>

#include <csv.h>

#include <cstdio>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "roster/csv_reader.hpp"
#include "roster/delimiter.hpp"
#include "roster/roster_test_support.hpp"

using roster_test::TempDir;

namespace {

struct Records {
  std::vector<std::vector<std::string>> fields;
  std::vector<std::size_t> lines;
  std::string error;
};

Records read_records(const std::string& content, char delimiter = ',', roster::CsvLimits limits = {}) {
  TempDir dir;
  const auto path = dir.write("r.csv", content);
  roster::CsvReader reader(std::fopen(path.c_str(), "rb"), delimiter, limits);
  Records out;
  std::vector<std::string> fields;
  for (;;) {
    auto more = reader.next(fields);
    if (!more) {
      out.error = std::to_string(more.error().line) + ": " + more.error().message;
      return out;
    }
    if (!*more) {
      return out;
    }
    out.fields.push_back(fields);
    out.lines.push_back(reader.record_line());
  }
}

using Fields = std::vector<std::vector<std::string>>;

// The records CsvReader's view API gives (each copied before the next call, as views allow), and
// whether it stopped at an error.
struct ViewRecords {
  Fields fields;
  bool malformed = false;
};

ViewRecords read_views(const std::string& content, char delimiter) {
  TempDir dir;
  const auto path = dir.write("r.csv", content);
  roster::CsvReader reader(std::fopen(path.c_str(), "rb"), delimiter);
  ViewRecords out;
  std::vector<std::string_view> views;
  for (;;) {
    auto more = reader.next(views);
    if (!more || !*more) {
      out.malformed = !more;
      return out;
    }
    out.fields.emplace_back(views.begin(), views.end());
  }
}

// libcsv alone, set up as CsvReader sets it up, fed the whole text at once: the reference that
// CsvReader's own split of plain one-line records must agree with.
ViewRecords libcsv_records(const std::string& content, char delimiter) {
  struct Sink {
    Fields fields;
    std::vector<std::string> record;
  } sink;
  const auto on_field = [](void* data, std::size_t length, void* out) {
    static_cast<Sink*>(out)->record.emplace_back(static_cast<const char*>(data), length);
  };
  const auto on_record = [](int, void* out) {
    auto& to = *static_cast<Sink*>(out);
    to.fields.push_back(std::move(to.record));
    to.record.clear();
  };
  csv_parser parser;
  csv_init(&parser, CSV_STRICT | CSV_STRICT_FINI);
  csv_set_delim(&parser, static_cast<unsigned char>(delimiter));
  csv_set_space_func(&parser, [](unsigned char) { return 0; });
  bool parsed = csv_parse(&parser, content.data(), content.size(), on_field, on_record, &sink) == content.size();
  parsed = parsed && csv_fini(&parser, on_field, on_record, &sink) == 0;
  csv_free(&parser);
  return {std::move(sink.fields), !parsed};
}

// Random CSV text from the pieces that matter to the two paths: plain and quoted fields, "",
// delimiters, every line end, spaces, UTF-8, quotes where they are errors.
std::string random_csv(std::mt19937& random, char delimiter, std::size_t pieces, bool well_formed) {
  const std::vector<std::string> plain = {"a", "Bob", "x y", " ", "\xc3\xa9t\xc3\xa9", "@ann", "1"};
  const std::vector<std::string> quoted = {"\"a\"", "\"\"", "\"say \"\"hi\"\"\"", "\"a,b;c\"", "\"two\nlines\"",
                                           "\"cr\r\nlf\"", "\"\xc3\xa9\""};
  const std::vector<std::string> ends = {"\n", "\r\n", "\r", "\n\n"};
  const std::vector<std::string> broken = {"a\"b", "\"a\"b", "\"open"};
  std::string text;
  for (std::size_t i = 0; i < pieces; ++i) {
    const unsigned roll = random() % 100;
    if (roll < 35) {
      text += plain[random() % plain.size()];
    } else if (roll < 50) {
      if (!text.empty() && text.back() != delimiter && text.back() != '\n' && text.back() != '\r') {
        text += delimiter;  // a quote inside an unquoted field is an error
      }
      text += quoted[random() % quoted.size()];
    } else if (roll < 80) {
      text += delimiter;
    } else if (roll < 99 || well_formed) {
      text += ends[random() % ends.size()];
    } else {
      text += broken[random() % broken.size()];
    }
    if (roll >= 35 && roll < 50 && random() % 2 == 0) {
      text += delimiter;  // a quoted field is followed by a delimiter or a line end to be valid
    } else if (roll >= 35 && roll < 50) {
      text += '\n';
    }
  }
  return text;
}

}  // namespace

TEST_SUITE("roster::CsvReader") {
  TEST_CASE("next: RFC 4180 fields") {
    const struct {
      const char* content;
      Fields fields;
      std::vector<std::size_t> lines;
    } cases[] = {
        {"a,b\n", {{"a", "b"}}, {1}},
        {"a,b", {{"a", "b"}}, {1}},
        {"a,b\r\nc,d\r\n", {{"a", "b"}, {"c", "d"}}, {1, 2}},
        {"\"a,b\",c\n", {{"a,b", "c"}}, {1}},
        {"\"say \"\"hi\"\"\",c\n", {{"say \"hi\"", "c"}}, {1}},
        {"\"x\ny\",z\nnext\n", {{"x\ny", "z"}, {"next"}}, {1, 3}},
        {"\"x\r\ny\r\n\",z\r\nnext\r\n", {{"x\r\ny\r\n", "z"}, {"next"}}, {1, 4}},
        {" a , b \n", {{" a ", " b "}}, {1}},
        {"a,,\n", {{"a", "", ""}}, {1}},
        {"\"\",\"\"\n", {{"", ""}}, {1}},
        {"\n\na\n\n\nb\n", {{"a"}, {"b"}}, {3, 6}},
        {"a\rb\rc", {{"a"}, {"b"}, {"c"}}, {1, 2, 3}},
        {"a\r\n\r\nb", {{"a"}, {"b"}}, {1, 3}},
        {"", {}, {}},
    };
    for (const auto& c : cases) {
      const std::string content = c.content;
      CAPTURE(content);
      const Records records = read_records(content);
      CHECK(records.error == "");
      CHECK(records.fields == c.fields);
      CHECK(records.lines == c.lines);
    }
  }

  TEST_CASE("next: other delimiters; the others are text") {
    CHECK(read_records("a;b,c\n", ';').fields == Fields{{"a", "b,c"}});
    CHECK(read_records("a\tb c\n", '\t').fields == Fields{{"a", "b c"}});
    CHECK(read_records("a|\"b|c\"\n", '|').fields == Fields{{"a", "b|c"}});
  }

  TEST_CASE("next: limits and malformed input") {
    roster::CsvLimits small;
    small.max_field_bytes = 4;
    small.max_record_bytes = 6;
    small.max_fields = 3;
    CHECK(read_records("abcd,x\nabcde\n", ',', small).error == "2: field longer than 4 bytes (is this a roster?)");
    CHECK(read_records("a,b,c,d\n", ',', small).error == "1: more than 3 fields in one record");
    CHECK(read_records("abcd,abc\n", ',', small).error == "1: record longer than 6 bytes");
    CHECK(read_records("a\n\"b\nc\nd", ',').error == "2: unterminated quoted field (a \" opened here is never closed)");
    CHECK(read_records("a,\"b\nc\",\"d\ne", ',').error == "2: unterminated quoted field (a \" opened here is never closed)");
  }

  TEST_CASE("next: records split without libcsv agree with libcsv, field for field") {
    const char* const records[] = {
        "a,b,c\n",          "a,b,c\r\n",        " a , b \n",          "a,,\n",           ",\n",
        "\"a,b\",c\n",      "\"say \"\"hi\"\"\",c\n", "\"\",\"\"\n",         "\xc3\xa9,\xe2\x82\xac\n", "a,\"\"\"\"\n",
        "a\"b,c\n",         "\"a\"b,c\n",        "a,b\rc,d\n",        "\"x\ny\",z\n",      "\"x\r\ny\"\r\n",
        "a,\"b\" ,c\n",      "a,b",               "\"unterminated\n", "a;b,c\n",          "\"a\"\"\n",
    };
    for (const char* record : records) {
      // Alone, and after a first line (the fast path reads only records that start a line).
      for (const std::string& content : {std::string(record), "h\n" + std::string(record)}) {
        CAPTURE(content);
        const ViewRecords got = read_views(content, ',');
        const ViewRecords expected = libcsv_records(content, ',');
        CHECK(got.malformed == expected.malformed);
        CHECK(got.fields == expected.fields);
      }
    }
  }

  TEST_CASE("next: random text reads as libcsv reads it, across 64 KiB chunks too") {
    std::mt19937 random(20240601);
    for (const char delimiter : {',', ';', '\t'}) {
      for (int round = 0; round < 300; ++round) {
        const std::string content = random_csv(random, delimiter, 40, round % 2 == 0);
        CAPTURE(content);
        const ViewRecords got = read_views(content, delimiter);
        const ViewRecords expected = libcsv_records(content, delimiter);
        REQUIRE(got.malformed == expected.malformed);
        if (!got.malformed) {
          REQUIRE(got.fields == expected.fields);
        }
      }
      // One text of ~300 KiB: records that straddle the reader's chunks go through libcsv.
      const std::string content = random_csv(random, delimiter, 60000, true);
      const ViewRecords got = read_views(content, delimiter);
      const ViewRecords expected = libcsv_records(content, delimiter);
      CHECK_FALSE(got.malformed);
      CHECK(got.fields.size() > 5000u);
      CHECK(got.fields == expected.fields);
    }
  }

  TEST_CASE("next: views and strings give the same records") {
    const std::string content = "a,\"b\"\"c\",d\n\"multi\nline\",e\n\xc3\xa9,f\r\n";
    const ViewRecords views = read_views(content, ',');
    CHECK_FALSE(views.malformed);
    CHECK(views.fields == read_records(content).fields);
    CHECK(views.fields == Fields{{"a", "b\"c", "d"}, {"multi\nline", "e"}, {"\xc3\xa9", "f"}});
  }

  TEST_CASE("next: the field limit holds while libcsv buffers a long field") {
    roster::CsvLimits limits;
    limits.max_field_bytes = 100 * 1024;
    const Records records = read_records("a\n\"" + std::string(300 * 1024, 'x'), ',', limits);
    CHECK(records.error == "2: field longer than 102400 bytes (is this a roster?)");
  }
}

TEST_SUITE("roster::DelimiterDetector") {
  TEST_CASE("delimiter: most frequent outside quotes, ties in order , ; TAB |") {
    const struct {
      const char* header;
      char delimiter;
    } cases[] = {
        {"a,b,c\n", ','},       {"a;b;c\n", ';'},        {"a\tb\tc\n", '\t'},   {"a|b|c\n", '|'},
        {"a\n", ','},           {"a;b,c\n", ','},         {"a|b;c\n", ';'},      {"\"a,b,c\";d\n", ';'},
        {"a;b\nc,d,e,f\n", ';'}, {"\"multi\nline,,,\";x\n", ';'}, {"a;b;c", ';'},
    };
    for (const auto& c : cases) {
      const std::string header = c.header;
      CAPTURE(header);
      roster::DelimiterDetector detector;
      detector.feed(header);
      CHECK(detector.delimiter() == c.delimiter);
    }
  }

  TEST_CASE("feed: the header line may arrive in pieces") {
    roster::DelimiterDetector detector;
    CHECK_FALSE(detector.feed("a;\"b"));
    CHECK_FALSE(detector.feed(",,,\";c"));
    CHECK(detector.feed("\nd,e,f,g,h"));
    CHECK(detector.delimiter() == ';');
  }
}
