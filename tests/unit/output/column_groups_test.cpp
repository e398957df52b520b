#include <doctest/doctest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "creatoraudit/audit_columns.hpp"
#include "creatorscore/score_columns.hpp"
#include "output/enriched_writer.hpp"
#include "roster/roster_test_support.hpp"

namespace column_groups_test {

using output::Cell;

// A group with fixed cells whatever the lookup, counting how often it is asked.
class FakeGroup final : public output::ColumnGroup {
 public:
  std::vector<std::string> names = {"n", "t", "e"};
  std::vector<Cell> answer = {Cell::number("-3"), Cell::text("=1+1"), Cell()};
  std::string prefix = "zz_";
  mutable int asked_cells = 0;
  mutable int asked_json = 0;

  std::vector<std::string> columns() const override { return names; }
  std::string collision_prefix() const override { return prefix; }
  std::vector<Cell> cells(const roster::CellLookup& cell, std::optional<std::size_t>) const override {
    ++asked_cells;
    std::vector<Cell> cells = answer;
    cells.back() = Cell::text(cell.handle);
    return cells;
  }
  std::vector<Cell> cells_of_unnamed_row() const override { return std::vector<Cell>(names.size()); }
  std::string json_members(const roster::CellLookup& cell, std::optional<std::size_t>) const override {
    ++asked_json;
    std::string text = "\"fake\":";
    output::append_json_string(text, cell.handle);
    return text;
  }
};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    lines.push_back(line);
  }
  return lines;
}

// Writes `roster` with `groups`; every valid lookup's place is its handle's first-met order.
std::string write_with(const roster_test::TempDir& dir, const std::string& roster,
                       const std::vector<const output::ColumnGroup*>& groups,
                       output::Format format = output::Format::csv, bool guard = true) {
  const std::string path = dir.write("roster.csv", roster);
  auto reader = roster::RosterReader::open(path, roster::Options{});
  REQUIRE(reader);
  std::map<std::string, std::size_t> places;
  const auto locate = [&](const roster::CellLookup& lookup) -> std::optional<std::size_t> {
    return places.emplace(lookup.key(), places.size()).first->second;
  };
  output::WriteOptions options;
  options.path = (dir.path() / "out").string();
  options.format = format;
  options.formula_guard = guard;
  REQUIRE(output::write_enriched(options, **reader, groups, locate));
  return slurp(options.path);
}

creatoraudit::AuditRecord audit_record(std::string account_id, std::string metrics_json) {
  creatoraudit::AuditRecord record;
  record.status = creatoraudit::AuditStatus::metrics;
  record.account_id = std::move(account_id);
  record.last_scrape_time = "2026-12-01T10:00:00Z";
  record.period = "30d";
  record.metrics_json = std::move(metrics_json);
  return record;
}

state::LookupRecord score_record(std::string handle) {
  state::LookupRecord record;
  record.status = core::LookupStatus::scored;
  record.creator_json = R"({"score":71,"tier":"Good","display_name":")" + handle + R"("})";
  record.job_id = "job-" + handle;
  return record;
}

