#include "output/status_view.hpp"

#include <algorithm>
#include <array>
#include <ctime>
#include <nlohmann/json.hpp>

#include "util/duration.hpp"

namespace output {

namespace {

using core::LookupStatus;
using nlohmann::ordered_json;

// PRODUCT.md, "Statuses", in its order. `unsubmitted` is counted as `pending`, as the output
// writes it.
constexpr std::array k_reported_statuses = {LookupStatus::cached,  LookupStatus::scored,  LookupStatus::failed,
                                            LookupStatus::not_found, LookupStatus::pending, LookupStatus::skipped,
                                            LookupStatus::invalid, LookupStatus::error};

std::size_t reported_count(const state::StatusReport& report, LookupStatus status) {
  if (status == LookupStatus::pending) {
    return report.count(LookupStatus::pending) + report.count(LookupStatus::unsubmitted);
  }
  return report.count(status);
}

long long whole_seconds(util::Duration duration) {
  return std::chrono::floor<std::chrono::seconds>(duration).count();
}

// An age is never negative. It can come out so when the instant was stored by another process:
// a wall clock set back, or a time-scaled test run, whose clock runs ahead (util/clock.hpp).
util::Duration age(util::Duration duration) { return std::max(duration, util::Duration::zero()); }

// "12m ago" for the past, "in 1h5m" for the future.
std::string relative_text(util::TimePoint instant, util::TimePoint now) {
  if (instant <= now) {
    return util::format_whole_seconds(now - instant) + " ago";
  }
  return "in " + util::format_whole_seconds(instant - now);
}

// "process 4711", or "a process" for a holder that has not written its PID yet.
std::string holder_name(const state::LockHolder& holder) {
  return holder.pid > 0 ? "process " + std::to_string(holder.pid) : std::string("a process");
}

std::string header(const state::StatusReport& report) {
  std::string out = "roster-enrich: run " + std::to_string(report.run_id) + " " +
                    std::string(state::run_status_name(report.run_status));
  if (report.run_status == state::RunStatus::running) {
    // No end recorded: whether a process is still working on it, the lock says.
    switch (report.lock.state) {
      case state::LockHolder::State::held:
        out += " (" + holder_name(report.lock) + " is working on it)";
        break;
      case state::LockHolder::State::free:
        out += " (no process is working on it: it was killed or crashed)";
        break;
      case state::LockHolder::State::unknown:
        out += " (no end recorded: a run is working on it, or was killed)";
        break;
    }
  } else if (report.run_status == state::RunStatus::abandoned) {
    out += " (discarded by --restart)";
  } else if (!report.stop_reason.empty()) {
    out += " (" + report.stop_reason + ")";
  }
  return out + "\n";
}

}  // namespace

std::string iso8601_utc(util::TimePoint instant) {
  const std::time_t seconds = static_cast<std::time_t>(whole_seconds(instant.since_epoch));
  std::tm utc{};
  if (::gmtime_r(&seconds, &utc) == nullptr) {
    return "unknown";
  }
  char text[40];
  if (std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &utc) == 0) {
    return "unknown";
  }
  return text;
}

