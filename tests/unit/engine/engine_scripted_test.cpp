// The engine against a scripted API: every job's life is written in the test, so the instants of
// every request can be asserted exactly (the simulator-backed tests in engine_test.cpp check the
// same rules against a faithful API, with bounds).

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <functional>
#include <map>
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
using namespace std::chrono_literals;
using core::LookupStatus;
using test::at;
using nlohmann::json;

namespace {

// What a job reports when asked at `now`: a bulk-status entry (`job_id` is filled in).
using JobScript = std::function<json(util::Duration since_submit)>;

json in_flight(std::int64_t eta_seconds) { return {{"status", "processing"}, {"progress", 50}, {"eta_seconds", eta_seconds}}; }
// What the simulator says: the true remaining time × the job's eta factor, rounded to seconds.
json eta_off(util::Duration remaining, double factor) {
  return in_flight(std::llround(std::chrono::duration<double>(remaining).count() * factor));
}
json done() {
  return {{"status", "done"},
          {"progress", 100},
          {"completed_at", "2026-11-01T01:00:00Z"},
          {"creator", {{"platform", "tiktok"}, {"handle", "h"}, {"score", 70}, {"tier", "Good"}}}};
}

// A CreatorScore API written as a script: every creator is queued at submit with `first_eta`
// seconds, and then reports whatever its JobScript says; unknown ids are not_found.
class ScriptedApi {
 public:
  explicit ScriptedApi(test::ManualClock& clock) : m_clock(clock), transport(&clock) {
    transport.set_handler([this](const http::Request& request) { return answer(request); });
  }

  void script(const std::string& handle, std::int64_t first_eta, JobScript job) {
    m_first_eta[handle] = first_eta;
    m_jobs["job-" + handle] = std::move(job);
  }
  void refuse_next_with_429(int retry_after_seconds) { m_pending_429 = retry_after_seconds; }

  // Instants (since the start) of every request to `path`, and the size of each request's list.
  std::vector<util::Duration> instants(const std::string& path) const {
    std::vector<util::Duration> out;
    for (std::size_t i = 0; i < transport.requests().size(); ++i) {
      if (transport.requests()[i].url.ends_with(path)) {
        out.push_back(transport.sent_at()[i] - util::TimePoint{});
      }
    }
    return out;
  }
  std::vector<std::size_t> list_sizes(const std::string& path, const std::string& key) const {
    std::vector<std::size_t> out;
    for (const http::Request& request : transport.requests()) {
      if (request.url.ends_with(path)) {
        out.push_back(json::parse(request.body)[key].size());
      }
    }
    return out;
  }


 private:
  test::ManualClock& m_clock;

 public:
  test::FakeTransport transport;

 private:
  test::TransportResult answer(const http::Request& request) {
    if (m_pending_429) {
      const int seconds = *m_pending_429;
      m_pending_429.reset();
      return test::response(429, R"({"error":"rate_limited","message":"slow down"})",
                            {{"Retry-After", std::to_string(seconds)}});
    }
    const json body = json::parse(request.body);
    if (request.url.ends_with("/creators/bulk")) {
      json results = json::array();
      for (const json& creator : body["creators"]) {
        const std::string handle = creator["handle"];
        m_submitted_at["job-" + handle] = m_clock.now();
        results.push_back({{"platform", creator["platform"]},
                           {"handle", handle},
                           {"status", "queued"},
                           {"job_id", "job-" + handle},
                           {"eta_seconds", m_first_eta[handle]},
                           {"deduplicated", false}});
      }
      return test::response(200, json{{"results", results}}.dump());
    }
    json jobs = json::array();
    for (const json& id : body["job_ids"]) {
      const std::string job_id = id;
      const auto job = m_jobs.find(job_id);
      json entry = job == m_jobs.end()
                       ? json{{"status", "not_found"}, {"message", "no such job"}}
                       : job->second(m_clock.now() - m_submitted_at[job_id]);
      entry["job_id"] = job_id;
      if (entry.contains("creator")) {
        // The creator the job was made for, as an honest API names it.
        entry["creator"]["handle"] = job_id.substr(4);
      }
      jobs.push_back(entry);
    }
    return test::response(200, json{{"jobs", jobs}}.dump());
  }

  std::map<std::string, std::int64_t> m_first_eta;
  std::map<std::string, JobScript> m_jobs;
  std::map<std::string, util::TimePoint> m_submitted_at;
  std::optional<int> m_pending_429;
};

using ScriptedHarness = test::EngineHarness<ScriptedApi>;

std::vector<util::Duration> minutes(std::initializer_list<int> values) {
  std::vector<util::Duration> out;
  for (int value : values) {
    out.push_back(std::chrono::minutes(value));
  }
  return out;
}

}  // namespace

