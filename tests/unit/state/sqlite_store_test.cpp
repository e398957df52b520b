#include <doctest/doctest.h>

#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <fstream>

#include "core/exit_code.hpp"
#include "state/sqlite_handle.hpp"
#include "state/sqlite_store.hpp"
#include "state_test_support.hpp"

using core::LookupStatus;
using core::Platform;
using state::LookupRecord;
using state::RunStatus;
using state::SqliteStore;
using state::StoreError;

namespace {

state::RunInfo run_info(std::int64_t started_ms = 1'700'000'000'000) {
  return state::RunInfo{"/data/roster.csv", "size=123;mtime=456", "https://creatorscore.io", "batch=100",
                        util::TimePoint{util::Duration(started_ms)}};
}

// Creators PREFIX0, PREFIX1, ... on tiktok and instagram in turn.
std::vector<LookupRecord> two_platform_lookups(std::size_t count, const std::string& prefix = "creator_") {
  std::vector<LookupRecord> records(count);
  for (std::size_t i = 0; i < count; ++i) {
    records[i].index = i;
    records[i].platform = i % 2 == 0 ? Platform::tiktok : Platform::instagram;
    records[i].handle = prefix + std::to_string(i);
  }
  return records;
}

using test::pointers;

std::int64_t query(const std::string& path, const std::string& sql) {
  state::Database db(path, state::OpenMode::read_only);
  return db.query_int(sql, "test");
}

std::string query_text(const std::string& path, const std::string& sql) {
  state::Database db(path, state::OpenMode::read_only);
  state::Statement statement(db, sql);
  return statement.step("test") ? statement.column_text(0) : std::string();
}

LookupRecord full_record() {
  LookupRecord record;
  record.index = 17;
  record.platform = Platform::youtube;
  record.handle = "MrBeast";
  record.status = LookupStatus::scored;
  record.job_id = "job_01HX9Z";
  record.creator_json = R"({"platform":"youtube","handle":"mrbeast","score":97,"note":"quote \" and \u00e9 and \n"})";
  record.error = "some_error";
  record.credits_charged = 7;
  record.credits_refunded = 3;
  record.submitted_at = util::TimePoint{util::Duration(1'700'000'000'123)};
  record.last_polled_at = util::TimePoint{util::Duration(1'700'000'060'456)};
  record.expected_done_at = util::TimePoint{util::Duration(1'700'003'600'789)};
  record.include_fetched = true;
  return record;
}

}  // namespace