std::string status_text(const state::StatusReport& report, util::TimePoint now) {
  std::string out = header(report);
  // Aligned like the run's summary (output/progress_printer.cpp).
  const auto line = [&](const std::string& label, const std::string& value) {
    std::string padded = "  " + label;
    padded.resize(22, ' ');
    out += padded + value + "\n";
  };
  line("roster", report.roster_path == "-" ? std::string("- (standard input)") : report.roster_path);
  line("base URL", report.base_url);
  line("state file", report.state_path);
  if (report.lock.state == state::LockHolder::State::held) {
    line("in use by", holder_name(report.lock) +
                          (report.lock.started.empty() ? "" : " (since " + report.lock.started + ")"));
  }
  line("started at", iso8601_utc(report.started_at) + " (" + util::format_whole_seconds(age(now - report.started_at)) + " ago)");
  if (report.ended_at) {
    line("ended at", iso8601_utc(*report.ended_at) + " (after " + util::format_whole_seconds(*report.ended_at - report.started_at) +
                         ")");
  }
  line("unique lookups", std::to_string(report.lookups));
  for (LookupStatus status : k_reported_statuses) {
    std::string value = std::to_string(reported_count(report, status));
    if (status == LookupStatus::pending && report.count(LookupStatus::unsubmitted) > 0) {
      value += " (" + std::to_string(report.count(LookupStatus::unsubmitted)) + " not submitted yet)";
    } else if (status == LookupStatus::invalid && report.count(status) == 0) {
      value += " (invalid rows are never sent nor stored: `roster-enrich quote` lists them)";
    }
    line(std::string(core::status_name(status)), value);
  }
  if (report.submit_intents > 0) {
    line("sent, unanswered", std::to_string(report.submit_intents) + " (sent again free on resume)");
  }
  line("credits spent", std::to_string(report.totals.credits_spent));
  line("credits refunded", std::to_string(report.totals.credits_refunded));
  line("requests made", std::to_string(report.totals.requests));
  line("pending jobs", std::to_string(report.pending_jobs));
  line("oldest pending", report.oldest_pending_age ? util::format_whole_seconds(age(*report.oldest_pending_age)) : std::string("none"));
  line("latest eta", report.eta ? iso8601_utc(*report.eta) + " (" + relative_text(*report.eta, now) + ")"
                                : std::string("none"));
  // Not while a process holds the file: the same command would exit 75 until it is done.
  if (state::is_resumable(report.run_status) && report.lock.state != state::LockHolder::State::held) {
    const std::string roster = report.roster_path == "-" ? std::string("- (the same roster on standard input)")
                                                         : report.roster_path;
    out += "  resume: run the same `roster-enrich run " + roster +
           " ...` command again; it resumes without paying twice\n";
  }
  return out;
}

std::string status_json(const state::StatusReport& report, util::TimePoint now) {
  ordered_json counts = ordered_json::object();
  for (LookupStatus status : k_reported_statuses) {
    counts[std::string(core::status_name(status))] = reported_count(report, status);
  }
  const auto optional_age_seconds = [](const std::optional<util::Duration>& duration) {
    return duration ? ordered_json(whole_seconds(age(*duration))) : ordered_json();
  };
  const ordered_json document = {
      {"state_file", report.state_path},
      {"run_id", report.run_id},
      {"roster", report.roster_path},
      {"base_url", report.base_url},
      {"run_status", std::string(state::run_status_name(report.run_status))},
      {"stop_reason", report.stop_reason.empty() ? ordered_json() : ordered_json(report.stop_reason)},
      {"resumable", state::is_resumable(report.run_status)},
      {"in_use", report.lock.state == state::LockHolder::State::unknown
                     ? ordered_json()
                     : ordered_json(report.lock.state == state::LockHolder::State::held)},
      {"in_use_by_pid", report.lock.state == state::LockHolder::State::held && report.lock.pid > 0
                            ? ordered_json(report.lock.pid)
                            : ordered_json()},
      {"started_at", iso8601_utc(report.started_at)},
      {"age_seconds", whole_seconds(age(now - report.started_at))},
      {"ended_at", report.ended_at ? ordered_json(iso8601_utc(*report.ended_at)) : ordered_json()},
      {"unique_lookups", report.lookups},
      {"counts", counts},
      {"not_submitted", report.count(LookupStatus::unsubmitted)},
      {"sent_unanswered", report.submit_intents},
      {"credits_spent", report.totals.credits_spent},
      {"credits_refunded", report.totals.credits_refunded},
      {"requests", report.totals.requests},
      {"pending_jobs", report.pending_jobs},
      {"oldest_pending_age_seconds", optional_age_seconds(report.oldest_pending_age)},
      {"latest_eta", report.eta ? ordered_json(iso8601_utc(*report.eta)) : ordered_json()},
      {"latest_eta_in_seconds", report.eta ? ordered_json(whole_seconds(*report.eta - now)) : ordered_json()},
  };
  return document.dump(2) + "\n";
}

}  // namespace output
