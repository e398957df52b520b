#include <doctest/doctest.h>

#include <nlohmann/json.hpp>

#include "output/status_view.hpp"

using namespace std::chrono_literals;
using core::LookupStatus;
using nlohmann::json;

namespace {

constexpr std::int64_t k_t0 = 1'700'000'000'000;  // 2023-11-14T22:13:20Z

util::TimePoint at(util::Duration since_t0) { return util::TimePoint{util::Duration(k_t0) + since_t0}; }

void set_count(state::StatusReport& report, LookupStatus status, std::size_t count) {
  report.counts[static_cast<std::size_t>(status)] = count;
}

// A run stopped by its deadline: every status has a different count, two lookups were never
// submitted, one batch was sent without its answer saved.
state::StatusReport incomplete_report() {
  state::StatusReport report;
  report.state_path = "/home/ana/.local/state/roster-enrich/roster.csv-0123456789abcdef.db";
  report.run_id = 3;
  report.run_status = state::RunStatus::incomplete;
  report.stop_reason = "deadline reached";
  report.roster_path = "/srv/rosters/roster.csv";
  report.base_url = "https://creatorscore.io";
  report.started_at = at(0ms);
  report.ended_at = at(50min);
  set_count(report, LookupStatus::unsubmitted, 2);
  set_count(report, LookupStatus::cached, 11);
  set_count(report, LookupStatus::scored, 7);
  set_count(report, LookupStatus::failed, 3);
  set_count(report, LookupStatus::not_found, 1);
  set_count(report, LookupStatus::pending, 5);
  set_count(report, LookupStatus::skipped, 4);
  set_count(report, LookupStatus::error, 6);
  report.lookups = 39;
  report.submit_intents = 1;
  report.totals = state::Totals{31, 3, 42};
  report.pending_jobs = 5;
  report.oldest_pending_age = 1h + 12min + 30s + 400ms;
  report.eta = at(2h + 15min);
  return report;
}

state::StatusReport completed_report() {
  state::StatusReport report;
  report.state_path = "state.db";
  report.run_id = 1;
  report.run_status = state::RunStatus::completed;
  report.stop_reason = "completed";
  report.roster_path = "/r.csv";
  report.base_url = "http://127.0.0.1:8080";
  report.started_at = at(0ms);
  report.ended_at = at(1h + 30min + 5s);
  set_count(report, LookupStatus::cached, 1);
  set_count(report, LookupStatus::scored, 2);
  report.lookups = 3;
  report.totals = state::Totals{4, 0, 9};
  return report;
}

}  // namespace

