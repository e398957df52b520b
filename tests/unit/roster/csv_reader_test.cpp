#include <doctest/doctest.h>

#include <cstdio>
#include <string>
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
