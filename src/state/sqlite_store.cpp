#include "state/sqlite_store.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

#include "core/exit_code.hpp"
#include "state/schema.hpp"
#include "state/sqlite_handle.hpp"
#include "state/state_path.hpp"

namespace state {

namespace {

// CreatorScore's LookupRecord in schema v3's provider_records (schema.cpp, migrate_2_to_3).
constexpr std::string_view k_lookup_columns =
    "lookup_key, platform, handle, status, external_id, payload, error, cost, refund, "
    "started_at_ms, checked_at_ms, due_at_ms, include_fetched, start_intent";

// Another provider's ProviderRecord there.
constexpr std::string_view k_record_columns =
    "lookup_key, platform, handle, status, external_id, payload, error, idempotency_key, etag, detail, cost, "
    "start_intent";

// CreatorScore's statuses as stored: their output names, except `unsubmitted`, which output writes as
// `pending` but a resume must tell apart (never sent vs a job running). The `lookups` view maps
// these names back to core::LookupStatus values.
std::string_view stored_status_name(core::LookupStatus status) {
  return status == core::LookupStatus::unsubmitted ? "unsubmitted" : core::status_name(status);
}

std::optional<core::LookupStatus> parse_stored_status(std::string_view name) {
  if (name == "unsubmitted") {
    return core::LookupStatus::unsubmitted;
  }
  return core::parse_status(name);
}

std::optional<std::int64_t> to_ms(const std::optional<util::TimePoint>& instant) {
  if (!instant) {
    return std::nullopt;
  }
  return static_cast<std::int64_t>(instant->since_epoch.count());
}

std::optional<util::TimePoint> from_ms(std::optional<std::int64_t> ms) {
  if (!ms) {
    return std::nullopt;
  }
  return util::TimePoint{util::Duration(*ms)};
}

// Binds ?1 run id and ?2..?15 the record's columns in k_lookup_columns order.
void bind_record(Statement& statement, std::int64_t run_id, const LookupRecord& record, bool submit_intent) {
  statement.bind(1, run_id)
      .bind(2, std::string_view(lookup_key(record)))
      .bind(3, static_cast<std::int64_t>(record.platform))
      .bind(4, std::string_view(record.handle))
      .bind(5, stored_status_name(record.status))
      .bind(6, std::string_view(record.job_id))
      .bind(7, std::string_view(record.creator_json))
      .bind(8, std::string_view(record.error))
      .bind(9, static_cast<std::int64_t>(record.credits_charged))
      .bind(10, static_cast<std::int64_t>(record.credits_refunded))
      .bind(11, to_ms(record.submitted_at))
      .bind(12, to_ms(record.last_polled_at))
      .bind(13, to_ms(record.expected_done_at))
      .bind(14, static_cast<std::int64_t>(record.include_fetched ? 1 : 0))
      .bind(15, static_cast<std::int64_t>(submit_intent ? 1 : 0));
}

std::string insert_sql(std::string_view conflict_clause) {
  return "INSERT INTO provider_records (run_id, provider, " + std::string(k_lookup_columns) +
         ") VALUES (?1, 'creatorscore', ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15) " +
         std::string(conflict_clause);
}

// Binds ?1 run id, ?2 provider and ?3..?14 the record's columns in k_record_columns order.
void bind_provider_record(Statement& statement, std::int64_t run_id, std::string_view provider,
                          const ProviderRecord& record, bool start_intent) {
  statement.bind(1, run_id)
      .bind(2, provider)
      .bind(3, std::string_view(lookup_key(record.platform, record.handle)))
      .bind(4, static_cast<std::int64_t>(record.platform))
      .bind(5, std::string_view(record.handle))
      .bind(6, std::string_view(record.status))
      .bind(7, std::string_view(record.external_id))
      .bind(8, std::string_view(record.payload))
      .bind(9, std::string_view(record.error))
      .bind(10, std::string_view(record.idempotency_key))
      .bind(11, std::string_view(record.etag))
      .bind(12, std::string_view(record.detail))
      .bind(13, record.cost)
      .bind(14, static_cast<std::int64_t>(start_intent ? 1 : 0));
}

std::string insert_provider_sql(std::string_view conflict_clause) {
  return "INSERT INTO provider_records (run_id, provider, " + std::string(k_record_columns) +
         ") VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14) " +
         std::string(conflict_clause);
}

bool valid_platform(std::int64_t value) {
  for (core::Platform platform : core::k_all_platforms) {
    if (static_cast<std::int64_t>(platform) == value) {
      return true;
    }
  }
  return false;
}

bool valid_run_status(std::int64_t value) {
  return value >= static_cast<std::int64_t>(RunStatus::running) &&
         value <= static_cast<std::int64_t>(RunStatus::abandoned);
}

[[noreturn]] void damaged(const Database& db, const std::string& what) {
  throw core::Fatal(core::ExitCode::cannot_write, "the state file " + db.path() + " is damaged (" + what +
                                                      "); move it away to start afresh, or pass --state FILE");
}

// SQLite's first complaint about the file's structure; nullopt when PRAGMA quick_check says "ok".
std::optional<std::string> integrity_problem(Database& db) {
  Statement check(db, "PRAGMA quick_check(1)");
  if (!check.step("check the file's integrity")) {
    return std::nullopt;
  }
  std::string answer = check.column_text(0);
  if (answer == "ok") {
    return std::nullopt;
  }
  // One line: SQLite heads its report "*** in database main ***" and breaks it into lines.
  if (const std::string_view heading = "*** in database main ***"; answer.rfind(heading, 0) == 0) {
    answer.erase(0, heading.size());
  }
  for (char& c : answer) {
    c = (c == '\n' || c == '\r') ? ' ' : c;
  }
  const auto first = answer.find_first_not_of(' ');
  return "integrity check: " + answer.substr(first == std::string::npos ? answer.size() : first, 200);
}

}  // namespace

struct SqliteStore::Impl {
  explicit Impl(const std::string& path) : db(path, OpenMode::read_write_create) {}

