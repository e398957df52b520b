// The engine against the in-process simulator, saving through a real SqliteStore: what a killed
// and restarted process would see, on a virtual clock.

#include <doctest/doctest.h>

#include <algorithm>
#include <filesystem>
#include <nlohmann/json.hpp>

#include "creatorscore/client.hpp"
#include "creatorscore/score_provider.hpp"
#include "engine/engine.hpp"
#include "http/client.hpp"
#include "sim/model.hpp"
#include "state/sqlite_store.hpp"
#include "state_test_support.hpp"
#include "support/manual_clock.hpp"
#include "support/sim_stack.hpp"
#include "support/lookup_records.hpp"

using test::count_status;
using test::numbered_lookups;
using namespace std::chrono_literals;
using core::LookupStatus;

namespace {

// Used as the API key: it must never reach the state file.
const std::string k_marker_key = "sk_live_MARKER_7c1e94b2d0";

sim::SimConfig sim_config() {
  sim::SimConfig config;
  config.tenants = {{k_marker_key, "Marker Agency", 1000}};
  config.cached_percent = 0;
  return config;
}

struct Harness : test::SimStack {
  Harness() : test::SimStack(sim_config(), 120, k_marker_key) {}

  engine::RunOutcome run(state::Store& store, std::vector<state::LookupRecord>& records) {
    engine::Engine engine(clock, observer, {});
    creatorscore::ScoreProvider score(engine, api, store, clock, observer, {}, records);
    score.set_stats_source([this] { return http_client.stats(); });
    return creatorscore::run_alone(engine, score);
  }

  std::int64_t charged() { return stats()["credits_charged_total"].get<std::int64_t>(); }

  engine::Observer observer;
};

// Every byte of every file in `dir` (the database, its -wal and -shm, the lock).
bool any_file_contains(const std::filesystem::path& dir, const std::string& needle) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (test::read_bytes(entry.path().string()).find(needle) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// Simulates SIGKILL right after the API answered a submit: the answer is never saved.
class DyingStore final : public state::Store {
 public:
  explicit DyingStore(state::Store& inner) : m_inner(inner) {}
  void begin_submit(const std::vector<const state::LookupRecord*>& records) override {
    m_inner.begin_submit(records);
    m_submitted = true;
  }
  void save(const std::vector<const state::LookupRecord*>& records, const state::Totals& totals) override {
    if (m_submitted) {
      throw Killed{};
    }
    m_inner.save(records, totals);
  }
  void begin_start(std::string_view provider, const std::vector<const state::ProviderRecord*>& records) override {
    m_inner.begin_start(provider, records);
  }
  void save_records(std::string_view provider, const std::vector<const state::ProviderRecord*>& records) override {
    m_inner.save_records(provider, records);
  }
  struct Killed {};

 private:
  state::Store& m_inner;
  bool m_submitted = false;
};

}  // namespace

TEST_SUITE("state::SqliteStore with the engine") {
  TEST_CASE("resume: a stopped run resumes from the file, pays once, and the file never holds the key") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    Harness h;
    std::int64_t run_id = 0;
    {
      auto store = test::open_store(path);
      auto records = numbered_lookups(10);
      run_id = store->start_run(state::RunInfo{"/r.csv", "", "http://127.0.0.1:1", "", h.clock.now()}, records);
      h.clock.stop_at(util::TimePoint{} + util::Duration(2min));
      const auto outcome = h.run(*store, records);
      REQUIRE(outcome.ending == engine::RunOutcome::Ending::interrupted);
      REQUIRE(count_status(records, LookupStatus::pending) == 10);
      store->end_run(run_id, state::RunStatus::incomplete, "interrupted");
      CHECK_FALSE(any_file_contains(dir.path(), k_marker_key));  // WAL and -shm included
    }

    // A new process: everything comes from the file.
    h.clock.clear_stop();
    auto store = test::open_store(path);
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    CHECK(snapshot->run_id == run_id);
    CHECK(count_status(snapshot->records, LookupStatus::pending) == 10);
    CHECK(std::none_of(snapshot->submit_intent.begin(), snapshot->submit_intent.end(), [](bool b) { return b; }));
    store->set_current_run(run_id);
    const auto outcome = h.run(*store, snapshot->records);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    store->end_run(run_id, state::RunStatus::completed, "");
    CHECK(count_status(snapshot->records, LookupStatus::scored) == 10);
    CHECK(h.transport.count("POST /api/v1/creators/bulk") == 1);
    CHECK(h.charged() == 10);
    CHECK_FALSE(store->find_incomplete_run().has_value());
    CHECK_FALSE(any_file_contains(dir.path(), k_marker_key));
    store.reset();
    CHECK_FALSE(any_file_contains(dir.path(), k_marker_key));
  }

  TEST_CASE("write-ahead window: killed after the API charged, before the save; the resubmit costs nothing") {
    test::TempDir dir;
    const std::string path = dir.file("state.db");
    Harness h;
    std::int64_t run_id = 0;
    {
      auto store = test::open_store(path);
      auto records = numbered_lookups(10);
      run_id = store->start_run(state::RunInfo{"/r.csv", "", "http://127.0.0.1:1", "", h.clock.now()}, records);
      DyingStore dying(*store);
      CHECK_THROWS_AS(h.run(dying, records), DyingStore::Killed);
      REQUIRE(h.charged() == 10);  // the server charged; we never recorded the job ids
    }

    auto store = test::open_store(path);
    auto snapshot = store->find_incomplete_run();
    REQUIRE(snapshot.has_value());
    CHECK(count_status(snapshot->records, LookupStatus::unsubmitted) == 10);
    CHECK(std::all_of(snapshot->submit_intent.begin(), snapshot->submit_intent.end(), [](bool b) { return b; }));
    store->set_current_run(run_id);
    const auto outcome = h.run(*store, snapshot->records);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(count_status(snapshot->records, LookupStatus::scored) == 10);
    CHECK(h.transport.count("POST /api/v1/creators/bulk") == 2);
    CHECK(h.charged() == 10);  // in-flight de-duplication: the same jobs, no second charge
    auto after = store->find_incomplete_run();
    REQUIRE(after.has_value());
    CHECK(std::none_of(after->submit_intent.begin(), after->submit_intent.end(), [](bool b) { return b; }));
  }
}