TEST_SUITE("state::SqliteStore") {
  TEST_CASE("open: creates parent directories 0700 and the file 0600 at the current schema version") {
    test::TempDir dir;
    const std::string path = dir.file("a/b/state.db");
    { auto store = test::open_store(path); }
    struct stat info {};
    REQUIRE(::stat(dir.file("a").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    REQUIRE(::stat(dir.file("a/b").c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0700);
    REQUIRE(::stat(path.c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    CHECK(query(path, "PRAGMA user_version") == state::k_schema_version);
    CHECK(query(path, "PRAGMA application_id") == state::k_application_id);
    CHECK(query_text(path, "PRAGMA journal_mode") == "wal");
  }

  TEST_CASE("open: an existing state file opens again and keeps its version") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    { auto store = test::open_store(path); }
    { auto store = test::open_store(path); }
    CHECK(query(path, "PRAGMA user_version") == state::k_schema_version);
  }

  TEST_CASE("open: an empty (version 0) file is migrated to the current version") {
    test::TempDir dir;
    const std::string path = dir.file("empty.db");
    SUBCASE("zero bytes") { std::ofstream(path).flush(); }
    SUBCASE("an SQLite file with no tables") {
      state::Database db(path, state::OpenMode::read_write_create);
      db.exec("PRAGMA user_version = 0; VACUUM", "test");
    }
    auto store = test::open_store(path);
    CHECK(query(path, "PRAGMA user_version") == state::k_schema_version);
    CHECK(query(path, "SELECT count(*) FROM sqlite_schema WHERE name IN ('runs', 'lookups', 'totals')") == 3);
    CHECK_FALSE(store->find_incomplete_run().has_value());
  }

  TEST_CASE("open: a file made by a newer roster-enrich is refused") {
    test::TempDir dir;
    const std::string path = dir.file("future.db");
    { auto store = test::open_store(path); }
    {
      state::Database db(path, state::OpenMode::read_write_create);
      db.exec("PRAGMA user_version = " + std::to_string(state::k_schema_version + 1), "test");
    }
    auto store = SqliteStore::open(path);
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().kind == StoreError::Kind::too_new);
    CHECK(store.error().code == core::ExitCode::cannot_write);
    CHECK(store.error().message == "the state file " + path +
                                       " was made by a newer roster-enrich (schema version 4, this one reads up to "
                                       "3); upgrade roster-enrich or pass --state FILE");
    // Refusing must not touch it.
    CHECK(query(path, "PRAGMA user_version") == state::k_schema_version + 1);
  }

  TEST_CASE("open: someone else's database or a file that is not SQLite is refused") {
    test::TempDir dir;
    const std::string path = dir.file("other.db");
    SUBCASE("another application's SQLite database") {
      state::Database db(path, state::OpenMode::read_write_create);
      db.exec("CREATE TABLE photos (id INTEGER)", "test");
    }
    SUBCASE("a text file") { std::ofstream(path) << "handle,platform\nmrbeast,youtube\n" << std::string(600, 'x'); }
    auto store = SqliteStore::open(path);
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().kind == StoreError::Kind::not_ours);
    CHECK(store.error().message.find("it is not a roster-enrich state file") != std::string::npos);
    CHECK(store.error().message.find(path) != std::string::npos);
  }

  TEST_CASE("open: an unwritable place gives one clear line") {
    test::TempDir dir;
    std::string path;
    std::string reason;
    SUBCASE("a file used as a directory") {
      std::ofstream(dir.file("plain")) << "x";
      path = dir.file("plain/state.db");
      reason = dir.file("plain") + " is not a directory";
    }
    SUBCASE("under /proc") {
      path = "/proc/roster-enrich-test/state.db";
      reason = "cannot create the directory /proc/roster-enrich-test";
    }
    SUBCASE("a directory as the state file") {
      std::filesystem::create_directories(dir.file("adir"));
      path = dir.file("adir");
      reason = "Is a directory";
    }
    auto store = SqliteStore::open(path);
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().kind == StoreError::Kind::cannot_open);
    CHECK(store.error().code == core::ExitCode::cannot_write);
    const std::string& message = store.error().message;
    INFO(message);
    CHECK(message.rfind("cannot write the state file " + path + ": ", 0) == 0);
    CHECK(message.find(reason) != std::string::npos);
    CHECK(message.find("; check the directory's permissions or pass --state FILE") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }

  TEST_CASE("save: every LookupRecord field survives a close and reopen") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    const LookupRecord record = full_record();
    LookupRecord bare;
    bare.platform = Platform::x;
    bare.handle = "Jack";
    {
      auto store = test::open_store(path);
      const auto run_id = store->start_run(run_info(), {bare});
      CHECK(store->current_run() == run_id);
      store->save({&record}, state::Totals{12, 3, 40});
    }
    auto store = test::open_store(path);
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->status == RunStatus::running);
    CHECK(snapshot->info.roster_path == "/data/roster.csv");
    CHECK(snapshot->info.roster_identity == "size=123;mtime=456");
    CHECK(snapshot->info.base_url == "https://creatorscore.io");
    CHECK(snapshot->info.options_fingerprint == "batch=100");
    CHECK(snapshot->info.started_at.since_epoch.count() == 1'700'000'000'000);
    CHECK_FALSE(snapshot->ended_at.has_value());
    REQUIRE(snapshot->records.size() == 2);
    REQUIRE(snapshot->submit_intent.size() == 2);

    const LookupRecord& first = snapshot->records[0];
    CHECK(first.platform == Platform::x);
    CHECK(first.handle == "Jack");
    CHECK(first.status == LookupStatus::unsubmitted);
    CHECK(first.job_id.empty());
    CHECK_FALSE(first.submitted_at.has_value());
    CHECK_FALSE(first.last_polled_at.has_value());
    CHECK_FALSE(first.expected_done_at.has_value());
    CHECK_FALSE(first.include_fetched);

    const LookupRecord& loaded = snapshot->records[1];
    CHECK(loaded.index == 0);  // the caller maps by lookup_key
    CHECK(loaded.platform == record.platform);
    CHECK(loaded.handle == record.handle);
    CHECK(loaded.status == record.status);
    CHECK(loaded.job_id == record.job_id);
    CHECK(loaded.creator_json == record.creator_json);
    CHECK(loaded.error == record.error);
    CHECK(loaded.credits_charged == record.credits_charged);
    CHECK(loaded.credits_refunded == record.credits_refunded);
    CHECK(loaded.submitted_at == record.submitted_at);
    CHECK(loaded.last_polled_at == record.last_polled_at);
    CHECK(loaded.expected_done_at == record.expected_done_at);
    CHECK(loaded.include_fetched == record.include_fetched);
    CHECK_FALSE(snapshot->submit_intent[1]);

    CHECK(snapshot->totals.credits_spent == 12);
    CHECK(snapshot->totals.credits_refunded == 3);
    CHECK(snapshot->totals.requests == 40);
  }

  TEST_CASE("save: records match by platform and lower-cased handle, not by index") {
    test::TempDir dir;
    auto store = test::open_store(dir.file("state.db"));
    auto records = two_platform_lookups(3);
    records[1].handle = "MixedCase";
    store->start_run(run_info(), records);
    LookupRecord edited = records[1];
    edited.index = 99;           // the roster was edited: another position
    edited.handle = "mixedcase";  // and another spelling
    edited.status = LookupStatus::pending;
    edited.job_id = "job_1";
    store->save({&edited}, {});
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot->records.size() == 3);
    CHECK(snapshot->records[1].status == LookupStatus::pending);
    CHECK(snapshot->records[1].job_id == "job_1");
    CHECK(state::lookup_key(Platform::x, "JohnDoe") == std::string("x\x1f") + "johndoe");
  }

  TEST_CASE("begin_submit: a crash before save leaves the intent and the records") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    auto records = two_platform_lookups(5);
    {
      auto store = test::open_store(path);
      store->start_run(run_info(), records);
      store->begin_submit({&records[1], &records[3]});
      // The process dies here: no save, no end_run.
    }
    auto store = test::open_store(path);
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->status == RunStatus::running);  // left behind by a killed process: resumable
    REQUIRE(snapshot->records.size() == 5);
    CHECK(snapshot->submit_intent == std::vector<bool>{false, true, false, true, false});
    CHECK(snapshot->records[1].status == LookupStatus::unsubmitted);
    CHECK(snapshot->records[1].job_id.empty());

    // The resumed invocation saves the answer: the intent is cleared.
    store->set_current_run(snapshot->run_id);
    records[1].status = LookupStatus::pending;
    records[1].job_id = "job_a";
    records[3].status = LookupStatus::cached;
    store->save({&records[1], &records[3]}, {});
    snapshot = store->find_incomplete_run();
    CHECK(snapshot->submit_intent == std::vector<bool>(5, false));
    CHECK(snapshot->records[1].job_id == "job_a");
    CHECK(snapshot->records[3].status == LookupStatus::cached);
  }

  TEST_CASE("find_incomplete_run: completed and abandoned runs are not resumed; incomplete ones are") {
    test::TempDir dir;
    auto store = test::open_store(dir.file("state.db"));
    CHECK_FALSE(store->find_incomplete_run().has_value());
    const auto first = store->start_run(run_info(), two_platform_lookups(2));
    store->end_run(first, RunStatus::completed, "");
    CHECK_FALSE(store->find_incomplete_run().has_value());

    const auto second = store->start_run(run_info(), two_platform_lookups(3));
    CHECK(second != first);
    store->end_run(second, RunStatus::incomplete, "deadline");
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->run_id == second);
    CHECK(snapshot->status == RunStatus::incomplete);
    CHECK(snapshot->stop_reason == "deadline");
    CHECK(snapshot->ended_at.has_value());
    CHECK(snapshot->records.size() == 3);

    // Resuming marks it running again.
    store->set_current_run(second);
    snapshot = store->find_incomplete_run();
    CHECK(snapshot->status == RunStatus::running);
    CHECK_FALSE(snapshot->ended_at.has_value());
  }

  TEST_CASE("start_run: lookups of finished runs are dropped, their runs kept") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    auto store = test::open_store(path);
    const auto first = store->start_run(run_info(), two_platform_lookups(4));
    store->end_run(first, RunStatus::completed, "");
    store->start_run(run_info(), two_platform_lookups(2));
    CHECK(query(path, "SELECT count(*) FROM lookups") == 2);
    CHECK(query(path, "SELECT count(*) FROM runs") == 2);
  }

  TEST_CASE("abandon_incomplete_runs: counts the paid pending jobs it abandons") {
    test::TempDir dir;
    auto store = test::open_store(dir.file("state.db"));
    auto records = two_platform_lookups(6);
    const auto run_id = store->start_run(run_info(), records);
    records[0].status = LookupStatus::pending;
    records[0].job_id = "job_0";
    records[1].status = LookupStatus::pending;
    records[1].job_id = "job_1";
    records[2].status = LookupStatus::scored;
    records[2].job_id = "job_2";
    records[3].status = LookupStatus::cached;
    store->save(pointers(records), {});
    store->end_run(run_id, RunStatus::incomplete, "interrupted");

    CHECK(store->abandon_incomplete_runs() == 2);
    CHECK_FALSE(store->find_incomplete_run().has_value());
    CHECK_FALSE(store->current_run().has_value());
    CHECK(store->abandon_incomplete_runs() == 0);
  }

  TEST_CASE("set_current_run: totals of a resumed run add up over invocations") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    std::int64_t run_id = 0;
    {
      auto store = test::open_store(path);
      run_id = store->start_run(run_info(), two_platform_lookups(2));
      store->save({}, state::Totals{10, 1, 5});
      store->save({}, state::Totals{20, 2, 9});  // the engine's running totals: replaced, not added
      store->end_run(run_id, RunStatus::incomplete, "interrupted");
    }
    auto store = test::open_store(path);
    store->set_current_run(run_id);
    store->save({}, state::Totals{4, 0, 3});  // a new invocation starts from zero
    auto snapshot = store->find_incomplete_run();
    CHECK(snapshot->totals.credits_spent == 24);
    CHECK(snapshot->totals.credits_refunded == 2);
    CHECK(snapshot->totals.requests == 12);
  }

  TEST_CASE("add_lookups: new keys are added, stored ones keep their values") {
    test::TempDir dir;
    auto store = test::open_store(dir.file("state.db"));
    auto records = two_platform_lookups(2);
    const auto run_id = store->start_run(run_info(), records);
    records[0].status = LookupStatus::scored;
    records[0].job_id = "job_0";
    store->save({&records[0]}, {});
    auto added = two_platform_lookups(3);  // creator_0 and creator_1 again, plus creator_2
    store->add_lookups(run_id, added);
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot->records.size() == 3);
    CHECK(snapshot->records[0].status == LookupStatus::scored);
    CHECK(snapshot->records[2].handle == "creator_2");
  }

  TEST_CASE("begin_submit and save: without a current run they throw Fatal(cannot_write)") {
    test::TempDir dir;
    auto store = test::open_store(dir.file("state.db"));
    const LookupRecord record = full_record();
    CHECK_THROWS_AS(store->begin_submit({&record}), core::Fatal);
    try {
      store->save({&record}, {});
      FAIL("save did not throw");
    } catch (const core::Fatal& failure) {
      CHECK(failure.code() == core::ExitCode::cannot_write);
    }
  }

  TEST_CASE("save: a write that fails (file size limit) throws Fatal(cannot_write) naming the file") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    std::int64_t run_id = 0;
    {
      auto store = test::open_store(path);
      run_id = store->start_run(run_info(), two_platform_lookups(10));
    }
    // In a child process with its own connection (SQLite connections must not cross a fork): the
    // file size limit and SIGXFSZ are process-wide.
    const pid_t child = ::fork();
    REQUIRE(child >= 0);
    if (child == 0) {
      int code = 3;
      try {
        auto opened = SqliteStore::open(path);
        if (!opened) {
          ::_exit(4);
        }
        auto store = std::move(opened).value();
        store->set_current_run(run_id);
        std::signal(SIGXFSZ, SIG_IGN);
        struct rlimit limit {};
        limit.rlim_cur = limit.rlim_max = 64 * 1024;
        ::setrlimit(RLIMIT_FSIZE, &limit);
        auto records = two_platform_lookups(10);
        for (auto& record : records) {
          record.creator_json = std::string(100 * 1024, 'j');
        }
        store->save(pointers(records), {});
      } catch (const core::Fatal& failure) {
        const std::string message = failure.what();
        const bool ok = failure.code() == core::ExitCode::cannot_write &&
                        message.rfind("cannot write the state file " + path + ": ", 0) == 0 &&
                        message.find('\n') == std::string::npos;
        if (!ok) {
          std::fprintf(stderr, "child: unexpected failure: %s\n", message.c_str());
        }
        code = ok ? 0 : 2;
      }
      ::_exit(code);
    }
    int status = 0;
    REQUIRE(::waitpid(child, &status, 0) == child);
    REQUIRE(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
    // The failed transaction left nothing behind: the file opens and reads as before.
    auto store = test::open_store(path);
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    REQUIRE(snapshot->records.size() == 10);
    CHECK(snapshot->records[0].creator_json.empty());
  }

  // Sanitizers slow everything several times over; the bound is for the build users run.