  std::int64_t now_ms() const {
    if (clock != nullptr) {
      return static_cast<std::int64_t>(clock->now().since_epoch.count());
    }
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

  std::int64_t require_current_run() const {
    if (!current_run) {
      throw core::Fatal(core::ExitCode::cannot_write,
                        "internal error: no current run to save to in the state file " + db.path());
    }
    return *current_run;
  }

  Statement& upsert_statement() {
    if (!upsert) {
      upsert.emplace(db, insert_sql(
                             "ON CONFLICT (run_id, provider, lookup_key) DO UPDATE SET "
                             "platform = excluded.platform, handle = excluded.handle, "
                             "status = excluded.status, external_id = excluded.external_id, "
                             "payload = excluded.payload, error = excluded.error, cost = excluded.cost, "
                             "refund = excluded.refund, started_at_ms = excluded.started_at_ms, "
                             "checked_at_ms = excluded.checked_at_ms, due_at_ms = excluded.due_at_ms, "
                             "include_fetched = excluded.include_fetched, "
                             "start_intent = excluded.start_intent"));
    }
    return *upsert;
  }

  Statement& insert_new_statement() {
    if (!insert_new) {
      insert_new.emplace(db, insert_sql("ON CONFLICT (run_id, provider, lookup_key) DO NOTHING"));
    }
    return *insert_new;
  }

  Statement& provider_upsert_statement() {
    if (!provider_upsert) {
      provider_upsert.emplace(
          db, insert_provider_sql("ON CONFLICT (run_id, provider, lookup_key) DO UPDATE SET "
                                  "platform = excluded.platform, handle = excluded.handle, "
                                  "status = excluded.status, "
                                  "external_id = excluded.external_id, payload = excluded.payload, "
                                  "error = excluded.error, idempotency_key = excluded.idempotency_key, "
                                  "etag = excluded.etag, detail = excluded.detail, cost = excluded.cost, "
                                  "start_intent = excluded.start_intent"));
    }
    return *provider_upsert;
  }

  // Upserts `records` of `provider` into the current run in one durable transaction.
  void upsert_provider_records(std::string_view provider, const std::vector<const ProviderRecord*>& records,
                               bool start_intent, std::string_view what) {
    const std::int64_t run_id = require_current_run();
    Transaction transaction(db, what);
    Statement& statement = provider_upsert_statement();
    for (const ProviderRecord* record : records) {
      bind_provider_record(statement, run_id, provider, *record, start_intent);
      statement.run(what);
    }
    count_commit(run_id);
    transaction.commit();
    committed(run_id);
  }

  // Inside a transaction: the account whose key runs `provider` for the run.
  void set_provider_account(std::int64_t run_id, std::string_view provider, const std::string& account_id,
                            const std::string& account_name) {
    insert_provider(run_id, provider, ProviderRunInfo{});
    Statement update(db,
                     "UPDATE run_providers SET account_id = ?1, account_name = ?2 "
                     "WHERE run_id = ?3 AND provider = ?4");
    update.bind(1, std::string_view(account_id))
        .bind(2, std::string_view(account_name))
        .bind(3, run_id)
        .bind(4, provider);
    update.run("record the run's account");
  }

  // Inside a transaction: the run uses `provider` (its row in run_providers); a stored row is kept.
  void insert_provider(std::int64_t run_id, std::string_view provider, const ProviderRunInfo& facts) {
    Statement insert(db,
                     "INSERT INTO run_providers (run_id, provider, base_url, account_id, account_name) "
                     "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (run_id, provider) DO NOTHING");
    insert.bind(1, run_id)
        .bind(2, provider)
        .bind(3, std::string_view(facts.base_url))
        .bind(4, std::string_view(facts.account_id))
        .bind(5, std::string_view(facts.account_name));
    insert.run("record the run's providers");
  }

  void insert_records(std::int64_t run_id, const std::vector<LookupRecord>& records) {
    Statement& statement = insert_new_statement();
    for (const LookupRecord& record : records) {
      bind_record(statement, run_id, record, false);
      statement.run("store the lookups");
    }
  }

  Totals load_totals(std::int64_t run_id) {
    Statement statement(db, "SELECT credits_spent, credits_refunded, requests FROM totals WHERE run_id = ?1");
    statement.bind(1, run_id);
    Totals totals;
    if (statement.step("read the totals")) {
      totals.credits_spent = statement.column_int(0);
      totals.credits_refunded = statement.column_int(1);
      totals.requests = statement.column_int(2);
    }
    return totals;
  }

  // Inside a transaction that changes run `run_id`: one more commit of it (run_record.hpp).
  void count_commit(std::int64_t run_id) {
    if (!bump_commits) {
      bump_commits.emplace(db, "UPDATE runs SET commits = commits + 1 WHERE id = ?1");
    }
    bump_commits->bind(1, run_id);
    bump_commits->run("count the commit");
  }

  // After that transaction committed: the current run's record, to whoever keeps it.
  void committed(std::int64_t run_id) {
    if (!current_record || current_record->run_id != run_id) {
      return;
    }
    ++current_record->commits;
    if (observer) {
      observer(current_record);
    }
  }

  // The current run's record as the file holds it now.
  void load_record(std::int64_t run_id) {
    // The run's unique lookups: the most any one provider holds (each provider has a record for
    // every lookup it covers), counted along the primary key.
    Statement read(db,
                   "SELECT commits, (SELECT coalesce(max(n), 0) FROM (SELECT count(*) AS n "
                   "FROM provider_records WHERE run_id = ?1 GROUP BY provider)) FROM runs WHERE id = ?1");
    read.bind(1, run_id);
    if (!read.step("read the run's commit count")) {
      current_record.reset();
      return;
    }
    current_record = RunRecord{run_id, read.column_int(0), read.column_int(1)};
  }

  void notify() {
    if (observer) {
      observer(current_record);
    }
  }

  Database db;
  const util::Clock* clock = nullptr;
  std::optional<std::int64_t> current_run;
  std::optional<RunRecord> current_record;  // of current_run, as last committed
  std::function<void(const std::optional<RunRecord>&)> observer;
  Totals base_totals;  // what earlier invocations of the current run recorded
  // Prepared once, reused for every batch (declared after `db`, so finalized before it closes).
  std::optional<Statement> upsert;
  std::optional<Statement> insert_new;
  std::optional<Statement> provider_upsert;
  std::optional<Statement> bump_commits;
};

SqliteStore::SqliteStore(std::unique_ptr<Impl> impl) : m_impl(std::move(impl)) {}

SqliteStore::~SqliteStore() = default;

util::Expected<std::unique_ptr<SqliteStore>, StoreError> SqliteStore::open(const std::string& path) {
  const auto cannot_open = [&](const std::string& reason) {
    return util::unexpected(StoreError{StoreError::Kind::cannot_open,
                                       "cannot write the state file " + path + ": " + reason +
                                           "; check the directory's permissions or pass --state FILE",
                                       core::ExitCode::cannot_write});
  };
  if (auto created = create_parent_directories(path); !created) {
    return cannot_open(created.error());
  }
  // Create the file ourselves so it is 0600 from the first byte (SQLite would use 0644 & umask);
  // SQLite gives its -wal and -shm files the database file's permissions.
  const int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) {
    return cannot_open(std::strerror(errno));
  }
  ::close(fd);

