#include "cli/run_state.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "cli/commands.hpp"
#include "cli/options_fingerprint.hpp"
#include "cli/state_file.hpp"
#include "core/exit_code.hpp"
#include "engine/engine.hpp"
#include "state/state_path.hpp"

namespace cli {

using core::ExitCode;
using core::Fatal;

namespace {

std::unique_ptr<state::StateLock> lock_state_file(const std::string& path) {
  auto lock = state::StateLock::acquire(path);
  if (!lock) {
    throw Fatal(
        lock.error().kind == state::LockError::Kind::held ? ExitCode::incomplete : ExitCode::cannot_write,
        lock.error().message);
  }
  return std::make_unique<state::StateLock>(std::move(*lock));
}

// --restart on a damaged state file: it is moved aside with its -wal, not deleted (sqlite3's
// `.recover` may still get the job ids out of it), and the run starts on a new file. Returns
// where it went.
std::string set_aside_damaged(const std::string& path) {
  std::string stamp = state::iso8601_utc_now();
  for (char& c : stamp) {
    c = c == ':' ? '-' : c;
  }
  const std::string aside = path + ".damaged-" + stamp;
  if (::rename(path.c_str(), aside.c_str()) != 0) {
    throw Fatal(ExitCode::cannot_write, "cannot move the damaged state file " + path +
                                            " aside: " + std::strerror(errno) +
                                            "; move it away by hand or pass --state FILE");
  }
  (void)::rename((path + "-wal").c_str(), (aside + "-wal").c_str());
  (void)::unlink((path + "-shm").c_str());
  return aside;
}

}  // namespace

RunState::RunState(const RunOptions& options, const roster::RosterIndex& index, const std::string& base_url,
                   const std::string& audit_base_url, util::TimePoint now) {
  const std::string roster_path = absolute_roster_path(options.roster.roster);
  m_path = resolve_state_path(options.state, options.roster.roster, base_url, index.content_digest);
  if (auto made = state::create_parent_directories(m_path); !made) {
    throw Fatal(ExitCode::cannot_write,
                "cannot create the state file " + m_path + ": " + made.error() + "; pass --state FILE");
  }
  struct stat existing {};
  const bool file_existed = ::stat(m_path.c_str(), &existing) == 0;  // before the lock creates it
  m_lock = lock_state_file(m_path);
  auto store = state::SqliteStore::open(m_path);
  if (!store && store.error().kind == state::StoreError::Kind::damaged && options.restart) {
    const std::string aside = set_aside_damaged(m_path);
    m_notes.push_back("--restart moved the damaged state file aside to " + aside);
    m_lock.reset();  // its lock is on the file moved aside: lock the new one
    m_lock = lock_state_file(m_path);
    store = state::SqliteStore::open(m_path);
  }
  if (!store) {
    throw Fatal(store.error().code, store.error().message);
  }
  m_store = std::move(*store);

  // The lock file's record of the incomplete run (state/run_record.hpp) says what the file must
  // hold. A file that lost it (its -wal deleted or not copied with it) would otherwise start the
  // run afresh without a word and pay again: refused until --restart says to. A state file moved
  // away altogether (the man page's advice for starting afresh) is not checked.
  if (const auto& recorded = m_lock->recorded_run(); recorded && file_existed) {
    const auto problem =
        state::lost_records_problem(m_path, *recorded, m_store->stored_run(recorded->run_id));
    if (problem && !options.restart) {
      throw Fatal(ExitCode::cannot_write, *problem);
    }
    if (problem) {
      m_notes.push_back("--restart started afresh past the lost records of run " +
                        std::to_string(recorded->run_id) + " (" + std::to_string(recorded->lookups) +
                        " lookups)");
    }
  }
  state::StateLock* lock_file = m_lock.get();  // outlives the store: declared before it
  m_store->on_commit(
      [lock_file](const std::optional<state::RunRecord>& record) { lock_file->record_run(record); });

  if (options.restart) {
    const int abandoned = m_store->abandon_incomplete_runs();
    if (abandoned > 0) {
      m_notes.push_back("--restart abandoned an incomplete run with " + std::to_string(abandoned) +
                        " paid jobs still running; their scores come back free from the cache");
    }
  }

  // The run's lookups in roster order; a resumed run fills them from the state file.
  m_records.resize(index.lookups.size());
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    m_records[i].index = i;
    m_records[i].platform = index.lookups[i].platform();
    m_records[i].handle = index.lookups[i].handle();
  }
  const bool audit = options.providers.creatoraudit;
  if (audit) {
    m_audit_records.resize(index.lookups.size());
    for (std::size_t i = 0; i < m_audit_records.size(); ++i) {
      m_audit_records[i].index = i;
      m_audit_records[i].platform = index.lookups[i].platform();
      m_audit_records[i].handle = index.lookups[i].handle();
    }
  }
  auto snapshot = m_store->find_incomplete_run();
  const std::string fingerprint = options_fingerprint(options);
  if (!snapshot) {
    state::RunInfo info;
    info.roster_path = roster_path;
    info.base_url = base_url;
    info.options_fingerprint = fingerprint;
    info.started_at = now;
    m_run_id = m_store->start_run(info, options.providers.creatorscore ? m_records
                                                                        : std::vector<state::LookupRecord>{});
    if (audit) {
      store_audit_records({}, audit_base_url);
    }
    return;
  }

  // A resume with options that change what a result means (another --include) would mix two kinds
  // of result in one output: refused before anything is written or sent.
  const std::string& stored_fingerprint = snapshot->info.options_fingerprint;
  if (auto difference = fingerprint_difference(stored_fingerprint, fingerprint, m_path)) {
    throw Fatal(ExitCode::usage, *difference);
  }

