// Issue 17, items 4 to 6: one lock per state file whatever its name, the tenant a run belongs to,
// and a state file that lost its last writes or is damaged.

#include <doctest/doctest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "state/run_record.hpp"
#include "state/sqlite_handle.hpp"
#include "state/sqlite_store.hpp"
#include "state/state_lock.hpp"
#include "state/state_path.hpp"
#include "state_test_support.hpp"

using state::LockError;
using state::RunRecord;
using state::SqliteStore;
using state::StateLock;
using state::StoreError;

namespace {

std::vector<state::LookupRecord> lookups(std::size_t count) {
  std::vector<state::LookupRecord> records(count);
  for (std::size_t i = 0; i < count; ++i) {
    records[i].index = i;
    records[i].platform = core::Platform::tiktok;
    records[i].handle = "creator_" + std::to_string(i);
  }
  return records;
}

state::RunInfo info() { return state::RunInfo{"/r.csv", "", "http://127.0.0.1:1", "", util::TimePoint{}}; }

using test::pointers;

void copy_file(const std::string& from, const std::string& to) {
  std::filesystem::copy_file(from, to, std::filesystem::copy_options::overwrite_existing);
}

}  // namespace

TEST_SUITE("state hardening") {
  TEST_CASE("lock: the same state file through a symlink, another spelling or a hard link is refused") {
    test::TempDir dir;
    std::filesystem::create_directories(dir.path() / "sub");
    const std::string state_path = dir.file("state.db");
    auto first = StateLock::acquire(state_path);
    REQUIRE(first.has_value());
    std::string other;
    SUBCASE("a symlink to the file") {
      other = dir.file("link.db");
      REQUIRE(::symlink(state_path.c_str(), other.c_str()) == 0);
    }
    SUBCASE("a symlink to its directory") {
      other = dir.file("dirlink/state.db");
      REQUIRE(::symlink(dir.path().c_str(), dir.file("dirlink").c_str()) == 0);
    }
    SUBCASE("another spelling") { other = dir.file("sub/../state.db"); }
    SUBCASE("a hard link (what a bind mount of the file also looks like)") {
      other = dir.file("sub/hard.db");
      REQUIRE(::link(state_path.c_str(), other.c_str()) == 0);
    }
    auto second = StateLock::acquire(other);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().kind == LockError::Kind::held);
    CHECK(second.error().holder_pid == ::getpid());
    CHECK(second.error().message.find("is in use by process " + std::to_string(::getpid())) !=
          std::string::npos);
    // `status` through that name sees the run too.
    const state::LockHolder holder = state::find_lock_holder(other);
    CHECK(holder.state == state::LockHolder::State::held);
    CHECK(holder.pid == ::getpid());
  }

  TEST_CASE("lock_file_path: resolved through symlinks, also for a file not created yet") {
    test::TempDir dir;
    REQUIRE(::symlink(dir.path().c_str(), dir.file("dirlink").c_str()) == 0);
    const std::string real = std::filesystem::canonical(dir.path()).string();
    CHECK(state::lock_file_path(dir.file("dirlink/new.db")) == real + "/new.db.lock");
    CHECK(state::lock_file_path(dir.file("dirlink/./new.db")) == real + "/new.db.lock");
    CHECK(state::lock_file_path(dir.file("missing/x.db")) == dir.file("missing/x.db") + ".lock");
  }

  TEST_CASE("default_state_path: a roster reached through a symlink gets the roster's own state file") {
    test::TempDir dir;
    std::ofstream(dir.file("roster.csv")) << "platform,handle\ntiktok,a\n";
    REQUIRE(::symlink(dir.file("roster.csv").c_str(), dir.file("link.csv").c_str()) == 0);
    REQUIRE(::symlink(dir.path().c_str(), dir.file("dirlink").c_str()) == 0);
    const state::StateDirectories dirs{"/xdg", ""};
    const auto direct = state::default_state_path(dir.file("roster.csv"), "https://a", dirs);
    CHECK(*state::default_state_path(dir.file("link.csv"), "https://a", dirs) == *direct);
    CHECK(*state::default_state_path(dir.file("dirlink/roster.csv"), "https://a", dirs) == *direct);
  }

  TEST_CASE("run record: formatted and parsed back; other lines are not records") {
    const RunRecord record{3, 17, 40};
    CHECK(state::format_run_record(record) == "run 3 commits 17 lookups 40");
    CHECK(state::parse_run_record("run 3 commits 17 lookups 40") == record);
    CHECK_FALSE(state::parse_run_record("run 3 commits 17").has_value());
    CHECK_FALSE(state::parse_run_record("run x commits 17 lookups 40").has_value());
    CHECK_FALSE(state::parse_run_record("pid 12").has_value());
  }

  TEST_CASE("the lock file keeps the run record across holders, and each commit updates it") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    std::int64_t run_id = 0;
    std::optional<RunRecord> last;
    {
      auto lock = StateLock::acquire(path);
      REQUIRE(lock.has_value());
      CHECK_FALSE(lock->recorded_run().has_value());
      auto store = test::open_store(path);
      store->on_commit([&](const std::optional<RunRecord>& record) {
        last = record;
        lock->record_run(record);
      });
      auto records = lookups(4);
      run_id = store->start_run(info(), records);
      REQUIRE(last.has_value());
      CHECK(*last == RunRecord{run_id, 1, 4});
      store->begin_submit(pointers(records));
      store->save(pointers(records), {});
      CHECK(*last == RunRecord{run_id, 3, 4});
      CHECK(store->stored_run(run_id).commits == 3);
      store.reset();
    }
    {
      auto lock = StateLock::acquire(path);
      REQUIRE(lock.has_value());
      CHECK(lock->recorded_run() == last);
      // status still reads the holder from it
      CHECK(test::read_bytes(lock->lock_path()).rfind("pid " + std::to_string(::getpid()) + "\n", 0) == 0);
      auto store = test::open_store(path);
      store->on_commit([&](const std::optional<RunRecord>& record) { lock->record_run(record); });
      store->set_current_run(run_id);
      store->end_run(run_id, state::RunStatus::completed, "completed");
    }
    auto lock = StateLock::acquire(path);
    REQUIRE(lock.has_value());
    CHECK_FALSE(lock->recorded_run().has_value());  // a completed run has nothing left to lose
  }

  TEST_CASE("a state file without its -wal is found to have lost the run; with it, it has not") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    const std::string copy = dir.file("copy.db");
    std::optional<RunRecord> last;
    {
      auto store = test::open_store(path);
      store->on_commit([&](const std::optional<RunRecord>& record) { last = record; });
      auto records = lookups(5);
      store->start_run(info(), records);
      store->begin_submit(pointers(records));
      // What a SIGKILL leaves: the commits are in state.db-wal only (no checkpoint yet). The main
      // file alone is what is left when the -wal is deleted or not copied with it.
      copy_file(path, copy);
      REQUIRE(std::filesystem::exists(path + "-wal"));
    }
    REQUIRE(last.has_value());
    {
      auto store = test::open_store(copy);
      const auto problem = state::lost_records_problem(copy, *last, store->stored_run(last->run_id));
      REQUIRE(problem.has_value());
      CHECK(problem->find("the state file " + copy + " lost the incomplete run it held (run " +
                          std::to_string(last->run_id) + ", 5 lookups)") == 0);
      CHECK(problem->find("--restart") != std::string::npos);
      CHECK(problem->find('\n') == std::string::npos);
    }
    auto store = test::open_store(path);  // the file closed properly: all there
    CHECK_FALSE(state::lost_records_problem(path, *last, store->stored_run(last->run_id)).has_value());
    // One commit behind (a kill between the COMMIT and the record's update) is no loss either.
    RunRecord behind = *last;
    behind.commits -= 1;
    CHECK_FALSE(state::lost_records_problem(path, behind, store->stored_run(last->run_id)).has_value());
    RunRecord ahead = *last;
    ahead.commits += 1;
    CHECK(state::lost_records_problem(path, ahead, store->stored_run(last->run_id))
              ->find("the last writes of its "
                     "incomplete run") != std::string::npos);
  }

  TEST_CASE("open: a damaged file is refused before anything is read from it") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    {
      auto store = test::open_store(path);
      store->start_run(info(), lookups(2000));
    }
    // Garbage over a page in the middle of the lookups table (pages are 4096 bytes).
    const auto size = std::filesystem::file_size(path);
    REQUIRE(size > 8 * 4096);
    {
      std::fstream file(path, std::ios::in | std::ios::out | std::ios::binary);
      file.seekp(static_cast<std::streamoff>((size / 4096 / 2) * 4096));
      const std::string garbage(4096, '\x5a');
      file.write(garbage.data(), static_cast<std::streamsize>(garbage.size()));
    }
    auto store = SqliteStore::open(path);
    REQUIRE_FALSE(store.has_value());
    CHECK(store.error().kind == StoreError::Kind::damaged);
    CHECK(store.error().code == core::ExitCode::cannot_write);
    CHECK(store.error().message.find("the state file " + path + " is damaged (integrity check: ") == 0);
    CHECK(store.error().message.find("--restart") != std::string::npos);
    CHECK(store.error().message.find('\n') == std::string::npos);
  }

  TEST_CASE("schema 1 to 2: an existing run keeps resuming, without a tenant until one is recorded") {
    test::TempDir dir;
    const std::string path = dir.file("v1.db");
    {
      // A version-1 file as roster-enrich 0.1 left it: its schema, one incomplete run.
      state::Database db(path, state::OpenMode::read_write_create);
      db.exec(std::string(test::k_schema_v1_sql) + R"sql(
INSERT INTO runs VALUES (1, '/r.csv', '', 'u', '', 5, 9, 2, 'deadline');
INSERT INTO lookups (run_id, lookup_key, platform, handle, status, job_id) VALUES (1, 'tiktok:a', 1, 'a', 5, 'job_a');
INSERT INTO totals VALUES (1, 1, 0, 2);
PRAGMA user_version = 1;
)sql",
              "test");
      db.exec("PRAGMA application_id = " + std::to_string(state::k_application_id), "test");
    }
    auto store = test::open_store(path);
    state::Database check(path, state::OpenMode::read_only);
    CHECK(check.query_int("PRAGMA user_version", "test") == state::k_schema_version);  // via 2 to the latest
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->info.tenant_id.empty());
    REQUIRE(snapshot->records.size() == 1);
    CHECK(snapshot->records[0].job_id == "job_a");
    store->set_current_run(snapshot->run_id);
    store->record_tenant(snapshot->run_id, "ten_a", "Agency A");
    auto again = store->find_incomplete_run();
    REQUIRE(again.has_value());
    CHECK(again->info.tenant_id == "ten_a");
    CHECK(again->info.tenant_name == "Agency A");
    CHECK(store->stored_run(snapshot->run_id).commits == 2);
  }
}
