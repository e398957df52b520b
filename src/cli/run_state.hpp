#pragma once

// The state file of a run (PRODUCT.md, "State and resume"): which file, the one-process lock,
// resuming an incomplete run of the same roster or starting a new one, and recording how it ended.

#include <memory>
#include <string>
#include <vector>

#include "creatoraudit/audit_record.hpp"
#include "roster/roster.hpp"
#include "state/lookup_record.hpp"
#include "state/sqlite_store.hpp"
#include "state/state_lock.hpp"

namespace cli {

struct RunOptions;

class RunState {
 public:
  // Locks and opens the state file, then resumes or starts the run. Throws core::Fatal: 75 when
  // another process holds the file, 73 when it cannot be written, is damaged, or lost the records
  // of its incomplete run (the last two go on with --restart).
  // `audit_base_url` is CreatorAudit's when it is among --providers, else empty. The records of a
  // provider not among --providers are neither stored nor read: it can join a later run.
  RunState(const RunOptions& options, const roster::RosterIndex& index, const std::string& base_url,
           const std::string& audit_base_url, util::TimePoint now);

  state::Store& store() { return *m_store; }
  std::vector<state::LookupRecord>& records() { return m_records; }
  // CreatorAudit's records, by roster lookup index (empty when it is not among --providers).
  std::vector<creatoraudit::AuditRecord>& audit_records() { return m_audit_records; }
  // What the summary should say about the state: resumed, roster changed, jobs abandoned.
  const std::vector<std::string>& notes() const { return m_notes; }
  const std::string& path() const { return m_path; }

  // After the key check: records the account's tenant in a run that has none; throws
  // core::Fatal(key_rejected) when the run was started by another tenant, whose job ids this key
  // cannot see. Nothing has been sent for the run by then.
  void check_tenant(const std::string& tenant_id, const std::string& tenant_name);

  // Records how the run ended: completed runs are not resumed; the rest are.
  void finish(bool completed, const std::string& reason);
  // A run not finished (an error thrown past it: the key rejected at the check, the API down,
  // the output unwritable, out of memory) is recorded incomplete, "stopped by an error", so that
  // `running` with nobody holding the lock means what `status` says: killed or crashed.
  ~RunState();
  RunState(const RunState&) = delete;
  RunState& operator=(const RunState&) = delete;

 private:
  // Fills m_audit_records from what the file holds of them (`index` maps them to the roster) and
  // stores the others, with CreatorAudit's base URL.
  void store_audit_records(const std::vector<state::ProviderRecord>& stored, const std::string& audit_base_url,
                           const roster::RosterIndex* index = nullptr);

  std::string m_path;
  std::unique_ptr<state::StateLock> m_lock;
  std::unique_ptr<state::SqliteStore> m_store;
  std::int64_t m_run_id = 0;
  std::string m_tenant_id;  // the tenant the run was started by; empty until known
  std::string m_tenant_name;
  std::size_t m_paid_jobs = 0;  // pending jobs with a job id when it was resumed
  bool m_finished = false;
  std::vector<state::LookupRecord> m_records;
  std::vector<creatoraudit::AuditRecord> m_audit_records;
  std::vector<std::string> m_notes;
};

}  // namespace cli
