// The state file cannot be written part-way through a run (a full disk): the engine keeps what it
// holds, submits nothing more, collects the jobs already paid for and tries to save again as it
// goes; a rerun from what the file holds charges nothing twice, against an API that de-duplicates
// only inside one batch (man/roster-enrich.1, "STATE FILE").

#include <doctest/doctest.h>

#include <algorithm>
#include <functional>
#include <nlohmann/json.hpp>

#include "creatorscore/score_provider.hpp"
#include "engine/engine.hpp"
#include "support/filling_store.hpp"
#include "support/lookup_records.hpp"
#include "support/sim_stack.hpp"

using core::LookupStatus;
using test::count_status;
using test::numbered_lookups;
using namespace std::chrono_literals;

namespace {

struct HookedObserver : engine::Observer {
  std::vector<std::string> warnings;
  std::function<void(const std::string&)> on_warning_hook;
  std::function<void()> on_batch_hook;
  void on_batch(const engine::BatchEvent&, const engine::Progress&) override {
    if (on_batch_hook) {
      on_batch_hook();
    }
  }
  void on_warning(const std::string& message) override {
    warnings.push_back(message);
    if (on_warning_hook) {
      on_warning_hook(message);
    }
  }
  bool warned(const std::string& part) const {
    return std::any_of(warnings.begin(), warnings.end(),
                       [&](const std::string& w) { return w.find(part) != std::string::npos; });
  }
};

sim::SimConfig vendor_rules() {
  sim::SimConfig config;
  config.cached_percent = 0;
  config.dedup_within_batch_only = true;  // as documented: a resubmit of a running job pays again
  return config;
}

struct Harness : test::SimStack {
  explicit Harness(sim::SimConfig config = vendor_rules()) : test::SimStack(std::move(config)) {}

  engine::RunOutcome run(state::Store& store, std::vector<state::LookupRecord>& records,
                         creatorscore::ScoreRunConfig config = batches_of_10()) {
    engine::Engine engine(clock, observer, config);
    creatorscore::ScoreProvider score(engine, api, store, clock, observer, config, records);
    return creatorscore::run_alone(engine, score);
  }

  static creatorscore::ScoreRunConfig batches_of_10() {
    creatorscore::ScoreRunConfig config;
    config.batch_size = 10;
    return config;
  }

  // Creators the API charged more than once.
  std::vector<std::string> charged_twice() {
    std::vector<std::string> twice;
    // Held in a variable: items() of a temporary would dangle in the range-for.
    const auto snapshot = stats();
    for (const auto& [creator, credits] : snapshot.at("credits_charged_by_creator").items()) {
      if (credits.get<int>() > 1) {  // tiktok costs 1
        twice.push_back(creator);
      }
    }
    return twice;
  }

  std::size_t submits() const { return transport.count("POST /api/v1/creators/bulk"); }

  HookedObserver observer;
};

std::vector<std::size_t> range(std::size_t from, std::size_t to) {
  std::vector<std::size_t> indices;
  for (std::size_t i = from; i < to; ++i) {
    indices.push_back(i);
  }
  return indices;
}

// The rerun: a new process loads what the file holds and finishes the run on a disk with room.
engine::RunOutcome rerun(Harness& h, std::vector<state::LookupRecord>& from_file) {
  state::MemoryStore roomy;
  return h.run(roomy, from_file);
}

}  // namespace

