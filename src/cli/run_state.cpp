#include "cli/run_state.hpp"

#include "cli/commands.hpp"
#include "cli/state_file.hpp"
#include "core/exit_code.hpp"
#include "engine/engine.hpp"
#include "state/state_path.hpp"

namespace cli {

using core::ExitCode;
using core::Fatal;

RunState::RunState(const RunOptions& options, const roster::RosterIndex& index, const std::string& base_url,
                   util::TimePoint now) {
  const std::string roster_path = absolute_roster_path(options.roster.roster);
  m_path = resolve_state_path(options.state, options.roster.roster, base_url, index.content_digest);
  if (auto made = state::create_parent_directories(m_path); !made) {
    throw Fatal(ExitCode::cannot_write,
                "cannot create the state file " + m_path + ": " + made.error() + "; pass --state FILE");
  }
  auto lock = state::StateLock::acquire(m_path);
  if (!lock) {
    throw Fatal(lock.error().kind == state::LockError::Kind::held ? ExitCode::incomplete : ExitCode::cannot_write,
                lock.error().message);
  }
  m_lock = std::make_unique<state::StateLock>(std::move(*lock));
  auto store = state::SqliteStore::open(m_path);
  if (!store) {
    throw Fatal(store.error().code, store.error().message);
  }
  m_store = std::move(*store);

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
  auto snapshot = m_store->find_incomplete_run();
  if (!snapshot) {
    state::RunInfo info;
    info.roster_path = roster_path;
    info.base_url = base_url;
    info.started_at = now;
    m_run_id = m_store->start_run(info, m_records);
    return;
  }

  // Resume: what the API already told us is kept; lookups the roster no longer names are left
  // alone in the file, new ones are added (PRODUCT.md, "State and resume").
  m_run_id = snapshot->run_id;
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
  if (!added.empty()) {
    m_store->add_lookups(m_run_id, added);
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
