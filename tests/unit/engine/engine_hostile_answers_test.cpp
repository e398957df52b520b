// The engine against answers a well-behaved API never gives: results for creators and jobs it did
// not ask about, and the same creator or job twice in one answer. Each must be ignored or taken
// once: no crash, no extra record (hence no extra output row), no credit counted twice or for a
// stranger, no refund for a job that is not ours (PRODUCT.md, "Secrets and bad input").

#include <doctest/doctest.h>

#include <chrono>
#include <functional>
#include <optional>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "creatorscore/client.hpp"
#include "engine/engine.hpp"
#include "http/client.hpp"
#include "state/store.hpp"
#include "support/engine_harness.hpp"
#include "support/fake_transport.hpp"
#include "support/manual_clock.hpp"
#include "support/lookup_records.hpp"

using test::numbered_lookups;
using core::LookupStatus;
using nlohmann::json;

namespace {

json queued(const std::string& platform, const std::string& handle, const std::string& job_id, int charged) {
  return {{"platform", platform}, {"handle", handle},         {"status", "queued"},
          {"job_id", job_id},     {"eta_seconds", 30},        {"deduplicated", false},
          {"credits_charged", charged}};
}

json done_job(const std::string& job_id, const std::string& handle) {
  return {{"job_id", job_id},
          {"status", "done"},
          {"progress", 100},
          {"completed_at", "2026-11-01T01:00:00Z"},
          {"creator", {{"platform", "tiktok"}, {"handle", handle}, {"score", 70}, {"tier", "Good"}}}};
}

json failed_job(const std::string& job_id) {
  return {{"job_id", job_id}, {"status", "failed"}, {"progress", 40}, {"error", "scoring_failed"}};
}

// An API that queues every creator it is sent as job "job-<handle>" (1 credit, tiktok's price) and
// reports every job it is asked about done. Each test tampers with the answers through the hooks,
// which see the honest answer's list and may add to it.
class TamperedApi {
 public:
  explicit TamperedApi(test::ManualClock& clock) : transport(&clock) {
    transport.set_handler([this](const http::Request& request) { return answer(request); });
  }

  std::function<void(json& results)> on_submit = [](json&) {};
  std::function<void(json& jobs)> on_poll = [](json&) {};
  // What an honest job reports when polled; done by default.
  std::function<json(const std::string& job_id)> job = [](const std::string& job_id) {
    return done_job(job_id, job_id.substr(4));
  };

  // The list named `key` of every request body sent to `path`, in order.
  std::vector<json> sent_lists(const std::string& path, const std::string& key) const {
    std::vector<json> out;
    for (const http::Request& request : transport.requests()) {
      if (request.url.ends_with(path)) {
        out.push_back(json::parse(request.body)[key]);
      }
    }
    return out;
  }

  test::FakeTransport transport;