  try {
    auto impl = std::make_unique<Impl>(path);
    Database& db = impl->db;
    // WAL: a `status` reader never blocks the writer. synchronous=FULL: in WAL mode every COMMIT
    // fsyncs the WAL, so a committed save() survives power loss, not only a crash
    // (https://sqlite.org/pragma.html#pragma_synchronous, https://sqlite.org/wal.html).
    // journal_mode is the first statement that reads the file, so "not a database" shows here.
    db.exec("PRAGMA journal_mode = WAL", "switch to WAL mode");
    db.exec("PRAGMA synchronous = FULL", "set synchronous mode");
    db.exec("PRAGMA foreign_keys = ON", "enable foreign keys");
    // A damaged file is refused before anything is read from it or added to it: resuming from
    // half a run would submit again what it paid for. quick_check reads every page (a few
    // milliseconds per MB) but skips the index-to-table cross checks of integrity_check.
    if (auto problem = integrity_problem(db)) {
      return util::unexpected(StoreError{StoreError::Kind::damaged,
                                         "the state file " + path + " is damaged (" + *problem +
                                             "); nothing was submitted: restore it from a copy, or run again "
                                             "with --restart to set it aside and start afresh",
                                         core::ExitCode::cannot_write});
    }
    if (auto prepared = prepare_schema(db); !prepared) {
      return util::unexpected(prepared.error());
    }
    return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(impl)));
  } catch (const core::Fatal& failure) {
    return util::unexpected(store_error_from(failure));
  }
}

