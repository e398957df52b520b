#include <doctest/doctest.h>

#include <fstream>
#include <functional>
#include <map>
#include <optional>
#include <sstream>
#include <string>

#include <nlohmann/json.hpp>

#include "core/platform.hpp"
#include "creatorscore/score_columns.hpp"
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

// Writes `roster` in `format` through CreatorScore's columns, with every lookup answered as
// scored; `place` gives each handle its place in the index (and the record's).
std::string write(const roster_test::TempDir& dir, const std::string& roster, output::Format format,
                  const std::function<std::size_t(const std::string&)>& place) {
  const std::string path = dir.write("roster.csv", roster);
  auto reader = roster::RosterReader::open(path, roster::Options{});
  REQUIRE(reader);
  std::vector<state::LookupRecord> records;
  const auto locate = [&](const roster::CellLookup& lookup) -> std::optional<std::size_t> {
    const std::size_t at = place(lookup.handle);
    records.resize(std::max(records.size(), at + 1));
    records[at].status = core::LookupStatus::scored;
    records[at].creator_json = creator_json(lookup.handle);
    records[at].job_id = "job-" + lookup.handle;
    return at;
  };
  output::WriteOptions options;
  options.path = (dir.path() / "out").string();
  options.format = format;
  const creatorscore::ScoreColumns columns(records, {});
  REQUIRE(output::write_enriched(options, **reader, {&columns}, locate));
  return read_file(options.path);
}

}  // namespace