 private:
  test::TransportResult answer(const http::Request& request) {
    const json body = json::parse(request.body);
    if (request.url.ends_with("/creators/bulk")) {
      json results = json::array();
      for (const json& creator : body["creators"]) {
        const std::string handle = creator["handle"];
        results.push_back(queued(creator["platform"], handle, "job-" + handle, 1));
      }
      on_submit(results);
      return test::response(200, json{{"results", results}}.dump());
    }
    json jobs = json::array();
    for (const json& id : body["job_ids"]) {
      jobs.push_back(job(id.get<std::string>()));
    }
    on_poll(jobs);
    return test::response(200, json{{"jobs", jobs}}.dump());
  }
};

struct EventLog : engine::Observer {
  void on_batch(const engine::BatchEvent& event, const engine::Progress&) override { batches.push_back(event); }
  void on_poll_round(const engine::PollEvent& event, const engine::Progress&) override { polls.push_back(event); }
  void on_warning(const std::string& message) override { warnings.push_back(message); }
  std::vector<engine::BatchEvent> batches;
  std::vector<engine::PollEvent> polls;
  std::vector<std::string> warnings;
};

using TamperedHarness = test::EngineHarness<TamperedApi, EventLog>;

// Every job id the engine asked about, across all polls, in order.
std::vector<std::string> polled_ids(const TamperedHarness& h) {
  std::vector<std::string> ids;
  for (const json& list : h.api.sent_lists("/jobs/bulk-status", "job_ids")) {
    for (const json& id : list) {
      ids.push_back(id.get<std::string>());
    }
  }
  return ids;
}

// Runs for at most 6 virtual hours: an engine that would poll forever ends interrupted instead.
engine::RunOutcome run_bounded(TamperedHarness& h, std::vector<state::LookupRecord>& records,
                               const creatorscore::ScoreRunConfig& config = {}) {
  h.clock.stop_at(test::at(std::chrono::hours(6)));
  return h.run(records, config);
}

// The instants `job_id` was asked about, in seconds since the start: "60 120".
std::string poll_instants(const TamperedHarness& h, const std::string& job_id) {
  std::string out;
  const auto& requests = h.api.transport.requests();
  for (std::size_t i = 0; i < requests.size(); ++i) {
    if (!requests[i].url.ends_with("/jobs/bulk-status")) {
      continue;
    }
    const json body = json::parse(requests[i].body);
    for (const json& id : body["job_ids"]) {
      if (id == job_id) {
        const util::Duration since_start = h.api.transport.sent_at()[i] - util::TimePoint{};
        const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_start);
        out += (out.empty() ? "" : " ") + std::to_string(seconds.count());
      }
    }
  }
  return out;
}

bool warned(const TamperedHarness& h, const std::string& text) {
  for (const std::string& warning : h.observer.warnings) {
    if (warning.find(text) != std::string::npos) {
      return true;
    }
  }
  return false;
}

// c0 scored on job-c0, the only job polled; c1, told job-c0 too, is error job_id_reused without a score.
void check_second_refused_job_c0(const TamperedHarness& h, const std::vector<state::LookupRecord>& records) {
  CHECK(records[0].status == LookupStatus::scored);
  CHECK(records[1].status == LookupStatus::error);
  CHECK(records[1].error == "job_id_reused");
  CHECK(records[1].creator_json.empty());
  CHECK(polled_ids(h) == std::vector<std::string>{"job-c0"});
}

}  // namespace