void SqliteStore::use_clock(const util::Clock& clock) { m_impl->clock = &clock; }

void SqliteStore::on_commit(std::function<void(const std::optional<RunRecord>&)> observer) {
  m_impl->observer = std::move(observer);
}

void SqliteStore::record_tenant(std::int64_t run_id, const std::string& tenant_id,
                                const std::string& tenant_name) {
  Database& db = m_impl->db;
  Transaction transaction(db, "record the run's tenant");
  // CreatorScore's row of run_providers, and its copy in `runs` for readers of the v2 columns.
  Statement update(db, "UPDATE runs SET tenant_id = ?1, tenant_name = ?2 WHERE id = ?3");
  update.bind(1, std::string_view(tenant_id)).bind(2, std::string_view(tenant_name)).bind(3, run_id);
  update.run("record the run's tenant");
  m_impl->set_provider_account(run_id, k_creatorscore, tenant_id, tenant_name);
  m_impl->count_commit(run_id);
  transaction.commit();
  m_impl->committed(run_id);
}

StoredRun SqliteStore::stored_run(std::int64_t run_id) {
  Statement read(m_impl->db, "SELECT status, commits FROM runs WHERE id = ?1");
  read.bind(1, run_id);
  StoredRun stored;
  if (read.step("read the run's commit count")) {
    stored.exists = true;
    stored.resumable = is_resumable(static_cast<RunStatus>(read.column_int(0)));
    stored.commits = read.column_int(1);
  }
  return stored;
}

