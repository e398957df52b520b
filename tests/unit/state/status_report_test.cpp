#include "state/status_report.hpp"

#include <doctest/doctest.h>
#include <unistd.h>

#include <fstream>

#include "state/sqlite_handle.hpp"
#include "state/sqlite_store.hpp"
#include "state/state_lock.hpp"
#include "state_test_support.hpp"

using namespace std::chrono_literals;
using core::LookupStatus;
using state::StoreError;

namespace {

util::TimePoint at_ms(std::int64_t ms) { return util::TimePoint{util::Duration(ms)}; }

}  // namespace

TEST_SUITE("state::StatusReport") {
  TEST_CASE("load_status_report: counts, credits, oldest pending age and eta, while the run holds the file") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    auto lock = state::StateLock::acquire(path);  // as `run` takes it before opening the file
    REQUIRE(lock.has_value());
    auto opened = state::SqliteStore::open(path);
    REQUIRE(opened.has_value());
    auto& store = *opened.value();
    const std::int64_t t0 = 1'700'000'000'000;
    std::vector<state::LookupRecord> records(6);
    for (std::size_t i = 0; i < records.size(); ++i) {
      records[i].platform = core::Platform::tiktok;
      records[i].handle = "h" + std::to_string(i);
    }
    store.start_run(state::RunInfo{"/data/r.csv", "id", "https://creatorscore.io", "opts", at_ms(t0)}, records);
    records[0].status = LookupStatus::pending;
    records[0].job_id = "job_0";
    records[0].submitted_at = at_ms(t0 + 1'000);
    records[0].expected_done_at = at_ms(t0 + 3'600'000);
    records[1].status = LookupStatus::pending;
    records[1].job_id = "job_1";
    records[1].submitted_at = at_ms(t0 + 5'000);
    records[1].expected_done_at = at_ms(t0 + 5'400'000);
    records[2].status = LookupStatus::cached;
    records[3].status = LookupStatus::failed;
    records[3].job_id = "job_3";
    records[3].submitted_at = at_ms(t0);  // not pending: does not count for the age
    store.save({&records[0], &records[1], &records[2], &records[3]}, state::Totals{8, 2, 11});
    store.begin_submit({&records[4]});

    // The store stays open, as a running process would keep it.
    const auto report = state::load_status_report(path, at_ms(t0 + 601'000));
    REQUIRE_MESSAGE(report.has_value(), report.error().message);
    CHECK(report->state_path == path);
    CHECK(report->run_status == state::RunStatus::running);
    CHECK(report->roster_path == "/data/r.csv");
    CHECK(report->base_url == "https://creatorscore.io");
    CHECK(report->started_at == at_ms(t0));
    CHECK_FALSE(report->ended_at.has_value());
    CHECK(report->lookups == 6);
    CHECK(report->count(LookupStatus::pending) == 2);
    CHECK(report->count(LookupStatus::cached) == 1);
    CHECK(report->count(LookupStatus::failed) == 1);
    CHECK(report->count(LookupStatus::unsubmitted) == 2);
    CHECK(report->submit_intents == 1);
    CHECK(report->totals.credits_spent == 8);
    CHECK(report->totals.credits_refunded == 2);
    CHECK(report->totals.requests == 11);
    CHECK(report->pending_jobs == 2);
    REQUIRE(report->oldest_pending_age.has_value());
    CHECK(*report->oldest_pending_age == 600s);
    CHECK(report->eta == at_ms(t0 + 5'400'000));
    CHECK(report->lock.state == state::LockHolder::State::held);
    CHECK(report->lock.pid == ::getpid());
  }

  TEST_CASE("load_status_report: the latest run, also when it completed") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    {
      auto store = state::SqliteStore::open(path);
      REQUIRE(store.has_value());
      const auto run_id = store.value()->start_run(state::RunInfo{"/r.csv", "", "u", "", at_ms(5)}, {});
      store.value()->end_run(run_id, state::RunStatus::completed, "");
    }
    const auto report = state::load_status_report(path, at_ms(10));
    REQUIRE(report.has_value());
    CHECK(report->run_status == state::RunStatus::completed);
    CHECK(report->ended_at.has_value());
    CHECK(report->lookups == 0);
    CHECK_FALSE(report->oldest_pending_age.has_value());
    CHECK_FALSE(report->eta.has_value());
    CHECK(report->lock.state == state::LockHolder::State::free);  // never locked: no lock file
  }

  TEST_CASE("load_status_report: no file, no run, someone else's file, a newer file") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    SUBCASE("no file") {
      const auto report = state::load_status_report(path, {});
      REQUIRE_FALSE(report.has_value());
      CHECK(report.error().kind == StoreError::Kind::missing);
      CHECK(report.error().message ==
            "no state file at " + path + "; run `roster-enrich run` first, or pass --state FILE");
      CHECK_FALSE(std::filesystem::exists(path));  // never created by a reader
    }
    SUBCASE("no run yet") {
      { auto store = state::SqliteStore::open(path); }
      const auto report = state::load_status_report(path, {});
      REQUIRE_FALSE(report.has_value());
      CHECK(report.error().kind == StoreError::Kind::no_run);
    }
    SUBCASE("a text file") {
      std::ofstream(path) << std::string(1000, 'x');
      const auto report = state::load_status_report(path, {});
      REQUIRE_FALSE(report.has_value());
      CHECK(report.error().kind == StoreError::Kind::not_ours);
    }
    SUBCASE("a newer schema") {
      { auto store = state::SqliteStore::open(path); }
      {
        state::Database db(path, state::OpenMode::read_write_create);
        db.exec("PRAGMA user_version = 7", "test");
      }
      const auto report = state::load_status_report(path, {});
      REQUIRE_FALSE(report.has_value());
      CHECK(report.error().kind == StoreError::Kind::too_new);
    }
  }
}