TEST_SUITE("engine::Engine on hostile answers") {
  TEST_CASE("done without a creator: asked 3 more times on the cadence, then error done_without_creator") {
    // The creator left out, null, or not an object: `done` without a score to take.
    const std::vector<std::optional<json>> creators = {std::nullopt, json(nullptr), json("{\"score\":1}"),
                                                       json::array(), json(5)};
    for (const std::optional<json>& creator : creators) {
      CAPTURE(creator ? creator->dump() : std::string("(left out)"));
      TamperedHarness h;
      h.api.job = [&creator](const std::string& job_id) {
        if (job_id != "job-c1") {
          return done_job(job_id, job_id.substr(4));
        }
        json answer{{"job_id", job_id}, {"status", "done"}, {"progress", 100}};
        if (creator) {
          answer["creator"] = *creator;
        }
        return answer;
      };
      auto records = numbered_lookups(2, core::Platform::tiktok, "c");
      const auto outcome = run_bounded(h, records);

      CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
      CHECK(records[0].status == LookupStatus::scored);
      CHECK(records[1].status == LookupStatus::error);
      CHECK(records[1].error == "done_without_creator");
      CHECK(records[1].creator_json.empty());
      CHECK(records[1].credits_charged == 1);  // paid for, and not refunded: the API did not say failed
      // Reported done at 60 s, then asked 3 more times, 60 s apart.
      CHECK(poll_instants(h, "job-c1") == "60 120 180 240");
      CHECK(poll_instants(h, "job-c0") == "60");
      CHECK(h.engine->progress().errors == 1);
      CHECK(h.engine->progress().in_flight == 0);
      CHECK(h.store.totals().credits_spent == 2);
      CHECK(warned(h, "done_without_creator"));
    }
  }

  TEST_CASE("done without a creator, then with it: the score is taken on the next poll") {
    TamperedHarness h;
    int asked = 0;
    h.api.job = [&asked](const std::string& job_id) {
      return ++asked == 1 ? json{{"job_id", job_id}, {"status", "done"}, {"creator", nullptr}}
                          : done_job(job_id, job_id.substr(4));
    };
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    const auto outcome = run_bounded(h, records);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(records[0].status == LookupStatus::scored);
    CHECK(records[0].creator_json.find("\"c0\"") != std::string::npos);
    CHECK(poll_instants(h, "job-c0") == "60 120");
  }

  TEST_CASE("one job id for two creators in a submit answer: the second is error job_id_reused, not scored") {
    TamperedHarness h;
    h.api.on_submit = [](json& results) { results[1]["job_id"] = results[0]["job_id"]; };
    auto records = numbered_lookups(3, core::Platform::tiktok, "c");
    const auto outcome = run_bounded(h, records);

    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(records[0].status == LookupStatus::scored);
    CHECK(records[0].creator_json.find("\"c0\"") != std::string::npos);
    CHECK(records[1].status == LookupStatus::error);
    CHECK(records[1].error == "job_id_reused");
    CHECK(records[1].creator_json.empty());
    CHECK(records[2].status == LookupStatus::scored);
    CHECK(polled_ids(h) == std::vector<std::string>{"job-c0", "job-c2"});
    CHECK(h.engine->progress().errors == 1);
    CHECK(warned(h, "job_id_reused"));
  }

  TEST_CASE("one job id for two creators in two batches: the later one is an error job_id_reused") {
    TamperedHarness h;
    int batch = 0;
    h.api.on_submit = [&batch](json& results) {
      if (++batch == 2) {
        results[0]["job_id"] = "job-c0";  // c1 is told c0's job, which already ended
      }
    };
    auto records = numbered_lookups(2, core::Platform::tiktok, "c");
    creatorscore::ScoreRunConfig config;
    config.batch_size = 1;
    run_bounded(h, records, config);

    check_second_refused_job_c0(h, records);
  }

  TEST_CASE("one job id for two creators in a resumed state: the later is error job_id_reused, not polled") {
    TamperedHarness h;
    auto records = numbered_lookups(2, core::Platform::tiktok, "c");
    for (auto& record : records) {
      record.status = LookupStatus::pending;
      record.job_id = "job-c0";
      record.submitted_at = test::at(std::chrono::seconds(0));
      record.last_polled_at = test::at(std::chrono::seconds(0));
    }
    const auto outcome = run_bounded(h, records);

    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    check_second_refused_job_c0(h, records);
  }

  TEST_CASE("a score naming another creator is error answer_for_another_creator; twitter is x, case aside") {
    TamperedHarness h;
    h.api.job = [](const std::string& job_id) {
      json answer = done_job(job_id, job_id.substr(4));
      if (job_id == "job-c1") {
        answer["creator"]["handle"] = "c0";  // c0's score, for c1's job
      } else if (job_id == "job-c2") {
        answer["creator"]["platform"] = "instagram";
      } else if (job_id == "job-c3") {
        answer["creator"]["platform"] = 7;
      } else if (job_id == "job-c4") {
        answer["creator"]["handle"] = "@C4";  // the same creator, written otherwise
      } else if (job_id == "job-c5") {
        answer["creator"].erase("handle");  // says nothing against it
        answer["creator"].erase("platform");
      }
      return answer;
    };
    h.api.on_submit = [](json& results) {
      // c6 is answered from the cache with c0's score.
      results[6] = json{{"platform", "tiktok"}, {"handle", "c6"}, {"status", "cached"},
                        {"creator", {{"platform", "tiktok"}, {"handle", "c0"}, {"score", 70}}}};
    };
    auto records = numbered_lookups(7, core::Platform::tiktok, "c");
    const auto outcome = run_bounded(h, records);

    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    for (std::size_t i : std::vector<std::size_t>{1, 2, 3, 6}) {
      CAPTURE(i);
      CHECK(records[i].status == LookupStatus::error);
      CHECK(records[i].error == "answer_for_another_creator");
      CHECK(records[i].creator_json.empty());
    }
    for (std::size_t i : std::vector<std::size_t>{0, 4, 5}) {
      CAPTURE(i);
      CHECK(records[i].status == LookupStatus::scored);
    }
    CHECK(warned(h, "answer_for_another_creator"));
  }

  TEST_CASE("a score for x names the creator as twitter, in another case: it is taken") {
    TamperedHarness h;
    h.api.job = [](const std::string& job_id) {
      json answer = done_job(job_id, "JACK");
      answer["creator"]["platform"] = "twitter";
      return answer;
    };
    std::vector<state::LookupRecord> records = numbered_lookups(1, core::Platform::x, "c");
    records[0].handle = "Jack";
    run_bounded(h, records);
    CHECK(records[0].status == LookupStatus::scored);
  }

  TEST_CASE("unknown creator in a submit answer: ignored, no record added, nothing charged for it, its job never polled") {
    TamperedHarness h;
    h.api.on_submit = [](json& results) {
      results.push_back(queued("tiktok", "stranger", "job-stranger", 3));
      // Our handle on a platform we did not ask for, and on one that does not exist.
      results.push_back(queued("instagram", "c0", "job-instagram-c0", 1));
      results.push_back(queued("myspace", "c0", "job-myspace-c0", 5));
      results.push_back(json{{"status", "queued"}, {"job_id", "job-nameless"}, {"credits_charged", 7}});
    };
    auto records = numbered_lookups(2, core::Platform::tiktok, "c");
    const auto outcome = h.run(records);

    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    REQUIRE(records.size() == 2);
    CHECK(records[0].status == LookupStatus::scored);
    CHECK(records[0].job_id == "job-c0");
    CHECK(records[0].credits_charged == 1);
    CHECK(records[1].status == LookupStatus::scored);
    CHECK(records[1].job_id == "job-c1");
    CHECK(h.engine->progress().credits_spent == 2);
    CHECK(h.store.totals().credits_spent == 2);
    REQUIRE(h.observer.batches.size() == 1);
    CHECK(h.observer.batches[0].queued == 2);
    CHECK(h.observer.batches[0].credits_spent == 2);
    CHECK(polled_ids(h) == std::vector<std::string>{"job-c0", "job-c1"});
  }

  TEST_CASE("a result for a roster creator outside the batch: ignored there, submitted in its own batch, charged once") {
    TamperedHarness h;
    bool first = true;
    h.api.on_submit = [&first](json& results) {
      if (first) {
        results.push_back(queued("tiktok", "c1", "job-c1-unasked", 1));
        first = false;
      }
    };
    auto records = numbered_lookups(2, core::Platform::tiktok, "c");
    creatorscore::ScoreRunConfig config;
    config.batch_size = 1;
    h.run(records, config);

    const std::vector<json> batches = h.api.sent_lists("/creators/bulk", "creators");
    REQUIRE(batches.size() == 2);
    CHECK(batches[1] == json::array({{{"platform", "tiktok"}, {"handle", "c1"}}}));
    CHECK(records[1].status == LookupStatus::scored);
    CHECK(records[1].job_id == "job-c1");
    CHECK(h.engine->progress().credits_spent == 2);
    CHECK(h.store.totals().credits_spent == 2);
    CHECK(polled_ids(h) == std::vector<std::string>{"job-c0", "job-c1"});
  }

  TEST_CASE("unknown job ids in a poll answer: ignored, no refund, no count, the asked job still ends") {
    TamperedHarness h;
    h.api.on_poll = [](json& jobs) {
      jobs.push_back(failed_job("job-ghost-failed"));
      jobs.push_back(done_job("job-ghost-done", "ghost"));
      jobs.push_back(json{{"job_id", "job-ghost-gone"}, {"status", "not_found"}, {"message", "no such job"}});
      jobs.push_back(json{{"status", "failed"}, {"error", "no job id at all"}});
    };
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    const auto outcome = h.run(records);

    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    REQUIRE(records.size() == 1);
    CHECK(records[0].status == LookupStatus::scored);
    CHECK(records[0].credits_refunded == 0);
    CHECK(h.engine->progress().credits_refunded == 0);
    CHECK(h.engine->progress().failed == 0);
    CHECK(h.engine->progress().not_found == 0);
    CHECK(h.store.totals().credits_refunded == 0);
    REQUIRE(h.observer.polls.size() == 1);
    CHECK(h.observer.polls[0].polled == 1);
    CHECK(h.observer.polls[0].done == 1);
    CHECK(h.observer.polls[0].failed == 0);
    CHECK(h.observer.polls[0].not_found == 0);
  }

  TEST_CASE("duplicate results for one creator in a submit answer: the first is taken, charged once, polled once") {
    TamperedHarness h;
    h.api.on_submit = [](json& results) {
      results.push_back(queued("tiktok", "c0", "job-c0-again", 1));
      results.push_back(queued("tiktok", "C0", "job-c0-upper", 1));  // handles compare case-insensitively
      results.push_back(json{{"platform", "tiktok"}, {"handle", "c0"}, {"status", "error"}, {"error", "invalid_handle"}});
    };
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    h.run(records);

    CHECK(records[0].status == LookupStatus::scored);
    CHECK(records[0].job_id == "job-c0");
    CHECK(records[0].credits_charged == 1);
    CHECK(records[0].error.empty());
    CHECK(h.engine->progress().credits_spent == 1);
    CHECK(h.store.totals().credits_spent == 1);
    REQUIRE(h.observer.batches.size() == 1);
    CHECK(h.observer.batches[0].queued == 1);
    CHECK(h.observer.batches[0].errors == 0);
    CHECK(h.observer.batches[0].credits_spent == 1);
    CHECK(polled_ids(h) == std::vector<std::string>{"job-c0"});
  }

  TEST_CASE("duplicate entries for one job in a poll answer: counted once; a failed job is refunded once") {
    TamperedHarness h;
    h.api.job = [](const std::string& job_id) {
      return job_id == "job-c1" ? failed_job(job_id) : done_job(job_id, job_id.substr(4));
    };
    h.api.on_poll = [](json& jobs) {
      const json honest = jobs;
      for (const json& entry : honest) {
        jobs.push_back(entry);  // each entry twice
      }
      jobs.push_back(done_job("job-c1", "c1"));  // then a contradicting one for the failed job
      jobs.push_back(failed_job("job-c0"));      // and for the done one
    };
    auto records = numbered_lookups(2, core::Platform::tiktok, "c");
    const auto outcome = h.run(records);

    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(records[0].status == LookupStatus::scored);
    CHECK(records[0].credits_refunded == 0);
    CHECK(records[1].status == LookupStatus::failed);
    CHECK(records[1].error == "scoring_failed");
    CHECK(records[1].creator_json.empty());
    CHECK(records[1].credits_refunded == 1);
    CHECK(h.engine->progress().credits_refunded == 1);
    CHECK(h.store.totals().credits_refunded == 1);
    CHECK(h.engine->progress().scored == 1);
    CHECK(h.engine->progress().failed == 1);
    REQUIRE(h.observer.polls.size() == 1);
    CHECK(h.observer.polls[0].done == 1);
    CHECK(h.observer.polls[0].failed == 1);
  }
}