const std::string& SqliteStore::path() const { return m_impl->db.path(); }

std::optional<std::int64_t> SqliteStore::current_run() const { return m_impl->current_run; }

std::optional<RunSnapshot> SqliteStore::find_incomplete_run() {
  Database& db = m_impl->db;
  Statement run(
      db,
      "SELECT id, roster_path, roster_identity, base_url, options_fingerprint, started_at_ms, ended_at_ms, "
      "status, stop_reason, tenant_id, tenant_name FROM runs WHERE status IN (?1, ?2) "
      "ORDER BY id DESC LIMIT 1");
  run.bind(1, static_cast<std::int64_t>(RunStatus::running)).bind(2, static_cast<std::int64_t>(RunStatus::incomplete));
  if (!run.step("find an incomplete run")) {
    return std::nullopt;
  }
  RunSnapshot snapshot;
  snapshot.run_id = run.column_int(0);
  snapshot.info.roster_path = run.column_text(1);
  snapshot.info.roster_identity = run.column_text(2);
  snapshot.info.base_url = run.column_text(3);
  snapshot.info.options_fingerprint = run.column_text(4);
  snapshot.info.started_at = util::TimePoint{util::Duration(run.column_int(5))};
  snapshot.ended_at = from_ms(run.column_optional_int(6));
  snapshot.status = static_cast<RunStatus>(run.column_int(7));
  snapshot.stop_reason = run.column_text(8);
  snapshot.info.tenant_id = run.column_text(9);
  snapshot.info.tenant_name = run.column_text(10);

  Statement providers(db, "SELECT provider, base_url, account_id, account_name FROM run_providers "
                          "WHERE run_id = ?1");
  providers.bind(1, snapshot.run_id);
  while (providers.step("read the run's providers")) {
    snapshot.providers[providers.column_text(0)] =
        ProviderRunInfo{providers.column_text(1), providers.column_text(2), providers.column_text(3)};
  }

  // One scan of every provider's records in rowid (insertion) order without the primary-key
  // index: no sort of 200,000 rows, and start_run() pruned finished runs, so the table holds
  // little besides this run.
  Statement rows(db,
                 "SELECT provider, lookup_key, platform, handle, status, external_id, payload, error, cost, "
                 "refund, started_at_ms, checked_at_ms, due_at_ms, include_fetched, start_intent, "
                 "idempotency_key, etag, detail FROM provider_records NOT INDEXED WHERE run_id = ?1 "
                 "ORDER BY rowid");
  rows.bind(1, snapshot.run_id);
  while (rows.step("read the lookups")) {
    const std::string provider = rows.column_text(0);
    const std::int64_t platform = rows.column_int(2);
    if (!valid_platform(platform)) {
      damaged(db, "unknown platform in lookup " + rows.column_text(1));
    }
    if (provider != k_creatorscore) {
      ProviderRecord record;
      record.platform = static_cast<core::Platform>(platform);
      record.handle = rows.column_text(3);
      record.status = rows.column_text(4);
      record.external_id = rows.column_text(5);
      record.payload = rows.column_text(6);
      record.error = rows.column_text(7);
      record.cost = rows.column_int(8);
      record.idempotency_key = rows.column_text(15);
      record.etag = rows.column_text(16);
      record.detail = rows.column_text(17);
      snapshot.provider_records[provider].push_back(std::move(record));
      continue;
    }
    LookupRecord record;
    const auto status = parse_stored_status(rows.column_text(4));
    if (!status) {
      damaged(db, "unknown status in lookup " + rows.column_text(1));
    }
    record.platform = static_cast<core::Platform>(platform);
    record.handle = rows.column_text(3);
    record.status = *status;
    record.job_id = rows.column_text(5);
    record.creator_json = rows.column_text(6);
    record.error = rows.column_text(7);
    record.credits_charged = static_cast<int>(rows.column_int(8));
    record.credits_refunded = static_cast<int>(rows.column_int(9));
    record.submitted_at = from_ms(rows.column_optional_int(10));
    record.last_polled_at = from_ms(rows.column_optional_int(11));
    record.expected_done_at = from_ms(rows.column_optional_int(12));
    record.include_fetched = rows.column_int(13) != 0;
    snapshot.records.push_back(std::move(record));
    snapshot.submit_intent.push_back(rows.column_int(14) != 0);
  }
  snapshot.totals = m_impl->load_totals(snapshot.run_id);
  return snapshot;
}