  // Resume: what the API already told us is kept; lookups the roster no longer names are left
  // alone in the file, new ones are added (PRODUCT.md, "State and resume").
  m_run_id = snapshot->run_id;
  if (const std::string merged = merged_fingerprint(stored_fingerprint, fingerprint);
      merged != stored_fingerprint) {
    m_store->record_options_fingerprint(m_run_id, merged);  // a run made before fingerprints: its first
  }
  m_tenant_id = snapshot->info.tenant_id;
  m_tenant_name = snapshot->info.tenant_name;
  for (const state::LookupRecord& stored : snapshot->records) {
    m_paid_jobs += stored.status == core::LookupStatus::pending && !stored.job_id.empty() ? 1 : 0;
  }
  std::vector<bool> known(m_records.size(), false);
  std::size_t removed = 0;
  for (const state::LookupRecord& stored : snapshot->records) {
    const auto found = index.find(stored.platform, stored.handle);
    if (!found) {
      ++removed;
      continue;
    }
    state::LookupRecord& record = m_records[*found];
    const std::size_t position = record.index;
    const std::string handle = record.handle;
    record = stored;
    record.index = position;
    record.handle = handle.size() == stored.handle.size() ? stored.handle : handle;
    known[*found] = true;
  }
  std::vector<state::LookupRecord> added;
  for (std::size_t i = 0; i < m_records.size(); ++i) {
    if (!known[i]) {
      added.push_back(m_records[i]);
    }
  }
  if (!added.empty() && options.providers.creatorscore) {
    m_store->add_lookups(m_run_id, added);
  }
  if (audit) {
    const auto stored = snapshot->provider_records.find(std::string(creatoraudit::k_provider_name));
    store_audit_records(stored == snapshot->provider_records.end() ? std::vector<state::ProviderRecord>{}
                                                                   : stored->second,
                        audit_base_url, &index);
  }
  m_store->set_current_run(m_run_id);
  // This process holds the lock: a run still `running` has no process left; it was killed.
  const std::string how_it_stopped = snapshot->status == state::RunStatus::running
                                         ? "no end recorded: it was killed or crashed"
                                         : snapshot->stop_reason;
  m_notes.push_back("resumed the incomplete run in " + m_path +
                    (how_it_stopped.empty() ? "" : " (" + how_it_stopped + ")"));
  if (!added.empty() || removed > 0) {
    m_notes.push_back("the roster changed since that run started: " + std::to_string(added.size()) +
                      " lookups added, " + std::to_string(removed) + " no longer in the roster (ignored)");
  }
}

void RunState::store_audit_records(const std::vector<state::ProviderRecord>& stored,
                                   const std::string& audit_base_url, const roster::RosterIndex* index) {
  // What the file holds of a lookup the roster still names is kept (its durable Idempotency-Key
  // above all); the rest start fresh and are stored now.
  std::vector<bool> known(m_audit_records.size(), false);
  for (const state::ProviderRecord& record : stored) {
    const auto found = index != nullptr ? index->find(record.platform, record.handle) : std::nullopt;
    if (!found) {
      continue;
    }
    creatoraudit::AuditRecord& held = m_audit_records[*found];
    const std::size_t position = held.index;
    const std::string handle = held.handle;
    held = creatoraudit::from_stored(record);
    held.index = position;
    held.handle = handle;
    known[*found] = true;
  }
  std::vector<state::ProviderRecord> added;
  for (std::size_t i = 0; i < m_audit_records.size(); ++i) {
    if (!known[i]) {
      added.push_back(creatoraudit::to_stored(m_audit_records[i]));
    }
  }
  m_store->add_provider_records(m_run_id, creatoraudit::k_provider_name, state::ProviderRunInfo{audit_base_url, {}, {}},
                                added);
}

void RunState::check_tenant(const std::string& tenant_id, const std::string& tenant_name) {
  if (tenant_id.empty()) {
    return;  // the API named no tenant: nothing to compare or record
  }
  if (m_tenant_id.empty()) {
    m_store->record_tenant(m_run_id, tenant_id, tenant_name);
    m_tenant_id = tenant_id;
    m_tenant_name = tenant_name;
    return;
  }
  if (m_tenant_id == tenant_id) {
    return;
  }
  // Job ids belong to the tenant that submitted them: another tenant's key gets 404 for each, which
  // would end the run with every lookup not_found. Its key would be no better: 77, "rejected".
  throw Fatal(
      ExitCode::key_rejected,
      "the incomplete run in " + m_path + " was started by tenant " + m_tenant_name + " (" + m_tenant_id +
          "), not by this key's tenant " + tenant_name + " (" + tenant_id +
          "); nothing was sent: run again with a key of " + m_tenant_name +
          ", or add --restart to discard that run and start afresh under this key (discarding it loses the " +
          std::to_string(m_paid_jobs) + " jobs it already paid for that are still running)");
}

void RunState::finish(bool completed, const std::string& reason) {
  m_store->end_run(m_run_id, completed ? state::RunStatus::completed : state::RunStatus::incomplete, reason);
  m_finished = true;
}

RunState::~RunState() {
  if (m_finished) {
    return;
  }
  try {
    m_store->end_run(m_run_id, state::RunStatus::incomplete,
                     std::string(engine::ending_name(engine::RunOutcome::Ending::fatal)));
  } catch (...) {
    // Unwinding from the error already on its way to the user; the run stays `running`, which
    // resumes the same way.
  }
}

}  // namespace cli