// Failed checks print instants as seconds since the start: "{60, 120, 180}".
template <>
struct doctest::StringMaker<std::vector<util::Duration>> {
  static doctest::String convert(const std::vector<util::Duration>& instants) {
    std::string text = "{";
    for (std::size_t i = 0; i < instants.size(); ++i) {
      text += (i > 0 ? ", " : "") +
              std::to_string(std::chrono::duration_cast<std::chrono::seconds>(instants[i]).count());
    }
    return (text + "}").c_str();
  }
};

template <>
struct doctest::StringMaker<std::vector<std::size_t>> {
  static doctest::String convert(const std::vector<std::size_t>& sizes) {
    std::string text = "{";
    for (std::size_t i = 0; i < sizes.size(); ++i) {
      text += (i > 0 ? ", " : "") + std::to_string(sizes[i]);
    }
    return (text + "}").c_str();
  }
};

TEST_SUITE("engine::Engine on a scripted API") {
  TEST_CASE("cadence: every 60 s while younger than 30 min, then every 5 min, at exact instants") {
    ScriptedHarness h;
    // The job keeps saying it is nearly done, so only the cadence limits the polls; it ends at 38 min.
    h.api.script("c0", 30, [](util::Duration age) { return age >= 38min ? done() : in_flight(30); });
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    const auto outcome = h.run(records);

    REQUIRE(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(records[0].status == LookupStatus::scored);
    CHECK(h.api.instants("/creators/bulk") == minutes({0}));
    // 1, 2, ..., 30 min (the 30th poll is the first one at age 30 min), then 35 and 40 min.
    std::vector<util::Duration> expected;
    for (int minute = 1; minute <= 30; ++minute) {
      expected.push_back(std::chrono::minutes(minute));
    }
    expected.push_back(35min);
    expected.push_back(40min);
    CHECK(h.api.instants("/jobs/bulk-status") == expected);
    CHECK(h.clock.now() == at(40min));
  }

  TEST_CASE("cadence: the flags move the instants (--poll-interval 2m, --slow-after 10m, --slow-poll-interval 7m)") {
    ScriptedHarness h;
    h.api.script("c0", 1, [](util::Duration age) { return age >= 20min ? done() : in_flight(1); });
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    creatorscore::ScoreRunConfig config;
    config.poll_interval = 2min;
    config.slow_after = 10min;
    config.slow_poll_interval = 7min;
    h.run(records, config);
    CHECK(h.api.instants("/jobs/bulk-status") == minutes({2, 4, 6, 8, 10, 17, 24}));
    CHECK(records[0].status == LookupStatus::scored);
  }

  TEST_CASE("eta: calibrated at 60 s, refined once, then seen done just after its end, for an eta 1.35x and 0.75x the truth") {
    ScriptedHarness h;
    // Both end at 50 min; c0's eta is 1.35x its true remaining time, c1's 0.75x.
    h.api.script("c0", 4050, [](util::Duration age) { return age >= 50min ? done() : eta_off(50min - age, 1.35); });
    h.api.script("c1", 2250, [](util::Duration age) { return age >= 50min ? done() : eta_off(50min - age, 0.75); });
    auto records = numbered_lookups(2, core::Platform::tiktok, "c");
    h.run(records);
    // 60 s: the etas fell 81 s and 45 s in 60 s: rates 1.35 and 0.75, both ends predicted at 3000 s,
    // but a second's rounding over a 60 s span leaves minutes of doubt 49 min ahead. So one more
    // report, late enough to still allow the 5-min cadence before the end even if the request waits
    // a grouping window: 3000 - 3 - 70 - 300 = 2627 s. They say 504 and 280 s (373 s × 1.35 and
    // × 0.75, rounded): ends 2627 + 504 × 2627 / 3546 and 2627 + 280 × 2627 / 1970, both 3000.381 s
    // (the rounding shows), and both due 3 s later: one request, 3.4 s after the end.
    CHECK(h.api.instants("/jobs/bulk-status") == std::vector<util::Duration>{60s, 2627s, 3003381ms});
    CHECK(h.api.list_sizes("/jobs/bulk-status", "job_ids") == std::vector<std::size_t>{2, 2, 2});
    CHECK(records[0].status == LookupStatus::scored);
    CHECK(records[1].status == LookupStatus::scored);
  }

  TEST_CASE("eta: jobs that end close together share a request; the others ride along while it is worth it") {
    ScriptedHarness h;
    // Exact etas, ending at 20, 20.5 and 25 min.
    h.api.script("c0", 1200, [](util::Duration age) { return age >= 1200s ? done() : eta_off(1200s - age, 1.0); });
    h.api.script("c1", 1230, [](util::Duration age) { return age >= 1230s ? done() : eta_off(1230s - age, 1.0); });
    h.api.script("c2", 1500, [](util::Duration age) { return age >= 1500s ? done() : eta_off(1500s - age, 1.0); });
    auto records = numbered_lookups(3, core::Platform::tiktok, "c");
    h.run(records);
    // 60 s calibrates all three. Refinements are due at 1200 - 3 - 70 - 60 = 1067 s, 1097 s and
    // 1367 s: c0 waits for c1 (inside the 70 s window), and c2 rides along, as its next poll is
    // still allowed before its end. 1203 s: c0 is due and waits for c1 (1233 s); c2 rides along
    // again (60 s cadence, end at 1500 s). 1503 s: c2, alone: 270 s is more than a window away.
    CHECK(h.api.instants("/jobs/bulk-status") == std::vector<util::Duration>{60s, 1097s, 1233s, 1503s});
    CHECK(h.api.list_sizes("/jobs/bulk-status", "job_ids") == std::vector<std::size_t>{3, 3, 3, 1});
  }

  TEST_CASE("eta: an eta that does not fall is taken at face value after each report") {
    ScriptedHarness h;
    h.api.script("c0", 600, [](util::Duration age) { return age >= 20min ? done() : in_flight(600); });
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    h.run(records);
    // 60 s: the eta fell at rate 0, so 60 + 600 + 3 s; then 663 + 603 s.
    CHECK(h.api.instants("/jobs/bulk-status") == std::vector<util::Duration>{60s, 663s, 1266s});
    CHECK(records[0].status == LookupStatus::scored);
  }

  TEST_CASE("eta: a re-estimated job is taken at face value, then measured afresh from the reports after the jump") {
    ScriptedHarness h;
    // Submitted saying 50 min; from then on its eta is 0.8x the truth, and it ends at 600 s.
    h.api.script("c0", 3000, [](util::Duration age) { return age >= 600s ? done() : eta_off(600s - age, 0.8); });
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    h.run(records);
    // 60 s: eta 432, a rate of 43 against the submit's 3000: absurd, so 60 + 432 + 3 = 495 s (early).
    // 495 s: eta 84, a rate of 0.8 against the 60 s report: 495 + 84 / 0.8 + 3 = 603 s.
    CHECK(h.api.instants("/jobs/bulk-status") == std::vector<util::Duration>{60s, 495s, 603s});
    CHECK(records[0].status == LookupStatus::scored);
  }

  TEST_CASE("eta: the cadence holds over the prediction: an old job that slipped is asked again 5 min later") {
    ScriptedHarness h;
    // Its eta is exact until it is 30 min old; then it slips and keeps saying 60 s until 2000 s.
    h.api.script("c0", 1920, [](util::Duration age) {
      if (age >= 2000s) return done();
      return age < 30min ? eta_off(1920s - age, 1.0) : in_flight(60);
    });
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    h.run(records);
    // 60 s: calibrated, end 1920 s, refined at 1920 - 373 = 1547 s (an exact eta, so end 1920 s).
    // 1923 s: 3 s after it, at age 32 min: the next poll waits the slow cadence, though the
    // reports now predict about 1985 s.
    CHECK(h.api.instants("/jobs/bulk-status") == std::vector<util::Duration>{60s, 1547s, 1923s, 2223s});
    CHECK(records[0].status == LookupStatus::scored);
  }

  TEST_CASE("eta: a job due soon after its calibration still waits its 60 s cadence") {
    ScriptedHarness h;
    // Its eta is 1.2x the truth and it ends at 90 s: predicted at 90 s, but 60 s after the last poll.
    h.api.script("c0", 108, [](util::Duration age) { return age >= 90s ? done() : eta_off(90s - age, 1.2); });
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    h.run(records);
    CHECK(h.api.instants("/jobs/bulk-status") == minutes({1, 2}));
    CHECK(records[0].status == LookupStatus::scored);
  }

  TEST_CASE("batches: 250 creators go as 100 + 100 + 50; polls carry 100 ids, the last 50 wait to share one") {
    ScriptedHarness h;
    for (int i = 0; i < 250; ++i) {
      h.api.script("c" + std::to_string(i), 30, [](util::Duration age) { return age >= 2min ? done() : in_flight(30); });
    }
    auto records = numbered_lookups(250, core::Platform::tiktok, "c");
    h.run(records);
    CHECK(h.api.list_sizes("/creators/bulk", "creators") == std::vector<std::size_t>{100, 100, 50});
    // 60 s: 250 calibration polls are due, two full requests go. The other 50 wait (less than the
    // grouping window) for the 200 due again at 120 s, when 250 share three requests.
    CHECK(h.api.list_sizes("/jobs/bulk-status", "job_ids") == std::vector<std::size_t>{100, 100, 100, 100, 50});
    CHECK(h.api.instants("/jobs/bulk-status") == minutes({1, 1, 2, 2, 2}));
    CHECK(std::count_if(records.begin(), records.end(), [](const auto& r) { return r.status == LookupStatus::scored; }) ==
          250);
  }

  TEST_CASE("batches: --batch-size 40 sends 40 + 40 + 20") {
    ScriptedHarness h;
    for (int i = 0; i < 100; ++i) {
      h.api.script("c" + std::to_string(i), 30, [](util::Duration) { return done(); });
    }
    auto records = numbered_lookups(100, core::Platform::tiktok, "c");
    creatorscore::ScoreRunConfig config;
    config.batch_size = 40;
    h.run(records, config);
    CHECK(h.api.list_sizes("/creators/bulk", "creators") == std::vector<std::size_t>{40, 40, 20});
  }

  TEST_CASE("not_found: a job the API no longer knows ends not_found, with its message, and is not asked about again") {
    ScriptedHarness h;
    h.api.script("c0", 30, [](util::Duration age) { return age >= 3min ? done() : in_flight(30); });
    h.api.script("c1", 30, [](util::Duration) { return json{{"status", "not_found"}, {"message", "job expired"}}; });
    auto records = numbered_lookups(2, core::Platform::tiktok, "c");
    const auto outcome = h.run(records);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(records[0].status == LookupStatus::scored);
    CHECK(records[1].status == LookupStatus::not_found);
    CHECK(records[1].error == "job expired");
    CHECK(h.api.list_sizes("/jobs/bulk-status", "job_ids") == std::vector<std::size_t>{2, 1, 1});
  }

  TEST_CASE("not_found: a resumed job id the API never issued ends not_found") {
    ScriptedHarness h;
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    records[0].status = LookupStatus::pending;
    records[0].job_id = "job-from-another-life";
    records[0].submitted_at = at(0s);
    records[0].last_polled_at = at(0s);
    const auto outcome = h.run(records);
    CHECK(outcome.ending == engine::RunOutcome::Ending::completed);
    CHECK(records[0].status == LookupStatus::not_found);
    CHECK(records[0].error == "no such job");
    CHECK(h.api.instants("/creators/bulk").empty());
    CHECK(h.api.instants("/jobs/bulk-status") == minutes({1}));
  }

  TEST_CASE("429: the poll is sent again exactly when Retry-After has passed, and the cadence resumes from its answer") {
    ScriptedHarness h;
    h.api.script("c0", 30, [](util::Duration age) { return age >= 150s ? done() : in_flight(30); });
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    h.clock.stop_at(at(59s));  // stop watching at 59 s
    h.run(records);
    REQUIRE(records[0].status == LookupStatus::pending);
    h.clock.clear_stop();
    h.api.refuse_next_with_429(17);
    h.run(records);
    // 60 s: refused; 77 s: sent again; then 60 s after that answer: 137 s (in flight), 197 s (done).
    const std::vector<util::Duration> expected{60s, 77s, 137s, 197s};
    CHECK(h.api.instants("/jobs/bulk-status") == expected);
    CHECK(records[0].status == LookupStatus::scored);
  }

  TEST_CASE("deadline: the run stops exactly at the deadline, with the job still pending") {
    ScriptedHarness h;
    h.api.script("c0", 30, [](util::Duration age) { return age >= 90min ? done() : in_flight(30); });
    auto records = numbered_lookups(1, core::Platform::tiktok, "c");
    creatorscore::ScoreRunConfig config;
    config.deadline = 150s;
    const auto outcome = h.run(records, config);
    CHECK(outcome.ending == engine::RunOutcome::Ending::deadline);
    CHECK(h.clock.now() == at(150s));
    CHECK(h.api.instants("/jobs/bulk-status") == minutes({1, 2}));
    CHECK(records[0].status == LookupStatus::pending);
  }
}

TEST_SUITE("engine::Engine on a scripted API") {
  TEST_CASE("deadline: a retry wait that would pass it ends the run there and then, nothing more sent") {
    ScriptedHarness h;
    h.api.script("c0", 30, [](util::Duration) { return in_flight(30); });
    h.api.script("c1", 30, [](util::Duration) { return in_flight(30); });
    auto records = numbered_lookups(2, core::Platform::tiktok, "c");
    creatorscore::ScoreRunConfig config;
    config.batch_size = 1;
    config.deadline = 5min;
    h.http_client.set_deadline(at(5min));
    h.api.refuse_next_with_429(3600);  // capped at 10 min: still past the deadline
    const auto outcome = h.run(records, config);
    CHECK(outcome.ending == engine::RunOutcome::Ending::deadline);
    CHECK(h.clock.now() == at(0s));
    CHECK(h.api.transport.requests().size() == 1);
    CHECK(records[0].status == LookupStatus::unsubmitted);
    CHECK(records[1].status == LookupStatus::unsubmitted);
  }
}
