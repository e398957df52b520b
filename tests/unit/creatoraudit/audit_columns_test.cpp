#include "creatoraudit/audit_columns.hpp"

#include <doctest/doctest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace audit_columns_test {

using output::Cell;

creatoraudit::AuditRecord with_metrics(std::string metrics_json) {
  creatoraudit::AuditRecord record;
  record.status = creatoraudit::AuditStatus::metrics;
  record.account_id = "acc_1";
  record.last_scrape_time = "2026-12-01T10:00:00Z";
  record.period = "90d";
  record.metrics_json = std::move(metrics_json);
  return record;
}

roster::CellLookup valid_cell() {
  roster::CellLookup cell;
  cell.platform = core::Platform::tiktok;
  cell.handle = "ann";
  return cell;
}

const std::vector<std::string> k_fixed = {"audit_status", "audit_error", "audit_account_id",
                                          "audit_last_scrape_time", "audit_period"};

TEST_SUITE("creatoraudit::AuditColumns") {
  TEST_CASE("no metrics in the run: only the five fixed columns") {
    std::vector<creatoraudit::AuditRecord> records(2);
    records[1].status = creatoraudit::AuditStatus::quota_exceeded;
    records[1].error = "QUOTA_EXCEEDED: plan allows 10 accounts";
    const creatoraudit::AuditColumns columns(records);
    CHECK(columns.columns() == k_fixed);
    CHECK(columns.collision_prefix() == "ca_");
    const std::vector<Cell> cells = columns.cells(valid_cell(), 1);
    REQUIRE(cells.size() == 5);
    CHECK(cells[0].value == "quota_exceeded");
    CHECK(cells[1].kind == Cell::Kind::text);
    CHECK(cells[1].value == "QUOTA_EXCEEDED: plan allows 10 accounts");
    CHECK(columns.cells(valid_cell(), 0)[0].value == "pending");
  }

  TEST_CASE("metric columns in the order first seen across the records, cells by kind") {
    const std::vector<creatoraudit::AuditRecord> records = {
        with_metrics(
            R"({"account_id":"a","period":"90d","views":1200,"engagement_rate":0.0512,"name":"-Ann"})"),
        creatoraudit::AuditRecord{},
        with_metrics(
            R"({"account_id":"b","period":"90d","saves":null,"views":-5,"avg":{"likes":3},"tags":["x",1]})")};
    const creatoraudit::AuditColumns columns(records);
    std::vector<std::string> want = k_fixed;
    for (const char* metric : {"views", "engagement_rate", "name", "saves", "avg_likes", "tags"}) {
      want.push_back(std::string("audit_") + metric);
    }
    CHECK(columns.columns() == want);

    const std::vector<Cell> first = columns.cells(valid_cell(), 0);
    REQUIRE(first.size() == want.size());
    CHECK(first[0].value == "metrics");
    CHECK(first[2].value == "acc_1");
    CHECK(first[3].value == "2026-12-01T10:00:00Z");
    CHECK(first[4].value == "90d");
    CHECK(first[5].kind == Cell::Kind::number);
    CHECK(first[5].value == "1200");
    CHECK(first[6].kind == Cell::Kind::number);
    CHECK(first[6].value == "0.0512");         // as the API wrote it
    CHECK(first[7].kind == Cell::Kind::text);  // the writer guards it
    CHECK(first[7].value == "-Ann");
    CHECK(first[8].kind == Cell::Kind::empty);

    const std::vector<Cell> third = columns.cells(valid_cell(), 2);
    CHECK(third[5].kind == Cell::Kind::number);
    CHECK(third[5].value == "-5");
    CHECK(third[7].kind == Cell::Kind::empty);  // not in this item
    CHECK(third[8].kind == Cell::Kind::empty);  // null
    CHECK(third[9].value == "3");
    CHECK(third[10].kind == Cell::Kind::text);
    CHECK(third[10].value == "x; 1");

    // A record without metrics: no period, even one held.
    creatoraudit::AuditRecord pending;
    pending.period = "90d";
    const std::vector<creatoraudit::AuditRecord> held = {pending};
    const std::vector<Cell> none = creatoraudit::AuditColumns(held).cells(valid_cell(), 0);
    CHECK(none[0].value == "pending");
    CHECK(none[4].kind == Cell::Kind::empty);
  }

  TEST_CASE("invalid cells, lookups outside the records and unnamed rows") {
    const std::vector<creatoraudit::AuditRecord> records = {with_metrics(R"({"account_id":"a","views":1})")};
    const creatoraudit::AuditColumns columns(records);
    roster::CellLookup invalid = valid_cell();
    invalid.invalid_reason = "handle contains a space";
    const std::vector<Cell> cells = columns.cells(invalid, std::nullopt);
    REQUIRE(cells.size() == 6);
    CHECK(cells[0].value == "invalid");
    CHECK(cells[1].value == "handle contains a space");
    CHECK(cells[5].kind == Cell::Kind::empty);
    CHECK(columns.cells(valid_cell(), std::nullopt)[0].value == "error");
    CHECK(columns.cells(valid_cell(), 7)[0].value == "error");
    const std::vector<Cell> unnamed = columns.cells_of_unnamed_row();
    REQUIRE(unnamed.size() == 6);
    CHECK(unnamed[0].value == "invalid");
    CHECK(unnamed[1].kind == Cell::Kind::empty);
  }

  TEST_CASE("JSON: the audit object, metrics the item in its own order or null") {
    std::vector<creatoraudit::AuditRecord> records = {
        with_metrics(R"({"account_id":"a","period":"90d","views":1,"bio":"=x","z":{"b":1,"a":"\u00e9"}})"),
        creatoraudit::AuditRecord{}, with_metrics("not json")};
    records[1].status = creatoraudit::AuditStatus::not_tracked;
    records[1].error = "not tracked by the organization";
    const creatoraudit::AuditColumns columns(records);
    CHECK(columns.json_members(valid_cell(), 0) ==
          R"("audit":{"status":"metrics","error":null,"account_id":"acc_1","last_scrape_time":)"
          R"("2026-12-01T10:00:00Z","period":"90d","metrics":)"
          "{\"account_id\":\"a\",\"period\":\"90d\",\"views\":1,\"bio\":\"=x\",\"z\":{\"b\":1,\"a\":"
          "\"\xC3\xA9\"}}}");
    CHECK(columns.json_members(valid_cell(), 1) ==
          R"("audit":{"status":"not_tracked","error":"not tracked by the organization","account_id":null,)"
          R"("last_scrape_time":null,"period":null,"metrics":null})");
    // A stored item that is no JSON object (a damaged state file) is null, never broken JSON.
    const nlohmann::json damaged = nlohmann::json::parse("{" + columns.json_members(valid_cell(), 2) + "}");
    CHECK(damaged["audit"]["metrics"].is_null());
    CHECK(damaged["audit"]["period"] == "90d");
  }

  TEST_CASE("audit_status_name names every status as PRODUCT.md's statuses, and parses back") {
    using creatoraudit::AuditStatus;
    const std::vector<std::pair<AuditStatus, std::string>> names = {
        {AuditStatus::pending, "pending"},
        {AuditStatus::metrics, "metrics"},
        {AuditStatus::not_covered, "not_covered"},
        {AuditStatus::not_tracked, "not_tracked"},
        {AuditStatus::quota_exceeded, "quota_exceeded"},
        {AuditStatus::error, "error"},
        {AuditStatus::invalid, "invalid"}};
    for (const auto& [status, name] : names) {
      CHECK(creatoraudit::audit_status_name(status) == name);
      CHECK(creatoraudit::parse_audit_status(name) == status);
    }
    CHECK_FALSE(creatoraudit::parse_audit_status("scored"));
  }
}

}  // namespace audit_columns_test