TEST_SUITE("output::write_enriched") {
  TEST_CASE("rows naming the same lookup, or lookups sharing a cache slot, each get their own answer") {
    // Handles a and b sit 4,096 places apart in the index: one slot of the writer's cache (4,096
    // slots), taken in turn. c and d are named again and again from nearby places. The same roster
    // with every lookup in a slot of its own is the reference.
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
      const std::map<std::string, std::size_t> apart = {{"aaa", 0}, {"bb", 1}, {"c", 2}, {"dddd", 3}};
      const std::string unshared =
          write(dir, roster, format, [&](const std::string& handle) { return apart.at(handle); });
      CHECK(placed == unshared);  // sharing a slot changes nothing
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

  TEST_CASE("CSV: every cell of API text is guarded; numeric columns take JSON numbers only") {
    // Formula text in every field the API fills (strings where numbers belong too), an error and a
    // job id that start a formula, and an --include field. No cell holds a comma, so a line splits
    // on commas.
    roster_test::TempDir dir;
    const std::string path = dir.write("roster.csv", "name,platform,handle\nAnn,tiktok,ann\n");
    const std::string payload =
        R"j({"score":"=1+1","tier":"+Good","display_name":"@x","followers":"1e999",)j"
        R"j("last_scored_at":"@SUM(A1)","public_profile_url":"-2+3","narrative":"=n",)j"
        R"j("knockouts":["=cmd|' /C calc'!A0"],"agents":{"content_risk":"=1+1",)j"
        R"j("brand_safety":"-1","sentiment":"\t=2","authenticity":50.5,)j"
        R"j("audience_quality":-3,"community_trust":true,"roi_prediction":{"v":1}}})j";
    const auto cells_of = [&](bool guard) {
      auto reader = roster::RosterReader::open(path, roster::Options{});
      REQUIRE(reader);
      output::WriteOptions options;
      options.path = (dir.path() / "out.csv").string();
      options.formula_guard = guard;
      std::vector<state::LookupRecord> records(1);
      records[0].status = core::LookupStatus::scored;
      records[0].creator_json = payload;
      records[0].error = "=err";
      records[0].job_id = "=job-1";
      const creatorscore::ScoreColumns columns(records, {"narrative"});
      const auto first = [](const roster::CellLookup&) { return std::optional<std::size_t>(0); };
      REQUIRE(output::write_enriched(options, **reader, {&columns}, first));
      std::istringstream lines(read_file(options.path));
      std::string header;
      std::string row;
      std::getline(lines, header);
      std::getline(lines, row);
      std::map<std::string, std::string> cells;
      std::istringstream names(header);
      std::istringstream values(row);
      std::string name;
      std::string value;
      while (std::getline(names, name, ',')) {
        value.clear();
        std::getline(values, value, ',');
        cells[name] = value;
      }
      return cells;
    };
    const std::map<std::string, std::string> numbers_only = {
        {"score", ""},         {"followers", ""},         {"content_risk", ""},      {"brand_safety", ""},
        {"sentiment", ""},     {"authenticity", "50.5"},  {"audience_quality", "-3"}, {"community_trust", ""},
        {"roi_prediction", ""}};
    const std::map<std::string, std::string> guarded = {
        {"tier", "'+Good"},          {"display_name", "'@x"},      {"last_scored_at", "'@SUM(A1)"},
        {"public_profile_url", "'-2+3"}, {"narrative", "'=n"},     {"knockouts", "'=cmd|' /C calc'!A0"},
        {"error", "'=err"},          {"job_id", "'=job-1"}};
    const std::map<std::string, std::string> on = cells_of(true);
    const std::map<std::string, std::string> off = cells_of(false);
    for (const auto& [column, want] : numbers_only) {
      CAPTURE(column);
      CHECK(on.at(column) == want);
      CHECK(off.at(column) == want);  // not a number with or without the guard
    }
    for (const auto& [column, want] : guarded) {
      CAPTURE(column);
      CHECK(on.at(column) == want);
      CHECK(off.at(column) == want.substr(1));  // --no-formula-guard: as the API sent it
    }
    CHECK(on.at("status") == "scored");
  }

  TEST_CASE("a JSON row is the text nlohmann's dump of it would be") {
    // The writer writes JSON rows as text; here each row is also built as an ordered_json tree and
    // dumped, as the writer did before, from the same roster and answers.
    using nlohmann::json;
    using nlohmann::ordered_json;
    roster_test::TempDir dir;
    const std::string roster = std::string("Name,Name,TikTok,X,Notes\n") +
                               "\"Ann \"\"Q\"\" \\ back\",dup,ann,@ANN,\"tab\there, comma\"\n" +
                               "Bo \xC3\xA9\xF0\x9F\x98\x80,,bo,,\n" +
                               "Cy,,has space,cy,\n" +
                               "Dee,,,,\"line\nbreak\"\n" +
                               "Eve,,eve\n";
    const std::map<std::string, std::string> payloads = {
        {"ann", R"({"score":71,"tier":"Good","agents":{"sentiment":0.1,"roi_prediction":1e21},"z":-0.0,"a":[1,2.5,"\u00e9"]})"},
        {"ANN", R"({"score":12345678901234567890,"display_name":"x\"y\\z\u0001"})"},
        {"bo", ""},
        {"cy", "not json {"},
        {"eve", R"({"nested":{"b":{"d":1,"c":[]},"a":null},"followers":12345678.9})"},
    };
    const std::string path = dir.write("roster.csv", roster);
    struct View {
      core::LookupStatus status;
      std::string creator_json, error, job_id;
    };
    const auto answer = [&](const roster::CellLookup& lookup) {
      const auto found = payloads.find(lookup.handle);
      return View{core::LookupStatus::scored, found == payloads.end() ? std::string() : found->second,
                  lookup.handle == "cy" ? "odd \"answer\"" : "", lookup.handle == "bo" ? "" : "job-1"};
    };
    // Each handle its own record, in the order first met; none shares a place.
    std::vector<state::LookupRecord> records;
    std::map<std::string, std::size_t> places;
    const auto locate = [&](const roster::CellLookup& lookup) -> std::optional<std::size_t> {
      const auto [it, added] = places.emplace(lookup.handle, records.size());
      if (added) {
        const View view = answer(lookup);
        state::LookupRecord& record = records.emplace_back();
        record.status = view.status;
        record.creator_json = view.creator_json;
        record.error = view.error;
        record.job_id = view.job_id;
      }
      return it->second;
    };
    auto reader = roster::RosterReader::open(path, roster::Options{});
    REQUIRE(reader);
    output::WriteOptions options;
    options.path = (dir.path() / "out.jsonl").string();
    options.format = output::Format::jsonl;
    const creatorscore::ScoreColumns columns(records, {});
    REQUIRE(output::write_enriched(options, **reader, {&columns}, locate));

    auto again = roster::RosterReader::open(path, roster::Options{});
    REQUIRE(again);
    std::istringstream written(read_file(options.path));
    const std::vector<std::string> keys = {"Name", "Name_2", "TikTok", "X", "Notes"};
    roster::Row row;
    int rows = 0;
    while (*(*again)->next(row)) {
      ordered_json object;
      object["row"] = row.record;
      ordered_json input = ordered_json::object();
      for (std::size_t i = 0; i < keys.size(); ++i) {
        input[keys[i]] = i < row.cells.size() ? row.cells[i] : std::string();
      }
      object["input"] = input;
      ordered_json lookups = ordered_json::array();
      for (const roster::CellLookup& lookup : row.lookups) {
        const View view = lookup.valid() ? answer(lookup)
                                         : View{core::LookupStatus::invalid, "", lookup.invalid_reason, ""};
        ordered_json entry;
        entry["platform"] = lookup.platform ? json(std::string(core::platform_name(*lookup.platform))) : json();
        entry["handle"] = lookup.handle;
        entry["status"] = std::string(core::status_name(view.status));
        const json creator = view.creator_json.empty() ? json() : json::parse(view.creator_json, nullptr, false);
        entry["creator"] = creator.is_discarded() ? json() : creator;
        entry["error"] = view.error.empty() ? json() : json(std::string(view.error));
        entry["job_id"] = view.job_id.empty() ? json() : json(std::string(view.job_id));
        lookups.push_back(entry);
      }
      object["lookups"] = lookups;
      std::string line;
      REQUIRE(std::getline(written, line));
      CHECK(line == object.dump(-1, ' ', false, json::error_handler_t::replace));
      ++rows;
    }
    CHECK(rows == 5);
    std::string extra;
    CHECK_FALSE(std::getline(written, extra));
  }
}