TEST_SUITE("engine::Engine when the state file cannot be written") {
  TEST_CASE(
      "full after a billed submit: nothing more submitted, paid jobs collected, the rerun pays nothing "
      "twice") {
    Harness h;
    auto records = numbered_lookups(30);
    test::FillingStore store(records, 1);  // batch 1's answer is saved, batch 2's (charged) is not
    engine::RunOutcome outcome;
    REQUIRE_NOTHROW(outcome = h.run(store, records));

    REQUIRE(outcome.state_error.has_value());
    CHECK(outcome.state_error->find("database or disk is full") != std::string::npos);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(h.submits() == 2);  // batch 3 was never sent
    for (std::size_t i = 0; i < 20; ++i) {
      CHECK(records[i].status == LookupStatus::scored);  // collected although never saved
    }
    for (std::size_t i = 20; i < 30; ++i) {
      CHECK(records[i].status == LookupStatus::skipped);
      CHECK(records[i].error == engine::k_state_unwritable);
    }
    // Batch 2's job ids never reached the file; batch 1's did (only their results are unsaved).
    CHECK(outcome.unsaved_paid == range(10, 20));
    CHECK(h.observer.warned("database or disk is full"));
    CHECK(h.observer.warned("10 lookups skipped"));
    CHECK(h.stats()["credits_charged_total"] == 20);

    // The file holds batch 1 pending with its job ids, batch 2 as intents, batch 3 unsubmitted.
    REQUIRE(count_status(store.file, LookupStatus::pending) == 10);
    auto from_file = store.file;
    const auto second = rerun(h, from_file);
    CHECK_FALSE(second.state_error.has_value());
    CHECK(second.ending == engine::RunOutcome::Ending::completed);
    CHECK(count_status(from_file, LookupStatus::scored) + count_status(from_file, LookupStatus::cached) ==
          30);
    CHECK(h.charged_twice().empty());
    CHECK(h.stats()["credits_charged_total"] == 30);
  }

  TEST_CASE("the disk freed during the run: the next save writes everything held since it failed") {
    Harness h;
    auto records = numbered_lookups(30);
    test::FillingStore store(records, 1);
    h.observer.on_warning_hook = [&](const std::string& message) {
      if (message.find("database or disk is full") != std::string::npos) {
        store.free_space();
      }
    };
    const auto outcome = h.run(store, records);
    REQUIRE(outcome.state_error.has_value());  // still exit 73: lookups were left unsubmitted
    CHECK(outcome.unsaved_paid.empty());
    CHECK(h.observer.warned("could be written again"));
    CHECK(h.submits() == 2);
    // The file caught up with everything: statuses, job ids and the skipped lookups.
    for (std::size_t i = 0; i < records.size(); ++i) {
      CAPTURE(i);
      CHECK(store.file[i].status == records[i].status);
      CHECK(store.file[i].job_id == records[i].job_id);
    }
    CHECK(store.saved_totals.credits_spent == 20);

    auto from_file = store.file;
    rerun(h, from_file);
    CHECK(h.submits() == 3);  // only the skipped batch
    CHECK(count_status(from_file, LookupStatus::scored) == 30);
    CHECK(h.charged_twice().empty());
  }

  TEST_CASE("an intent that cannot be written: the batch is not sent and nothing is charged for it") {
    Harness h;
    auto records = numbered_lookups(30);
    test::FillingStore store(records, -1);
    h.observer.on_batch_hook = [&] { store.fill(); };  // full right after batch 1 was saved
    const auto outcome = h.run(store, records);
    REQUIRE(outcome.state_error.has_value());
    CHECK(h.submits() == 1);
    CHECK(h.stats()["credits_charged_total"] == 10);
    CHECK(count_status(records, LookupStatus::scored) == 10);
    CHECK(count_status(records, LookupStatus::skipped) == 20);
    CHECK(outcome.unsaved_paid.empty());  // batch 1's job ids are in the file

    store.free_space();
    auto from_file = store.file;
    rerun(h, from_file);
    CHECK(count_status(from_file, LookupStatus::scored) == 30);
    CHECK(h.charged_twice().empty());
  }

  TEST_CASE("stopped at the deadline with unsaved jobs still running: they are reported") {
    sim::SimConfig config = vendor_rules();
    config.min_job = 60min;
    config.max_job = 90min;
    Harness h(config);
    auto records = numbered_lookups(20);
    test::FillingStore store(records, 1);
    creatorscore::ScoreRunConfig engine_config = Harness::batches_of_10();
    engine_config.deadline = 20min;
    const auto outcome = h.run(store, records, engine_config);
    CHECK(outcome.ending == engine::RunOutcome::Ending::deadline);
    REQUIRE(outcome.state_error.has_value());
    CHECK(outcome.unsaved_paid == range(10, 20));
    for (std::size_t index : outcome.unsaved_paid) {
      CHECK(records[index].status == LookupStatus::pending);
      CHECK_FALSE(records[index].job_id.empty());
    }
  }

  TEST_CASE("a store failure other than \"cannot write\" is not taken for a full disk") {
    Harness h;
    auto records = numbered_lookups(3);
    struct BrokenStore final : state::Store {
      void begin_submit(const std::vector<const state::LookupRecord*>&) override {}
      void save(const std::vector<const state::LookupRecord*>&, const state::Totals&) override {
        throw core::Fatal(core::ExitCode::incomplete, "held by another process");
      }
      void begin_start(std::string_view, const std::vector<const state::ProviderRecord*>&) override {}
      void save_records(std::string_view, const std::vector<const state::ProviderRecord*>&) override {
        throw core::Fatal(core::ExitCode::incomplete, "held by another process");
      }
    } broken;
    CHECK_THROWS_AS(h.run(broken, records), core::Fatal);
  }
}
