#include "state/schema.hpp"

#include <sqlite3.h>

#include <array>
#include <string>

namespace state {

namespace {

// Version 0 → 1: the first schema. Enum columns hold the explicit values of RunStatus,
// core::Platform and core::LookupStatus; times are API-time milliseconds (Unix time for the real
// clock). Nothing here can hold the API key: the store never receives it.
void migrate_0_to_1(Database& db) {
  db.exec(R"sql(
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  roster_path TEXT NOT NULL,
  roster_identity TEXT NOT NULL,
  base_url TEXT NOT NULL,
  options_fingerprint TEXT NOT NULL,
  started_at_ms INTEGER NOT NULL,
  ended_at_ms INTEGER,
  status INTEGER NOT NULL,
  stop_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX runs_by_status ON runs (status, id);
CREATE TABLE lookups (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  lookup_key TEXT NOT NULL,
  platform INTEGER NOT NULL,
  handle TEXT NOT NULL,
  status INTEGER NOT NULL,
  job_id TEXT NOT NULL DEFAULT '',
  creator_json TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  credits_charged INTEGER NOT NULL DEFAULT 0,
  credits_refunded INTEGER NOT NULL DEFAULT 0,
  submitted_at_ms INTEGER,
  last_polled_at_ms INTEGER,
  expected_done_at_ms INTEGER,
  include_fetched INTEGER NOT NULL DEFAULT 0,
  submit_intent INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, lookup_key)
);
CREATE TABLE totals (
  run_id INTEGER PRIMARY KEY REFERENCES runs (id),
  credits_spent INTEGER NOT NULL DEFAULT 0,
  credits_refunded INTEGER NOT NULL DEFAULT 0,
  requests INTEGER NOT NULL DEFAULT 0
);
)sql",
          "create the schema");
}

// Version 1 → 2: which tenant started a run (the account's tenant id and name from the key
// check; empty for a run started before, which gets them on its next resume), and each run's
// commit counter, which the record kept outside the WAL is checked against (run_record.hpp).
// ADD COLUMN with constant defaults rewrites nothing: existing files upgrade in an instant.
void migrate_1_to_2(Database& db) {
  db.exec(R"sql(
ALTER TABLE runs ADD COLUMN tenant_id TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN tenant_name TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN commits INTEGER NOT NULL DEFAULT 0;
)sql",
          "upgrade the schema to version 2");
}

// Version 2 → 3: records keyed by provider and lookup (docs/providers.md, step 1). Every provider's
// lookups live in `provider_records` under (run_id, provider, lookup_key), with the columns of
// state::ProviderRecord and the times, refund and intent CreatorScore's LookupRecord needs as
// generic columns; CreatorScore's rows are provider 'creatorscore', their status its name
// (stored_status_name in sqlite_store.cpp). `lookups` becomes a VIEW with the v2 columns over those
// rows, so `status` and scripts that read the v2 table keep working. `run_providers` holds each
// provider's base URL and account; `runs` keeps CreatorScore's (base_url, tenant_id, tenant_name)
// in step for readers of v2 columns. Rows are copied in rowid order, the order runs resume in.
void migrate_2_to_3(Database& db) {
  db.exec(R"sql(
CREATE TABLE provider_records (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  provider TEXT NOT NULL,
  lookup_key TEXT NOT NULL,
  platform INTEGER NOT NULL,
  handle TEXT NOT NULL,
  status TEXT NOT NULL,
  external_id TEXT NOT NULL DEFAULT '',
  payload TEXT NOT NULL DEFAULT '',
  error TEXT NOT NULL DEFAULT '',
  idempotency_key TEXT NOT NULL DEFAULT '',
  etag TEXT NOT NULL DEFAULT '',
  detail TEXT NOT NULL DEFAULT '',
  cost INTEGER NOT NULL DEFAULT 0,
  refund INTEGER NOT NULL DEFAULT 0,
  started_at_ms INTEGER,
  checked_at_ms INTEGER,
  due_at_ms INTEGER,
  include_fetched INTEGER NOT NULL DEFAULT 0,
  start_intent INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, provider, lookup_key)
);
INSERT INTO provider_records (run_id, provider, lookup_key, platform, handle, status, external_id, payload,
  error, cost, refund, started_at_ms, checked_at_ms, due_at_ms, include_fetched, start_intent)
SELECT run_id, 'creatorscore', lookup_key, platform, handle,
  CASE status WHEN 0 THEN 'unsubmitted' WHEN 1 THEN 'cached' WHEN 2 THEN 'scored' WHEN 3 THEN 'failed'
    WHEN 4 THEN 'not_found' WHEN 5 THEN 'pending' WHEN 6 THEN 'skipped' WHEN 7 THEN 'invalid'
    WHEN 8 THEN 'error' ELSE CAST(status AS TEXT) END,
  job_id, creator_json, error, credits_charged, credits_refunded, submitted_at_ms, last_polled_at_ms,
  expected_done_at_ms, include_fetched, submit_intent
FROM lookups ORDER BY rowid;
DROP TABLE lookups;
CREATE VIEW lookups (run_id, lookup_key, platform, handle, status, job_id, creator_json, error,
  credits_charged, credits_refunded, submitted_at_ms, last_polled_at_ms, expected_done_at_ms,
  include_fetched, submit_intent) AS
SELECT run_id, lookup_key, platform, handle,
  CASE status WHEN 'unsubmitted' THEN 0 WHEN 'cached' THEN 1 WHEN 'scored' THEN 2 WHEN 'failed' THEN 3
    WHEN 'not_found' THEN 4 WHEN 'pending' THEN 5 WHEN 'skipped' THEN 6 WHEN 'invalid' THEN 7
    WHEN 'error' THEN 8 ELSE -1 END,
  external_id, payload, error, cost, refund, started_at_ms, checked_at_ms, due_at_ms, include_fetched,
  start_intent
FROM provider_records WHERE provider = 'creatorscore';
CREATE TABLE run_providers (
  run_id INTEGER NOT NULL REFERENCES runs (id),
  provider TEXT NOT NULL,
  base_url TEXT NOT NULL DEFAULT '',
  account_id TEXT NOT NULL DEFAULT '',
  account_name TEXT NOT NULL DEFAULT '',
  PRIMARY KEY (run_id, provider)
);
INSERT INTO run_providers (run_id, provider, base_url, account_id, account_name)
SELECT id, 'creatorscore', base_url, tenant_id, tenant_name FROM runs;
)sql",
          "upgrade the schema to version 3");
}