TEST_SUITE("output::status_view") {
  TEST_CASE("iso8601_utc: Unix milliseconds as UTC to the second, rounded down") {
    CHECK(output::iso8601_utc(util::TimePoint{}) == "1970-01-01T00:00:00Z");
    CHECK(output::iso8601_utc(at(0ms)) == "2023-11-14T22:13:20Z");
    CHECK(output::iso8601_utc(at(999ms)) == "2023-11-14T22:13:20Z");
    CHECK(output::iso8601_utc(at(1h + 46min + 40s)) == "2023-11-15T00:00:00Z");
  }

  TEST_CASE("status_text: an incomplete run, every field, aligned, with the resume hint") {
    const std::string text = output::status_text(incomplete_report(), at(1h + 25min));
    CHECK(text ==
          "roster-enrich: run 3 incomplete (deadline reached)\n"
          "  roster              /srv/rosters/roster.csv\n"
          "  base URL            https://creatorscore.io\n"
          "  state file          /home/ana/.local/state/roster-enrich/roster.csv-0123456789abcdef.db\n"
          "  started at          2023-11-14T22:13:20Z (1h25m ago)\n"
          "  ended at            2023-11-14T23:03:20Z (after 50m)\n"
          "  unique lookups      39\n"
          "  cached              11\n"
          "  scored              7\n"
          "  failed              3\n"
          "  not_found           1\n"
          "  pending             7 (2 not submitted yet)\n"
          "  skipped             4\n"
          "  invalid             0 (invalid rows are never sent nor stored: `roster-enrich quote` lists them)\n"
          "  error               6\n"
          "  sent, unanswered    1 (sent again free on resume)\n"
          "  credits spent       31\n"
          "  credits refunded    3\n"
          "  requests made       42\n"
          "  pending jobs        5\n"
          "  oldest pending      1h12m30s\n"
          "  latest eta          2023-11-15T00:28:20Z (in 50m)\n"
          "  resume: run the same `roster-enrich run /srv/rosters/roster.csv ...` command again; it resumes "
          "without paying twice\n");
  }

  TEST_CASE("status_text: a completed run has no pending job, no eta and no resume hint") {
    const std::string text = output::status_text(completed_report(), at(2h));
    CHECK(text ==
          "roster-enrich: run 1 completed (completed)\n"
          "  roster              /r.csv\n"
          "  base URL            http://127.0.0.1:8080\n"
          "  state file          state.db\n"
          "  started at          2023-11-14T22:13:20Z (2h ago)\n"
          "  ended at            2023-11-14T23:43:25Z (after 1h30m5s)\n"
          "  unique lookups      3\n"
          "  cached              1\n"
          "  scored              2\n"
          "  failed              0\n"
          "  not_found           0\n"
          "  pending             0\n"
          "  skipped             0\n"
          "  invalid             0 (invalid rows are never sent nor stored: `roster-enrich quote` lists them)\n"
          "  error               0\n"
          "  credits spent       4\n"
          "  credits refunded    0\n"
          "  requests made       9\n"
          "  pending jobs        0\n"
          "  oldest pending      none\n"
          "  latest eta          none\n");
  }

  TEST_CASE("status_text: a running run, read from standard input, eta already past") {
    state::StatusReport report = incomplete_report();
    report.run_status = state::RunStatus::running;
    report.stop_reason.clear();
    report.ended_at.reset();
    report.roster_path = "-";
    const std::string text = output::status_text(report, at(3h));
    CHECK(text.starts_with(
        "roster-enrich: run 3 running (no end recorded: a run is working on it, or was killed)\n"
        "  roster              - (standard input)\n"));
    CHECK(text.find("ended at") == std::string::npos);
    CHECK(text.find("  started at          2023-11-14T22:13:20Z (3h ago)\n") != std::string::npos);
    CHECK(text.find("  latest eta          2023-11-15T00:28:20Z (45m ago)\n") != std::string::npos);
    CHECK(text.ends_with("  resume: run the same `roster-enrich run - (the same roster on standard input) ...` "
                         "command again; it resumes without paying twice\n"));
  }

  TEST_CASE("status_text: a running run says whether a process is working on it, from its lock") {
    state::StatusReport report = incomplete_report();
    report.run_status = state::RunStatus::running;
    report.stop_reason.clear();
    report.ended_at.reset();

    report.lock = state::LockHolder{state::LockHolder::State::held, 4242, "2023-11-14T22:13:21Z"};
    std::string text = output::status_text(report, at(1h));
    CHECK(text.starts_with("roster-enrich: run 3 running (process 4242 is working on it)\n"));
    CHECK(text.find(
              "  state file          /home/ana/.local/state/roster-enrich/roster.csv-0123456789abcdef.db\n"
              "  in use by           process 4242 (since 2023-11-14T22:13:21Z)\n") != std::string::npos);
    CHECK(text.find("  resume:") == std::string::npos);  // the same command would exit 75 now
    report.lock.started.clear();
    CHECK(output::status_text(report, at(1h)).find("  in use by           process 4242\n") !=
          std::string::npos);

    report.lock = state::LockHolder{state::LockHolder::State::held, 0, ""};  // its PID not written yet
    text = output::status_text(report, at(1h));
    CHECK(text.starts_with("roster-enrich: run 3 running (a process is working on it)\n"));
    CHECK(text.find("  in use by           a process\n") != std::string::npos);
    const json unwritten = json::parse(output::status_json(report, at(1h)));
    CHECK(unwritten["in_use"] == true);
    CHECK(unwritten["in_use_by_pid"].is_null());

    report.lock = state::LockHolder{state::LockHolder::State::free, 0, ""};
    text = output::status_text(report, at(1h));
    CHECK(text.starts_with(
        "roster-enrich: run 3 running (no process is working on it: it was killed or crashed)\n"));
    CHECK(text.find("in use by") == std::string::npos);
    CHECK(text.find("  resume: run the same `roster-enrich run /srv/rosters/roster.csv ...`") !=
          std::string::npos);

    // A run that ended, and a new invocation holding the file (about to resume or start afresh).
    report = incomplete_report();
    report.lock = state::LockHolder{state::LockHolder::State::held, 77, ""};
    text = output::status_text(report, at(1h));
    CHECK(text.starts_with("roster-enrich: run 3 incomplete (deadline reached)\n"));
    CHECK(text.find("  in use by           process 77\n") != std::string::npos);
    CHECK(text.find("  resume:") == std::string::npos);
  }

  TEST_CASE("status_text: an abandoned run says why and has no resume hint") {
    state::StatusReport report = completed_report();
    report.run_status = state::RunStatus::abandoned;
    const std::string text = output::status_text(report, at(2h));
    CHECK(text.starts_with("roster-enrich: run 1 abandoned (discarded by --restart)\n"));
    CHECK(text.find("resume") == std::string::npos);
  }

  TEST_CASE("status_json: one object, every field, times in UTC, durations in seconds") {
    state::StatusReport report = incomplete_report();
    report.lock =
        state::LockHolder{state::LockHolder::State::held, 4242, "2023-11-14T23:30:00Z"};  // a resume
    const std::string text = output::status_json(report, at(1h + 25min + 999ms));
    REQUIRE(text.ends_with("}\n"));
    const json d = json::parse(text);
    CHECK(d.size() == 23);
    CHECK(d["in_use"] == true);
    CHECK(d["in_use_by_pid"] == 4242);
    CHECK(d["state_file"] == "/home/ana/.local/state/roster-enrich/roster.csv-0123456789abcdef.db");
    CHECK(d["run_id"] == 3);
    CHECK(d["roster"] == "/srv/rosters/roster.csv");
    CHECK(d["base_url"] == "https://creatorscore.io");
    CHECK(d["run_status"] == "incomplete");
    CHECK(d["stop_reason"] == "deadline reached");
    CHECK(d["resumable"] == true);
    CHECK(d["started_at"] == "2023-11-14T22:13:20Z");
    CHECK(d["age_seconds"] == 5100);
    CHECK(d["ended_at"] == "2023-11-14T23:03:20Z");
    CHECK(d["unique_lookups"] == 39);
    CHECK(d["counts"] == json{{"cached", 11}, {"scored", 7}, {"failed", 3}, {"not_found", 1},
                              {"pending", 7}, {"skipped", 4}, {"invalid", 0}, {"error", 6}});
    // Counts in PRODUCT.md's order, so two outputs diff well.
    const auto ordered = nlohmann::ordered_json::parse(text);
    std::vector<std::string> keys;
    for (const auto& item : ordered["counts"].items()) {
      keys.push_back(item.key());
    }
    CHECK(keys == std::vector<std::string>{"cached", "scored", "failed", "not_found", "pending", "skipped", "invalid",
                                           "error"});
    CHECK(d["not_submitted"] == 2);
    CHECK(d["sent_unanswered"] == 1);
    CHECK(d["credits_spent"] == 31);
    CHECK(d["credits_refunded"] == 3);
    CHECK(d["requests"] == 42);
    CHECK(d["pending_jobs"] == 5);
    CHECK(d["oldest_pending_age_seconds"] == 4350);
    CHECK(d["latest_eta"] == "2023-11-15T00:28:20Z");
    CHECK(d["latest_eta_in_seconds"] == 2999);
  }

  TEST_CASE("status_text and status_json: an age is never negative") {
    // A pending job stored by a process whose clock ran ahead of ours (a time-scaled run).
    state::StatusReport report = incomplete_report();
    report.oldest_pending_age = -95s;
    const util::TimePoint before_start = at(-3s);
    const std::string text = output::status_text(report, before_start);
    CHECK(text.find("  oldest pending      0s\n") != std::string::npos);
    CHECK(text.find("  started at          2023-11-14T22:13:20Z (0s ago)\n") != std::string::npos);
    const json d = json::parse(output::status_json(report, before_start));
    CHECK(d["oldest_pending_age_seconds"] == 0);
    CHECK(d["age_seconds"] == 0);
  }

  TEST_CASE("status_json: what is unknown is null, not missing") {
    const json d = json::parse(output::status_json(completed_report(), at(2h)));
    CHECK(d.size() == 23);
    CHECK(d["in_use"].is_null());  // LockHolder::State::unknown
    CHECK(d["in_use_by_pid"].is_null());
    CHECK(d["run_status"] == "completed");
    CHECK(d["resumable"] == false);
    CHECK(d["ended_at"] == "2023-11-14T23:43:25Z");
    CHECK(d["age_seconds"] == 7200);
    CHECK(d["pending_jobs"] == 0);
    CHECK(d["oldest_pending_age_seconds"].is_null());
    CHECK(d["latest_eta"].is_null());
    CHECK(d["latest_eta_in_seconds"].is_null());
    CHECK(d["counts"]["pending"] == 0);

    state::StatusReport running = incomplete_report();
    running.run_status = state::RunStatus::running;
    running.stop_reason.clear();
    running.ended_at.reset();
    const json r = json::parse(output::status_json(running, at(3h)));
    CHECK(r["run_status"] == "running");
    CHECK(r["resumable"] == true);
    CHECK(r["stop_reason"].is_null());
    CHECK(r["ended_at"].is_null());
    CHECK(r["latest_eta_in_seconds"] == -2700);
    running.lock.state = state::LockHolder::State::free;
    const json killed = json::parse(output::status_json(running, at(3h)));
    CHECK(killed["in_use"] == false);
    CHECK(killed["in_use_by_pid"].is_null());
  }
}
