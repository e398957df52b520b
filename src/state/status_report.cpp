#include "state/status_report.hpp"

#include <sys/stat.h>

#include "state/schema.hpp"
#include "state/sqlite_handle.hpp"
#include "state/state_lock.hpp"

namespace state {

util::Expected<StatusReport, StoreError> load_status_report(const std::string& path, util::TimePoint now) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0 || !S_ISREG(info.st_mode)) {
    return util::unexpected(StoreError{StoreError::Kind::missing,
                                       "no state file at " + path +
                                           "; run `roster-enrich run` first, or pass --state FILE",
                                       core::ExitCode::cannot_write});
  }
  try {
    Database db(path, OpenMode::read_only);
    if (auto checked = check_schema(db); !checked) {
      return util::unexpected(checked.error());
    }
    // One read transaction, so the counts, totals and run row come from the same commit.
    db.exec("BEGIN", "read the run");
    StatusReport report;
    report.state_path = path;
    report.lock = find_lock_holder(path);

    Statement run(db,
                  "SELECT id, roster_path, base_url, started_at_ms, ended_at_ms, status, stop_reason FROM runs "
                  "ORDER BY id DESC LIMIT 1");
    if (!run.step("read the run")) {
      return util::unexpected(StoreError{StoreError::Kind::no_run,
                                         "the state file " + path + " holds no run yet",
                                         core::ExitCode::cannot_write});
    }
    report.run_id = run.column_int(0);
    report.roster_path = run.column_text(1);
    report.base_url = run.column_text(2);
    report.started_at = util::TimePoint{util::Duration(run.column_int(3))};
    if (auto ended = run.column_optional_int(4)) {
      report.ended_at = util::TimePoint{util::Duration(*ended)};
    }
    const std::int64_t run_status = run.column_int(5);
    if (run_status < static_cast<std::int64_t>(RunStatus::running) ||
        run_status > static_cast<std::int64_t>(RunStatus::abandoned)) {
      return util::unexpected(StoreError{StoreError::Kind::damaged,
                                         "the state file " + path + " is damaged (unknown run status " +
                                             std::to_string(run_status) + "); move it away or pass --state FILE",
                                         core::ExitCode::cannot_write});
    }
    report.run_status = static_cast<RunStatus>(run_status);
    report.stop_reason = run.column_text(6);

    Statement counts(db, "SELECT status, count(*), sum(submit_intent) FROM lookups WHERE run_id = ?1 GROUP BY status");
    counts.bind(1, report.run_id);
    while (counts.step("count the lookups")) {
      const std::int64_t status = counts.column_int(0);
      const auto count = static_cast<std::size_t>(counts.column_int(1));
      if (status >= 0 && static_cast<std::size_t>(status) < report.counts.size()) {
        report.counts[static_cast<std::size_t>(status)] += count;
      }
      report.lookups += count;
      report.submit_intents += static_cast<std::size_t>(counts.column_int(2));
    }

    Statement pending(db,
                      "SELECT count(*), min(submitted_at_ms), max(expected_done_at_ms) FROM lookups "
                      "WHERE run_id = ?1 AND status = ?2 AND job_id <> ''");
    pending.bind(1, report.run_id).bind(2, static_cast<std::int64_t>(core::LookupStatus::pending));
    if (pending.step("read the pending jobs")) {
      report.pending_jobs = static_cast<std::size_t>(pending.column_int(0));
      if (auto oldest = pending.column_optional_int(1)) {
        report.oldest_pending_age = now - util::TimePoint{util::Duration(*oldest)};
      }
      if (auto eta = pending.column_optional_int(2)) {
        report.eta = util::TimePoint{util::Duration(*eta)};
      }
    }

    Statement totals(db, "SELECT credits_spent, credits_refunded, requests FROM totals WHERE run_id = ?1");
    totals.bind(1, report.run_id);
    if (totals.step("read the totals")) {
      report.totals.credits_spent = totals.column_int(0);
      report.totals.credits_refunded = totals.column_int(1);
      report.totals.requests = totals.column_int(2);
    }
    return report;
  } catch (const core::Fatal& failure) {
    return util::unexpected(store_error_from(failure));
  }
}

}  // namespace state
