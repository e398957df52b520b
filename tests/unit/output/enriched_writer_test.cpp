#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include "output/enriched_writer.hpp"
#include "roster/roster_test_support.hpp"

namespace {

// A creator payload whose fields name the handle, so that a row written with another row's answer
// shows.
std::string creator_json(const std::string& handle) {
  return R"({"score":)" + std::to_string(handle.size() * 7 % 100) + R"(,"tier":"Good","display_name":")" + handle +
         R"(","knockouts":["k_)" + handle + R"("],"agents":{"sentiment":50.5}})";
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Writes `roster` in `format` with every lookup answered as scored; `place` gives each handle its
// place in the index (nullopt: none, so nothing can be reused).
std::string write(const roster_test::TempDir& dir, const std::string& roster, output::Format format,
                  const std::function<std::optional<std::size_t>(const std::string&)>& place) {
  const std::string path = dir.write("roster.csv", roster);
  auto reader = roster::RosterReader::open(path, roster::Options{});
  REQUIRE(reader);
  std::map<std::string, std::pair<std::string, std::string>> answers;  // payload and job, alive for the views
  output::WriteOptions options;
  options.path = (dir.path() / "out").string();
  options.format = format;
  const auto resolve = [&](const roster::CellLookup& lookup) {
    auto& [payload, job] = answers[lookup.handle];
    payload = creator_json(lookup.handle);
    job = "job-" + lookup.handle;
    return output::LookupView{core::LookupStatus::scored, payload, "", job, place(lookup.handle)};
  };
  REQUIRE(output::write_enriched(options, **reader, resolve));
  return read_file(options.path);
}

}  // namespace

TEST_SUITE("output::write_enriched") {
  TEST_CASE("rows naming the same lookup, or lookups sharing a cache slot, each get their own answer") {
    // Handles a and b sit 4,096 places apart in the index: one slot of the writer's cache (4,096
    // slots), taken in turn. c and d are named again and again from nearby places.
    roster_test::TempDir dir;
    const std::map<std::string, std::size_t> places = {{"aaa", 5}, {"bb", 5 + 4096}, {"c", 6}, {"dddd", 7}};
    std::string roster = "name,platform,handle\n";
    for (int i = 0; i < 40; ++i) {
      roster += "n" + std::to_string(i) + ",tiktok," + std::string(i % 2 == 0 ? "aaa" : "bb") + "\n";
      roster += "m" + std::to_string(i) + ",x," + std::string(i % 3 == 0 ? "c" : "dddd") + "\n";
    }
    for (const output::Format format : {output::Format::csv, output::Format::json, output::Format::jsonl}) {
      CAPTURE(static_cast<int>(format));
      const std::string placed =
          write(dir, roster, format, [&](const std::string& handle) { return places.at(handle); });
      const std::string unplaced =
          write(dir, roster, format, [](const std::string&) { return std::optional<std::size_t>(); });
      CHECK(placed == unplaced);  // reusing answers changes nothing
    }
    // And the answers are the rows' own: each CSV line carries its handle's display name and job.
    const std::string csv =
        write(dir, roster, output::Format::csv, [&](const std::string& handle) { return places.at(handle); });
    std::istringstream lines(csv);
    std::string line;
    std::getline(lines, line);  // header
    int rows = 0;
    while (std::getline(lines, line)) {
      const std::string handle = line.substr(line.find(',', line.find(',') + 1) + 1,
                                             line.find(',', line.find(',', line.find(',') + 1) + 1) -
                                                 line.find(',', line.find(',') + 1) - 1);
      CAPTURE(line);
      CHECK(line.find(",Good,") != std::string::npos);
      CHECK(line.find(",k_" + handle + ",") != std::string::npos);
      CHECK(line.find(",job-" + handle) != std::string::npos);
      ++rows;
    }
    CHECK(rows == 80);
  }
}
