#pragma once

// The durable Store: one SQLite file per roster and API (state_path.hpp), in WAL mode with
// synchronous=FULL, so a result the API returned survives SIGKILL and power loss once save()
// returned (PRODUCT.md, "State and resume"). Besides the Store interface the engine calls, it
// keeps the run lifecycle the CLI drives: find an incomplete run to resume, start a run, end it,
// abandon it for --restart.
//
// The API key is never stored: nothing here receives it, and no column could hold it.
//
// One process per state file (take a StateLock first); not thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "state/run_info.hpp"
#include "state/run_record.hpp"
#include "state/schema.hpp"  // k_schema_version
#include "state/store.hpp"
#include "util/clock.hpp"
#include "util/expected.hpp"

namespace state {

class SqliteStore final : public Store {
 public:
  // Opens `path`, creating missing parent directories (mode 0700) and the file (0600); sets WAL
  // mode, synchronous=FULL and a busy timeout; checks its integrity (PRAGMA quick_check); creates
  // or upgrades the schema. Errors: cannot create or write it (cannot_open), not a state file
  // (not_ours), made by a newer roster-enrich (too_new), damaged (exit 73).
  static util::Expected<std::unique_ptr<SqliteStore>, StoreError> open(const std::string& path);
  ~SqliteStore() override;
  SqliteStore(const SqliteStore&) = delete;
  SqliteStore& operator=(const SqliteStore&) = delete;

  // Times recorded by end_run/abandon_incomplete_runs come from `clock` (it must outlive the
  // store); without one, from the system clock in Unix milliseconds (RealClock at scale 1).
  void use_clock(const util::Clock& clock);

  // ---- Run lifecycle (the CLI). Every write throws core::Fatal(cannot_write) on failure. ----

  // The latest run whose status is running or incomplete, with its lookups, intents and totals;
  // nullopt when there is none (no run yet, or the latest resumable one was completed/abandoned).
  std::optional<RunSnapshot> find_incomplete_run();

  // Inserts a run (status running), its CreatorScore facts (base URL, tenant: RunInfo) and its
  // CreatorScore lookups in one transaction, and makes it the current run. Records with the same
  // lookup_key are stored once (the first wins). 200,000 records take well under a second.
  std::int64_t start_run(const RunInfo& info, const std::vector<LookupRecord>& records);

  // Adds lookups to a run (the roster gained rows since it started); keys already stored keep
  // their stored values.
  void add_lookups(std::int64_t run_id, const std::vector<LookupRecord>& records);

  // Adds a provider other than CreatorScore to a run (`facts` kept when the run has none for it
  // yet), with its records, in one transaction: a provider joining a resumed run starts fresh
  // while the others resume. For a provider the run has, adds the lookups it does not hold; keys
  // already stored keep their stored values, as in add_lookups.
  void add_provider_records(std::int64_t run_id, std::string_view provider, const ProviderRunInfo& facts,
                            const std::vector<ProviderRecord>& records);

  // Records the account whose key runs `provider` for `run_id` (record_tenant for CreatorScore).
  void record_provider_account(std::int64_t run_id, std::string_view provider, const std::string& account_id,
                               const std::string& account_name);

  // Replaces RunInfo::options_fingerprint of `run_id` (a provider joined, or a run made before
  // fingerprints were stored gets its first).
  void record_options_fingerprint(std::int64_t run_id, const std::string& fingerprint);

  // Records how the run ended: `status` incomplete (with the reason: "deadline", "interrupted",
  // "insufficient_credits", ...) or completed.
  void end_run(std::int64_t run_id, RunStatus status, std::string reason);

  // Records the tenant that runs `run_id` (RunInfo::tenant_id), once its key has been checked.
  void record_tenant(std::int64_t run_id, const std::string& tenant_id, const std::string& tenant_name);

  // What the file holds of run `run_id`, to check it against the record kept outside the WAL.
  StoredRun stored_run(std::int64_t run_id);

  // Called after every commit that changed a run, with that run's record (run_record.hpp), or
  // nullopt once it is completed or abandoned: the CLI keeps it in the lock file.
  void on_commit(std::function<void(const std::optional<RunRecord>&)> observer);

  // For --restart: marks every running or incomplete run abandoned. Returns how many paid jobs
  // (pending lookups holding a job id) are abandoned with them, so the CLI can say so.
  int abandon_incomplete_runs();

  // Makes begin_submit/save write to `run_id`; a resumed run is marked running again. Totals
  // given to save() count this invocation only (the engine starts at zero): the store adds them
  // to what earlier invocations of this run recorded.
  void set_current_run(std::int64_t run_id);
  std::optional<std::int64_t> current_run() const;

  // ---- Store (the engine) ----
  //
  // The write-ahead window. The order is: begin_submit (durable intent) → POST /creators/bulk →
  // save (durable job ids, charges, scores). A kill can land between the API charging a batch and
  // our COMMIT in save(); the file then holds the intent but no job id. The next invocation
  // submits those lookups again, and pays nothing twice: the API's in-flight de-duplication
  // answers a lookup that already has a queued or running job with that same job and
  // `deduplicated: true`, charging nothing, and a job that finished meanwhile is served from the
  // cache, which is free (shared/api/creatorscore-v1.md). The intent flag lets `status` and the
  // summary say how many lookups were in that window.

  // Marks these lookups' submit intent (upserting their current values) in one transaction.
  void begin_submit(const std::vector<const LookupRecord*>& records) override;

  // Upserts every field of these records, clears their submit intent, and stores the totals, in
  // one transaction; durable (fsynced) when it returns.
  void save(const std::vector<const LookupRecord*>& records, const Totals& totals) override;

  // Upserts every field of these records of `provider` into the current run, marking their start
  // intent (begin_start) or clearing it (save_records), in one transaction; durable (the WAL
  // fsynced: synchronous=FULL) when it returns, so the idempotency key is on disk before the
  // request that sends it.
  void begin_start(std::string_view provider, const std::vector<const ProviderRecord*>& records) override;
  void save_records(std::string_view provider, const std::vector<const ProviderRecord*>& records) override;

  const std::string& path() const;

 private:
  struct Impl;
  explicit SqliteStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> m_impl;
};

}  // namespace state