std::int64_t SqliteStore::start_run(const RunInfo& info, const std::vector<LookupRecord>& records) {
  Database& db = m_impl->db;
  Transaction transaction(db, "start a run");
  // Lookups of runs that are over are of no further use (a completed run is never resumed, an
  // abandoned one was discarded); dropping them keeps a daily cron job's file from growing
  // without bound. The runs rows and their totals stay as history.
  Statement prune(db, "DELETE FROM provider_records WHERE run_id IN "
                      "(SELECT id FROM runs WHERE status IN (?1, ?2))");
  prune.bind(1, static_cast<std::int64_t>(RunStatus::completed)).bind(2, static_cast<std::int64_t>(RunStatus::abandoned));
  prune.run("drop the lookups of finished runs");

  Statement insert_run(
      db,
      "INSERT INTO runs (roster_path, roster_identity, base_url, options_fingerprint, started_at_ms, "
      "status, tenant_id, tenant_name, commits) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 1)");
  insert_run.bind(1, std::string_view(info.roster_path))
      .bind(2, std::string_view(info.roster_identity))
      .bind(3, std::string_view(info.base_url))
      .bind(4, std::string_view(info.options_fingerprint))
      .bind(5, static_cast<std::int64_t>(info.started_at.since_epoch.count()))
      .bind(6, static_cast<std::int64_t>(RunStatus::running))
      .bind(7, std::string_view(info.tenant_id))
      .bind(8, std::string_view(info.tenant_name));
  insert_run.run("start a run");
  const std::int64_t run_id = db.query_int("SELECT last_insert_rowid()", "start a run");

  Statement insert_totals(db, "INSERT INTO totals (run_id) VALUES (?1)");
  insert_totals.bind(1, run_id);
  insert_totals.run("start a run");
  m_impl->insert_provider(run_id, k_creatorscore,
                          ProviderRunInfo{info.base_url, info.tenant_id, info.tenant_name});

  m_impl->insert_records(run_id, records);
  transaction.commit();
  m_impl->current_run = run_id;
  m_impl->base_totals = Totals{};
  m_impl->load_record(run_id);  // after the COMMIT: a record never names what a rollback undid
  m_impl->notify();
  return run_id;
}

void SqliteStore::add_lookups(std::int64_t run_id, const std::vector<LookupRecord>& records) {
  Transaction transaction(m_impl->db, "add lookups");
  m_impl->insert_records(run_id, records);
  m_impl->count_commit(run_id);
  transaction.commit();
  if (m_impl->current_record && m_impl->current_record->run_id == run_id) {
    m_impl->load_record(run_id);
    m_impl->notify();
  }
}