using Migration = void (*)(Database&);

// k_migrations[n] upgrades version n to n + 1. Append only; never edit a released migration.
constexpr std::array<Migration, k_schema_version> k_migrations = {migrate_0_to_1, migrate_1_to_2,
                                                                     migrate_2_to_3};

StoreError too_new(const Database& db, std::int64_t version) {
  return StoreError{StoreError::Kind::too_new,
                    "the state file " + db.path() + " was made by a newer roster-enrich (schema version " +
                        std::to_string(version) + ", this one reads up to " + std::to_string(k_schema_version) +
                        "); upgrade roster-enrich or pass --state FILE",
                    core::ExitCode::cannot_write};
}

StoreError not_ours(const Database& db) {
  return StoreError{StoreError::Kind::not_ours,
                    "cannot use the state file " + db.path() +
                        ": it is not a roster-enrich state file; pass --state FILE to use another file",
                    core::ExitCode::cannot_write};
}

bool has_tables(Database& db) {
  return db.query_int("SELECT count(*) FROM sqlite_schema WHERE type = 'table'", "read the schema") > 0;
}

}  // namespace

util::Expected<util::Ok, StoreError> prepare_schema(Database& db) {
  // Inside one IMMEDIATE transaction per step, so two processes racing to create the file (the
  // StateLock should prevent it) cannot both migrate, and a kill mid-migration leaves the old
  // version intact.
  for (;;) {
    Transaction transaction(db, "upgrade the schema");
    const std::int64_t application_id = db.query_int("PRAGMA application_id", "read the schema");
    const std::int64_t version = db.query_int("PRAGMA user_version", "read the schema");
    if (application_id != 0 && application_id != k_application_id) {
      return util::unexpected(not_ours(db));
    }
    if (version > k_schema_version) {
      return util::unexpected(too_new(db, version));
    }
    if (version < 0 || (version == 0 && (application_id != 0 || has_tables(db)))) {
      return util::unexpected(not_ours(db));
    }
    if (version == k_schema_version) {
      return util::Ok{};
    }
    k_migrations[static_cast<std::size_t>(version)](db);
    db.exec("PRAGMA application_id = " + std::to_string(k_application_id), "upgrade the schema");
    db.exec("PRAGMA user_version = " + std::to_string(version + 1), "upgrade the schema");
    transaction.commit();
  }
}

util::Expected<util::Ok, StoreError> check_schema(Database& db) {
  const std::int64_t application_id = db.query_int("PRAGMA application_id", "read the schema");
  const std::int64_t version = db.query_int("PRAGMA user_version", "read the schema");
  if (version > k_schema_version) {
    return util::unexpected(too_new(db, version));
  }
  if (application_id != k_application_id || version < 1) {
    return util::unexpected(not_ours(db));
  }
  return util::Ok{};
}

StoreError store_error_from(const core::Fatal& failure) {
  StoreError error{StoreError::Kind::cannot_open, failure.what(), failure.code()};
  if (const auto* sqlite_failure = dynamic_cast<const StateFileFailure*>(&failure)) {
    switch (sqlite_failure->sqlite_code() & 0xff) {
      case SQLITE_NOTADB:
        error.kind = StoreError::Kind::not_ours;
        break;
      case SQLITE_CORRUPT:
        error.kind = StoreError::Kind::damaged;
        break;
      default:
        break;
    }
  }
  return error;
}

}  // namespace state