TEST_SUITE("output::write_enriched column groups") {
  TEST_CASE("a group's numbers are written as they are, its text guarded, its empty cells empty") {
    roster_test::TempDir dir;
    FakeGroup group;
    group.answer = {Cell::number("-3"), Cell::text("=1+1"), Cell()};
    const std::string roster = "name,platform,handle\nAnn,tiktok,@x\n";
    CHECK(lines_of(write_with(dir, roster, {&group})) ==
          std::vector<std::string>{"name,platform,handle,n,t,e", "Ann,tiktok,@x,-3,'=1+1,x"});
    CHECK(lines_of(write_with(dir, roster, {&group}, output::Format::csv, false)) ==
          std::vector<std::string>{"name,platform,handle,n,t,e", "Ann,tiktok,@x,-3,=1+1,x"});
  }

  TEST_CASE("rows naming the same lookup are formatted once per group") {
    roster_test::TempDir dir;
    FakeGroup group;
    const std::string roster = "name,platform,handle\nA,tiktok,ann\nB,tiktok,ann\nC,x,bo\nD,tiktok,ann\n";
    write_with(dir, roster, {&group});
    CHECK(group.asked_cells == 2);
    write_with(dir, roster, {&group}, output::Format::jsonl);
    CHECK(group.asked_json == 2);
  }

  TEST_CASE("a column colliding with an input column gets its group's prefix before the whole name") {
    roster_test::TempDir dir;
    const std::vector<state::LookupRecord> scores = {score_record("ann")};
    const std::vector<creatoraudit::AuditRecord> audits = {
        audit_record("a1", R"({"account_id":"a1","period":"30d","views":10})")};
    const creatorscore::ScoreColumns score_columns(scores, {});
    const creatoraudit::AuditColumns audit_columns(audits);
    const std::vector<std::string> lines = lines_of(write_with(
        dir, "Status,platform,handle,Audit_Views\nAnn,tiktok,ann,7\n", {&score_columns, &audit_columns}));
    REQUIRE(lines.size() == 2);
    CHECK(lines[0] ==
          "Status,platform,handle,Audit_Views,cs_status,score,tier,content_risk,brand_safety,sentiment,"
          "authenticity,"
          "audience_quality,community_trust,roi_prediction,knockouts,display_name,followers,last_scored_at,"
          "public_profile_url,error,job_id,audit_status,audit_error,audit_account_id,audit_last_scrape_time,"
          "audit_period,ca_audit_views");
    CHECK(lines[1] ==
          "Ann,tiktok,ann,7,scored,71,Good,,,,,,,,,ann,,,,,job-ann,metrics,,a1,2026-12-01T10:00:00Z,30d,10");
  }

  TEST_CASE("both groups: metric columns in the order first seen, numbers unguarded, API strings guarded") {
    roster_test::TempDir dir;
    const std::vector<state::LookupRecord> scores = {score_record("ann"), score_record("bo"),
                                                     score_record("cy")};
    std::vector<creatoraudit::AuditRecord> audits = {
        audit_record("a1", R"j({"account_id":"a1","period":"30d","views":10,"bio":"=HYPERLINK(1)"})j"),
        audit_record("a2",
                     R"({"account_id":"a2","period":"30d","growth":{"followers":-12},"views":3,"er":null})"),
        audit_record("", "")};
    audits[2].status = creatoraudit::AuditStatus::pending;
    audits[2].last_scrape_time.clear();
    audits[2].period = "30d";  // held without metrics: not written
    const creatorscore::ScoreColumns score_columns(scores, {});
    const creatoraudit::AuditColumns audit_columns(audits);
    const std::string roster = "name,platform,handle\nA,tiktok,ann\nB,instagram,bo\nC,tiktok,cy\n";
    const std::vector<std::string> lines =
        lines_of(write_with(dir, roster, {&score_columns, &audit_columns}));
    REQUIRE(lines.size() == 4);
    const std::string audit_header =
        "audit_status,audit_error,audit_account_id,audit_last_scrape_time,audit_period,"
        "audit_views,audit_bio,audit_growth_followers,audit_er";
    CHECK(lines[0].find(",job_id," + audit_header) != std::string::npos);
    CHECK(lines[0].size() == lines[0].find(audit_header) + audit_header.size());  // the audit group last
    CHECK(lines[1].find(",job-ann,metrics,,a1,2026-12-01T10:00:00Z,30d,10,'=HYPERLINK(1),,") !=
          std::string::npos);
    CHECK(lines[2].find(",job-bo,metrics,,a2,2026-12-01T10:00:00Z,30d,3,,-12,") != std::string::npos);
    CHECK(lines[3].find(",job-cy,pending,,,,,,,,") != std::string::npos);
    // Each row has as many cells as the header (no cell here holds a comma).
    for (const std::string& line : lines) {
      CHECK(std::count(line.begin(), line.end(), ',') == std::count(lines[0].begin(), lines[0].end(), ','));
    }
  }

  TEST_CASE("wide rosters: each group a set per platform column, CreatorScore's sets first") {
    roster_test::TempDir dir;
    const std::vector<state::LookupRecord> scores = {score_record("ann"), score_record("annie")};
    const std::vector<creatoraudit::AuditRecord> audits = {
        audit_record("a1", R"({"account_id":"a1","period":"7d","views":10})"),
        audit_record("a2", R"({"account_id":"a2","period":"7d","likes":4})")};
    const creatorscore::ScoreColumns score_columns(scores, {});
    const creatoraudit::AuditColumns audit_columns(audits);
    const std::vector<std::string> lines =
        lines_of(write_with(dir, "name,TikTok,Instagram\nAnn,ann,annie\n", {&score_columns, &audit_columns}));
    REQUIRE(lines.size() == 2);
    const std::string audit_sets =
        "tiktok_audit_status,tiktok_audit_error,tiktok_audit_account_id,tiktok_audit_last_scrape_time,"
        "tiktok_audit_period,tiktok_audit_views,tiktok_audit_likes,"
        "instagram_audit_status,instagram_audit_error,instagram_audit_account_id,"
        "instagram_audit_last_scrape_time,instagram_audit_period,instagram_audit_views,instagram_audit_likes";
    CHECK(lines[0].find("name,TikTok,Instagram,tiktok_status,") == 0);
    CHECK(lines[0].find(",tiktok_job_id,instagram_status,") != std::string::npos);
    CHECK(lines[0].find(",instagram_job_id," + audit_sets) != std::string::npos);
    CHECK(lines[0].size() == lines[0].find(audit_sets) + audit_sets.size());
    CHECK(
        lines[1].find(
            ",job-annie,metrics,,a1,2026-12-01T10:00:00Z,30d,10,,metrics,,a2,2026-12-01T10:00:00Z,30d,,4") !=
        std::string::npos);
  }

  TEST_CASE(
      "JSON and JSONL: CreatorScore's fields when it ran, then the audit object with the item as sent") {
    roster_test::TempDir dir;
    const std::vector<state::LookupRecord> scores = {score_record("ann"), score_record("bo")};
    std::vector<creatoraudit::AuditRecord> audits = {
        audit_record("a1", R"({"account_id":"a1","period":"30d","views":10,"bio":"=x","avg":{"z":1,"a":2}})"),
        audit_record("", "")};
    audits[1].status = creatoraudit::AuditStatus::not_covered;
    audits[1].last_scrape_time.clear();
    const creatorscore::ScoreColumns score_columns(scores, {});
    const creatoraudit::AuditColumns audit_columns(audits);
    const std::string roster = "name,platform,handle\nA,tiktok,ann\nB,youtube,bo\nC,tiktok,has space\n";
    const std::string jsonl =
        write_with(dir, roster, {&score_columns, &audit_columns}, output::Format::jsonl);
    const std::vector<std::string> lines = lines_of(jsonl);
    REQUIRE(lines.size() == 3);
    // Verbatim: the item's own key order, its strings unguarded (JSON is no spreadsheet).
    CHECK(lines[0].find(
              R"("handle":"ann","status":"scored","creator":{"display_name":"ann","score":71,)"
              R"("tier":"Good"},"error":null,"job_id":"job-ann","audit":{"status":"metrics","error":null,)"
              R"("account_id":"a1","last_scrape_time":"2026-12-01T10:00:00Z","period":"30d","metrics":)"
              R"({"account_id":"a1","period":"30d","views":10,"bio":"=x","avg":{"z":1,"a":2}}}})") !=
          std::string::npos);
    const nlohmann::json second = nlohmann::json::parse(lines[1]);
    CHECK(second["lookups"][0]["audit"] ==
          nlohmann::json::parse(
              R"({"status":"not_covered","error":null,"account_id":null,"last_scrape_time":null,)"
              R"("period":null,"metrics":null})"));
    const nlohmann::json third = nlohmann::json::parse(lines[2]);
    CHECK(third["lookups"][0]["status"] == "invalid");
    CHECK(third["lookups"][0]["audit"]["status"] == "invalid");
    CHECK(third["lookups"][0]["audit"]["error"] == third["lookups"][0]["error"]);

    // JSON: the same objects in an array.
    const nlohmann::json array = nlohmann::json::parse(
        write_with(dir, roster, {&score_columns, &audit_columns}, output::Format::json));
    REQUIRE(array.size() == 3);
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(array[i] == nlohmann::json::parse(lines[i]));
    }

    // CreatorAudit alone: no CreatorScore fields.
    const nlohmann::json alone =
        nlohmann::json::parse(lines_of(write_with(dir, roster, {&audit_columns}, output::Format::jsonl))[0]);
    const nlohmann::json& lookup = alone["lookups"][0];
    CHECK(lookup.size() == 3);
    CHECK(lookup["platform"] == "tiktok");
    CHECK(lookup["handle"] == "ann");
    CHECK(lookup["audit"]["metrics"]["views"] == 10);
  }
}

}  // namespace column_groups_test