void SqliteStore::end_run(std::int64_t run_id, RunStatus status, std::string reason) {
  Database& db = m_impl->db;
  Transaction transaction(db, "end the run");
  Statement update(db, "UPDATE runs SET status = ?1, stop_reason = ?2, ended_at_ms = ?3 WHERE id = ?4");
  update.bind(1, static_cast<std::int64_t>(status))
      .bind(2, std::string_view(reason))
      .bind(3, m_impl->now_ms())
      .bind(4, run_id);
  update.run("end the run");
  m_impl->count_commit(run_id);
  transaction.commit();
  m_impl->committed(run_id);
  if (!is_resumable(status) && m_impl->current_record && m_impl->current_record->run_id == run_id) {
    m_impl->current_record.reset();  // nothing left to lose: the next invocation starts afresh
    m_impl->notify();
  }
}

int SqliteStore::abandon_incomplete_runs() {
  Database& db = m_impl->db;
  Transaction transaction(db, "abandon the incomplete run");
  Statement count(db,
                  "SELECT count(*) FROM provider_records AS r JOIN runs ON runs.id = r.run_id "
                  "WHERE runs.status IN (?1, ?2) AND r.provider = ?3 AND r.status = ?4 "
                  "AND r.external_id <> ''");
  count.bind(1, static_cast<std::int64_t>(RunStatus::running))
      .bind(2, static_cast<std::int64_t>(RunStatus::incomplete))
      .bind(3, k_creatorscore)
      .bind(4, stored_status_name(core::LookupStatus::pending));
  const std::int64_t paid_jobs = count.step("abandon the incomplete run") ? count.column_int(0) : 0;
  count.reset();

  Statement update(db,
                   "UPDATE runs SET status = ?1, stop_reason = 'restart', ended_at_ms = ?2 WHERE status IN (?3, ?4)");
  update.bind(1, static_cast<std::int64_t>(RunStatus::abandoned))
      .bind(2, m_impl->now_ms())
      .bind(3, static_cast<std::int64_t>(RunStatus::running))
      .bind(4, static_cast<std::int64_t>(RunStatus::incomplete));
  update.run("abandon the incomplete run");
  transaction.commit();
  m_impl->current_run.reset();
  m_impl->current_record.reset();
  m_impl->notify();
  return static_cast<int>(paid_jobs);
}

void SqliteStore::set_current_run(std::int64_t run_id) {
  Database& db = m_impl->db;
  Transaction transaction(db, "resume the run");
  Statement find(db, "SELECT status FROM runs WHERE id = ?1");
  find.bind(1, run_id);
  if (!find.step("resume the run")) {
    throw core::Fatal(core::ExitCode::cannot_write,
                      "internal error: no run " + std::to_string(run_id) + " in the state file " + db.path());
  }
  const std::int64_t status = find.column_int(0);
  find.reset();
  if (!valid_run_status(status)) {
    damaged(db, "unknown status of run " + std::to_string(run_id));
  }
  if (static_cast<RunStatus>(status) == RunStatus::incomplete) {
    Statement update(db, "UPDATE runs SET status = ?1, ended_at_ms = NULL WHERE id = ?2");
    update.bind(1, static_cast<std::int64_t>(RunStatus::running)).bind(2, run_id);
    update.run("resume the run");
  }
  Statement ensure_totals(db, "INSERT INTO totals (run_id) VALUES (?1) ON CONFLICT (run_id) DO NOTHING");
  ensure_totals.bind(1, run_id);
  ensure_totals.run("resume the run");
  m_impl->base_totals = m_impl->load_totals(run_id);
  m_impl->count_commit(run_id);
  transaction.commit();
  m_impl->current_run = run_id;
  m_impl->load_record(run_id);
  m_impl->notify();
}