#if defined(__SANITIZE_ADDRESS__)
  constexpr double k_slowdown = 5.0;
#else
  constexpr double k_slowdown = 1.0;
#endif

  TEST_CASE("start_run: 200,000 lookups in one transaction, quickly") {
    test::TempDir dir;
    const std::string path = dir.file("big.db");
    auto store = test::open_store(path);
    const auto records = two_platform_lookups(200'000);
    const auto started = std::chrono::steady_clock::now();
    store->start_run(run_info(), records);
    const auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    MESSAGE("start_run with 200,000 lookups took " << elapsed << " s");
    CHECK(elapsed < 10.0 * k_slowdown);
    const auto load_started = std::chrono::steady_clock::now();
    auto snapshot = store->find_incomplete_run();
    const auto load_elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - load_started).count();
    MESSAGE("find_incomplete_run with 200,000 lookups took " << load_elapsed << " s");
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->records.size() == 200'000);
    CHECK(snapshot->records[199'999].handle == "creator_199999");
  }

  TEST_CASE("schema: no column could hold the API key") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    { auto store = test::open_store(path); }
    state::Database db(path, state::OpenMode::read_only);
    state::Statement columns(db,
                             "SELECT m.name, p.name FROM sqlite_schema AS m, pragma_table_info(m.name) AS p "
                             "WHERE m.type = 'table'");
    int seen = 0;
    while (columns.step("test")) {
      const std::string column = columns.column_text(1);
      INFO(columns.column_text(0) << "." << column);
      ++seen;
      CHECK(column.find("api") == std::string::npos);
      CHECK(column.find("secret") == std::string::npos);
      CHECK(column.find("token") == std::string::npos);
      // idempotency_key: the UUID roster-enrich makes for each CreatorAudit start (Store::begin_start),
      // never a credential.
      CHECK((column.find("key") == std::string::npos || column == "lookup_key" ||
             column == "idempotency_key"));
    }
    CHECK(seen > 20);
  }
}
