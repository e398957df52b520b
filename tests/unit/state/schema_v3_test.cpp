// Schema v3 (docs/providers.md, step 1): records keyed by provider and lookup, the v2→v3
// migration, the `lookups` view, and the provider records of Store::begin_start/save_records.

#include <doctest/doctest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "state/sqlite_handle.hpp"
#include "state/sqlite_store.hpp"
#include "state/status_report.hpp"
#include "state_test_support.hpp"

using core::LookupStatus;
using core::Platform;
using state::ProviderRecord;

namespace schema_v3_test {

// After test::k_schema_v1_sql: the v2 schema as roster-enrich 0.2 made it (schema.cpp,
// migrate_1_to_2), with two runs: run 1 completed (its lookups pruned), run 2 incomplete with a
// lookup in every status, an intent, times, charges and refunds.
const char* const k_v2_file = R"sql(
ALTER TABLE runs ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN tenant_name TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN commits INTEGER NOT NULL DEFAULT 0;
INSERT INTO runs VALUES (1, '/r.csv', '', 'http://127.0.0.1:1', '', 5, 9, 3, '', 'ten_a', 'Agency A', 4);
INSERT INTO runs VALUES (2, '/r.csv', '', 'http://127.0.0.1:2', '', 10, 90, 2, 'deadline', 'ten_a',
  'Agency A', 7);
INSERT INTO lookups VALUES (2, 'youtube' || char(31) || 'zed', 3, 'Zed', 2, 'job_z',
  '{"score":97,"note":"é \" ;"}', '', 1, 0,
  1000, 2000, 3000, 1, 0);
INSERT INTO lookups VALUES (2, 'tiktok' || char(31) || 'anna', 1, 'anna', 0, '', '', '', 0, 0, NULL,
  NULL, NULL, 0, 1);
INSERT INTO lookups VALUES (2, 'x' || char(31) || 'jack', 4, 'jack', 5, 'job_j', '', '', 1, 0, 1500,
  NULL, 61500, 0, 0);
INSERT INTO lookups VALUES (2, 'instagram' || char(31) || 'bo', 2, 'bo', 1, '', '{"score":50}', '', 0, 0,
  NULL, NULL, NULL, 0, 0);
INSERT INTO lookups VALUES (2, 'tiktok' || char(31) || 'f', 1, 'f', 3, 'job_f', '', 'job_failed', 1, 1,
  10, 20, NULL, 0, 0);
INSERT INTO lookups VALUES (2, 'tiktok' || char(31) || 'nf', 1, 'nf', 4, 'job_nf', '', 'job_not_found',
  0, 0, NULL, NULL, NULL, 0, 0);
INSERT INTO lookups VALUES (2, 'tiktok' || char(31) || 's', 1, 's', 6, '', '', 'budget_exhausted', 0, 0,
  NULL, NULL, NULL, 0, 0);
INSERT INTO lookups VALUES (2, 'tiktok' || char(31) || 'i', 1, 'i', 7, '', '', 'invalid_handle', 0, 0,
  NULL, NULL, NULL, 0, 0);
INSERT INTO lookups VALUES (2, 'tiktok' || char(31) || 'e', 1, 'e', 8, '', '', 'internal', 0, 0, NULL,
  NULL, NULL, 0, 1);
INSERT INTO totals VALUES (1, 3, 0, 4);
INSERT INTO totals VALUES (2, 4, 1, 9);
PRAGMA user_version = 2;
)sql";

constexpr const char* k_v2_columns =
    "run_id, lookup_key, platform, handle, status, job_id, creator_json, error, credits_charged, "
    "credits_refunded, "
    "coalesce(submitted_at_ms, 'null'), coalesce(last_polled_at_ms, 'null'), "
    "coalesce(expected_done_at_ms, 'null'), include_fetched, submit_intent";

void make_v2_file(const std::string& path) {
  state::Database db(path, state::OpenMode::read_write_create);
  db.exec(std::string(test::k_schema_v1_sql) + k_v2_file, "test");
  db.exec("PRAGMA application_id = " + std::to_string(state::k_application_id), "test");
}

// Every row of `sql` (its first 18 columns as text, '|'-joined), in order.
std::vector<std::string> rows_of(const std::string& path, const std::string& sql) {
  state::Database db(path, state::OpenMode::read_only);
  state::Statement statement(db, sql);
  std::vector<std::string> rows;
  while (statement.step("test")) {
    std::string row;
    for (int column = 0; column < 18; ++column) {
      row += statement.column_text(column) + "|";
    }
    // Columns past the statement's read as empty: cut them (and any empty last column) off.
    rows.push_back(row.substr(0, row.find_last_not_of('|') + 1));
  }
  return rows;
}