void SqliteStore::begin_submit(const std::vector<const LookupRecord*>& records) {
  const std::int64_t run_id = m_impl->require_current_run();
  Transaction transaction(m_impl->db, "record a batch about to be submitted");
  Statement& upsert = m_impl->upsert_statement();
  for (const LookupRecord* record : records) {
    bind_record(upsert, run_id, *record, true);
    upsert.run("record a batch about to be submitted");
  }
  m_impl->count_commit(run_id);
  transaction.commit();
  m_impl->committed(run_id);
}

void SqliteStore::save(const std::vector<const LookupRecord*>& records, const Totals& totals) {
  const std::int64_t run_id = m_impl->require_current_run();
  Database& db = m_impl->db;
  Transaction transaction(db, "save results");
  Statement& upsert = m_impl->upsert_statement();
  for (const LookupRecord* record : records) {
    bind_record(upsert, run_id, *record, false);
    upsert.run("save results");
  }
  const Totals& base = m_impl->base_totals;
  Statement update(db,
                   "INSERT INTO totals (run_id, credits_spent, credits_refunded, requests) VALUES (?1, ?2, ?3, ?4) "
                   "ON CONFLICT (run_id) DO UPDATE SET credits_spent = excluded.credits_spent, "
                   "credits_refunded = excluded.credits_refunded, requests = excluded.requests");
  update.bind(1, run_id)
      .bind(2, base.credits_spent + totals.credits_spent)
      .bind(3, base.credits_refunded + totals.credits_refunded)
      .bind(4, base.requests + totals.requests);
  update.run("save results");
  m_impl->count_commit(run_id);
  transaction.commit();
  m_impl->committed(run_id);
}

}  // namespace state

namespace state {

void SqliteStore::begin_start(std::string_view provider, const std::vector<const ProviderRecord*>& records) {
  m_impl->upsert_provider_records(provider, records, true, "record the starts about to be sent");
}

void SqliteStore::save_records(std::string_view provider, const std::vector<const ProviderRecord*>& records) {
  m_impl->upsert_provider_records(provider, records, false, "save results");
}

void SqliteStore::add_provider_records(std::int64_t run_id, std::string_view provider,
                                       const ProviderRunInfo& facts,
                                       const std::vector<ProviderRecord>& records) {
  Database& db = m_impl->db;
  Transaction transaction(db, "add lookups");
  m_impl->insert_provider(run_id, provider, facts);
  Statement insert(db, insert_provider_sql("ON CONFLICT (run_id, provider, lookup_key) DO NOTHING"));
  for (const ProviderRecord& record : records) {
    bind_provider_record(insert, run_id, provider, record, false);
    insert.run("add lookups");
  }
  m_impl->count_commit(run_id);
  transaction.commit();
  if (m_impl->current_record && m_impl->current_record->run_id == run_id) {
    m_impl->load_record(run_id);
    m_impl->notify();
  }
}

void SqliteStore::record_provider_account(std::int64_t run_id, std::string_view provider,
                                          const std::string& account_id, const std::string& account_name) {
  if (provider == k_creatorscore) {
    record_tenant(run_id, account_id, account_name);
    return;
  }
  Transaction transaction(m_impl->db, "record the run's account");
  m_impl->set_provider_account(run_id, provider, account_id, account_name);
  m_impl->count_commit(run_id);
  transaction.commit();
  m_impl->committed(run_id);
}

void SqliteStore::record_options_fingerprint(std::int64_t run_id, const std::string& fingerprint) {
  Database& db = m_impl->db;
  Transaction transaction(db, "record the run's options");
  Statement update(db, "UPDATE runs SET options_fingerprint = ?1 WHERE id = ?2");
  update.bind(1, std::string_view(fingerprint)).bind(2, run_id);
  update.run("record the run's options");
  m_impl->count_commit(run_id);
  transaction.commit();
  m_impl->committed(run_id);
}

}  // namespace state