state::RunInfo audit_run_info() {
  return state::RunInfo{"/data/roster.csv", "", "https://creatorscore.io",
                        "creatorscore:include=", util::TimePoint{util::Duration(1'700'000'000'000)}};
}

std::vector<state::LookupRecord> score_lookups() {
  std::vector<state::LookupRecord> records(3);
  const char* handles[] = {"anna", "Bob", "cara"};
  for (std::size_t i = 0; i < records.size(); ++i) {
    records[i].index = i;
    records[i].platform = i == 1 ? Platform::instagram : Platform::tiktok;
    records[i].handle = handles[i];
  }
  return records;
}

ProviderRecord audit_record(Platform platform, std::string handle) {
  ProviderRecord record;
  record.platform = platform;
  record.handle = std::move(handle);
  record.status = "unstarted";
  return record;
}

std::vector<const ProviderRecord*> record_pointers(const std::vector<ProviderRecord>& records) {
  std::vector<const ProviderRecord*> out;
  for (const auto& record : records) {
    out.push_back(&record);
  }
  return out;
}

TEST_SUITE("state schema v3") {
  TEST_CASE("migration 2 to 3: every record and total intact, the lookups view answers the v2 queries") {
    test::TempDir dir;
    const std::string path = dir.file("v2.db");
    make_v2_file(path);
    const std::string every_lookup = std::string("SELECT ") + k_v2_columns + " FROM lookups ORDER BY rowid";
    const std::string harness_query =  // tests/integration/state_harness.py
        "SELECT status, job_id, creator_json, submit_intent, handle FROM lookups WHERE run_id = 2";
    const auto v2_lookups = rows_of(path, every_lookup);
    const auto v2_harness = rows_of(path, harness_query);
    const auto v2_runs = rows_of(path, "SELECT * FROM runs ORDER BY id");
    const auto v2_totals = rows_of(path, "SELECT * FROM totals ORDER BY run_id");
    REQUIRE(v2_lookups.size() == 9);
    const auto v2_report = state::load_status_report(path, util::TimePoint{util::Duration(5000)});
    REQUIRE(v2_report.has_value());

    auto store = test::open_store(path);
    CHECK(rows_of(path, "PRAGMA user_version") == std::vector<std::string>{"3"});
    CHECK(rows_of(path, "SELECT type FROM sqlite_schema WHERE name = 'lookups'") ==
          std::vector<std::string>{"view"});
    // The view, in rowid order (the view has no rowid: the table's order, run_id then insertion).
    CHECK(rows_of(path, std::string("SELECT ") + k_v2_columns + " FROM lookups") == v2_lookups);
    CHECK(rows_of(path, harness_query) == v2_harness);
    CHECK(rows_of(path, "SELECT * FROM runs ORDER BY id") == v2_runs);
    CHECK(rows_of(path, "SELECT * FROM totals ORDER BY run_id") == v2_totals);
    CHECK(rows_of(path,
                  "SELECT provider, external_id, payload, cost FROM provider_records WHERE lookup_key = "
                  "'youtube' || char(31) || 'zed'") ==
          std::vector<std::string>{R"(creatorscore|job_z|{"score":97,"note":"é \" ;"}|1)"});
    CHECK(rows_of(path, "SELECT * FROM run_providers ORDER BY run_id") ==
          std::vector<std::string>{"1|creatorscore|http://127.0.0.1:1|ten_a|Agency A",
                                   "2|creatorscore|http://127.0.0.1:2|ten_a|Agency A"});

    // The status report reads the same counts, pending jobs and totals from the view.
    const auto v3_report = state::load_status_report(path, util::TimePoint{util::Duration(5000)});
    REQUIRE(v3_report.has_value());
    CHECK(v3_report->counts == v2_report->counts);
    CHECK(v3_report->lookups == 9);
    CHECK(v3_report->submit_intents == 2);
    CHECK(v3_report->pending_jobs == 1);
    CHECK(v3_report->eta == v2_report->eta);
    CHECK(v3_report->oldest_pending_age == v2_report->oldest_pending_age);
    CHECK(v3_report->base_url == "http://127.0.0.1:2");

    // And the run resumes from it as before.
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->run_id == 2);
    REQUIRE(snapshot->records.size() == 9);
    CHECK(snapshot->records[0].handle == "Zed");
    CHECK(snapshot->records[0].status == LookupStatus::scored);
    CHECK(snapshot->records[0].include_fetched);
    CHECK(snapshot->records[0].expected_done_at == util::TimePoint{util::Duration(3000)});
    CHECK(snapshot->records[1].status == LookupStatus::unsubmitted);
    CHECK(snapshot->records[4].credits_refunded == 1);
    CHECK(snapshot->submit_intent ==
          std::vector<bool>{false, true, false, false, false, false, false, false, true});
    CHECK(snapshot->totals.credits_spent == 4);
    CHECK(snapshot->totals.requests == 9);
    CHECK(snapshot->info.base_url == "http://127.0.0.1:2");
    CHECK(snapshot->info.tenant_id == "ten_a");
    CHECK(snapshot->info.options_fingerprint.empty());
    CHECK(snapshot->provider_records.empty());
    CHECK(snapshot->providers.at("creatorscore") ==
          state::ProviderRunInfo{"http://127.0.0.1:2", "ten_a", "Agency A"});
  }

  TEST_CASE("migration 2 to 3: a kill during it leaves the v2 file as it was") {
    test::TempDir dir;
    const std::string path = dir.file("v2.db");
    make_v2_file(path);
    const auto before = rows_of(path, std::string("SELECT ") + k_v2_columns + " FROM lookups");
    {
      // The migration's transaction, rolled back as a kill would leave it.
      state::Database db(path, state::OpenMode::read_write_create);
      db.exec("BEGIN IMMEDIATE; DROP TABLE lookups; ROLLBACK", "test");
    }
    CHECK(rows_of(path, "PRAGMA user_version") == std::vector<std::string>{"2"});
    CHECK(rows_of(path, std::string("SELECT ") + k_v2_columns + " FROM lookups") == before);
  }

  TEST_CASE("begin_start: the records and their idempotency keys are on disk when it returns") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    std::vector<ProviderRecord> audit = {audit_record(Platform::instagram, "Anna"),
                                         audit_record(Platform::tiktok, "bo")};
    audit[0].idempotency_key = "0f6c4a52-8e3e-4d0b-9d8a-3c1d2f8e7a61";
    audit[1].idempotency_key = "7b1e2d3c-4f5a-4b6c-8d7e-9f0a1b2c3d4e";
    // A child process writes the intent and dies at once (no close, no checkpoint): what the
    // parent then reads is what was durable when begin_start returned.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      auto store = state::SqliteStore::open(path);
      if (!store) {
        ::_exit(2);
      }
      const auto run = (*store)->start_run(audit_run_info(), score_lookups());
      (*store)->set_current_run(run);
      (*store)->begin_start("creatoraudit", record_pointers(audit));
      ::_exit(0);
    }
    int wait_status = 0;
    REQUIRE(::waitpid(child, &wait_status, 0) == child);
    REQUIRE(WIFEXITED(wait_status));
    REQUIRE(WEXITSTATUS(wait_status) == 0);

    CHECK(rows_of(path,
                  "SELECT handle, idempotency_key, start_intent FROM provider_records "
                  "WHERE provider = 'creatoraudit' ORDER BY rowid") ==
          std::vector<std::string>{"Anna|0f6c4a52-8e3e-4d0b-9d8a-3c1d2f8e7a61|1",
                                   "bo|7b1e2d3c-4f5a-4b6c-8d7e-9f0a1b2c3d4e|1"});
    auto store = test::open_store(path);
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    REQUIRE(snapshot->provider_records.at("creatoraudit").size() == 2);
    CHECK(snapshot->provider_records.at("creatoraudit")[0].idempotency_key == audit[0].idempotency_key);
    CHECK(snapshot->records.size() == 3);  // CreatorScore's own records untouched
  }

  TEST_CASE("save_records: every ProviderRecord field round-trips through find_incomplete_run") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    ProviderRecord full = audit_record(Platform::tiktok, "Cara");
    full.status = "ok";
    full.external_id = "acc_0001";
    full.payload = R"({"followers":1200,"engagement_rate":0.031,"note":"\u00e9 ; \" |"})";
    full.error = "RATE_LIMITED: slow down";
    full.idempotency_key = "a3e1c1f2-1111-4222-8333-944455556666";
    full.etag = "W/\"v7\"";
    full.detail = "period=30d;last_scrape=1700000000000";
    full.cost = 1;
    {
      auto store = test::open_store(path);
      const auto run = store->start_run(audit_run_info(), score_lookups());
      store->set_current_run(run);
      ProviderRecord started = audit_record(Platform::tiktok, "Cara");
      started.idempotency_key = full.idempotency_key;
      store->begin_start("creatoraudit", {&started});
      store->save_records("creatoraudit", {&full});
      store->end_run(run, state::RunStatus::incomplete, "deadline");
    }
    CHECK(rows_of(path, "SELECT start_intent FROM provider_records WHERE provider = 'creatoraudit'") ==
          std::vector<std::string>{"0"});
    auto store = test::open_store(path);
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    REQUIRE(snapshot->provider_records.size() == 1);
    const auto& kept = snapshot->provider_records.at("creatoraudit");
    REQUIRE(kept.size() == 1);
    CHECK(kept[0].index == 0);
    CHECK(kept[0].platform == full.platform);
    CHECK(kept[0].handle == full.handle);
    CHECK(kept[0].status == full.status);
    CHECK(kept[0].external_id == full.external_id);
    CHECK(kept[0].payload == full.payload);
    CHECK(kept[0].error == full.error);
    CHECK(kept[0].idempotency_key == full.idempotency_key);
    CHECK(kept[0].etag == full.etag);
    CHECK(kept[0].detail == full.detail);
    CHECK(kept[0].cost == full.cost);
    // The CreatorScore view and the status report see only CreatorScore's lookups.
    CHECK(rows_of(path, "SELECT count(*) FROM lookups") == std::vector<std::string>{"3"});
    const auto report = state::load_status_report(path, util::TimePoint{util::Duration(0)});
    REQUIRE(report.has_value());
    CHECK(report->lookups == 3);
    CHECK(report->count(LookupStatus::unsubmitted) == 3);
  }

  TEST_CASE("begin_start and save_records: without a current run they throw Fatal(cannot_write)") {
    test::TempDir dir;
    auto store = test::open_store(dir.file("state.db"));
    ProviderRecord record = audit_record(Platform::tiktok, "a");
    CHECK_THROWS_AS(store->begin_start("creatoraudit", {&record}), core::Fatal);
    CHECK_THROWS_AS(store->save_records("creatoraudit", {&record}), core::Fatal);
  }

  TEST_CASE("a provider joining a resumed run starts fresh while CreatorScore's records resume") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    auto scores = score_lookups();
    {
      auto store = test::open_store(path);
      const auto run = store->start_run(audit_run_info(), scores);
      store->set_current_run(run);
      scores[0].status = LookupStatus::pending;
      scores[0].job_id = "job_anna";
      scores[0].credits_charged = 1;
      store->save({&scores[0]}, state::Totals{1, 0, 1});
      store->end_run(run, state::RunStatus::incomplete, "interrupted");
    }
    auto store = test::open_store(path);
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->provider_records.empty());
    std::vector<ProviderRecord> audit = {audit_record(Platform::tiktok, "anna"),
                                         audit_record(Platform::instagram, "Bob")};
    store->add_provider_records(snapshot->run_id, "creatoraudit",
                                state::ProviderRunInfo{"http://127.0.0.1:9", "", ""}, audit);
    store->set_current_run(snapshot->run_id);
    store->record_provider_account(snapshot->run_id, "creatoraudit", "org_1", "Org One");
    store->record_options_fingerprint(snapshot->run_id, "creatorscore:include=;creatoraudit:period=30d");

    // Adding again (the roster gained a row) keeps what is stored.
    audit[0].status = "tracked";
    store->save_records("creatoraudit", {&audit[0]});
    std::vector<ProviderRecord> again = {audit_record(Platform::tiktok, "anna"),
                                         audit_record(Platform::x, "new")};
    store->add_provider_records(snapshot->run_id, "creatoraudit",
                                state::ProviderRunInfo{"http://other", "", ""}, again);

    auto resumed = store->find_incomplete_run();
    REQUIRE(resumed.has_value());
    CHECK(resumed->run_id == snapshot->run_id);
    REQUIRE(resumed->records.size() == 3);
    CHECK(resumed->records[0].job_id == "job_anna");
    CHECK(resumed->records[0].status == LookupStatus::pending);
    CHECK(resumed->totals.credits_spent == 1);
    const auto& joined = resumed->provider_records.at("creatoraudit");
    REQUIRE(joined.size() == 3);
    CHECK(joined[0].handle == "anna");
    CHECK(joined[0].status == "tracked");
    CHECK(joined[1].handle == "Bob");
    CHECK(joined[1].status == "unstarted");
    CHECK(joined[2].handle == "new");
    CHECK(resumed->providers.at("creatoraudit") ==
          state::ProviderRunInfo{"http://127.0.0.1:9", "org_1", "Org One"});
    CHECK(resumed->providers.at("creatorscore").base_url == "https://creatorscore.io");
    CHECK(resumed->info.options_fingerprint == "creatorscore:include=;creatoraudit:period=30d");
    CHECK(store->stored_run(resumed->run_id).resumable);
  }
}

}  // namespace schema_v3_test
