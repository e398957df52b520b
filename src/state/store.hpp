#pragma once

// Where the run makes what the API returned durable before acting on it (PRODUCT.md, "State and
// resume"). The engine talks to this interface only; MemoryStore serves unit tests and runs that
// keep no state, the SQLite store (state/sqlite_store) makes it survive SIGKILL.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "state/lookup_record.hpp"
#include "state/provider_record.hpp"

namespace state {

// Running totals kept beside the records.
struct Totals {
  std::int64_t credits_spent = 0;
  std::int64_t credits_refunded = 0;
  std::int64_t requests = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  // Write-ahead: records that these lookups are about to be submitted in one request, before it is
  // sent. Throws core::Fatal(cannot_write) when the state cannot be written.
  //
  // The window this leaves: a kill after the API charged the batch but before save() committed its
  // answer. The next invocation finds the intent without a job id and submits those lookups again,
  // which costs nothing twice: the API's in-flight de-duplication returns the job it already holds
  // for that creator with `deduplicated: true` and no charge, and a job that finished meanwhile is
  // served from the cache, which is free (shared/api/creatorscore-v1.md, POST /creators/bulk).
  // Tested in tests/unit/state/sqlite_store_engine_test.cpp ("write-ahead window").
  virtual void begin_submit(const std::vector<const LookupRecord*>& records) = 0;

  // Saves the records' current values and the totals in one transaction. Throws
  // core::Fatal(cannot_write) when the state cannot be written.
  virtual void save(const std::vector<const LookupRecord*>& records, const Totals& totals) = 0;

  // ---- Providers other than CreatorScore (ProviderRecord), keyed by provider and lookup_key ----

  // Write-ahead for a start made harmless to repeat by an idempotency key (CreatorAudit's
  // POST /accounts): stores these records, with the key each will send, in one durable transaction
  // before the request is sent. A kill after the request took effect leaves the key in the file,
  // and the next invocation re-sends that same key, which the API answers as a replay. Throws
  // core::Fatal(cannot_write) when the state cannot be written.
  virtual void begin_start(std::string_view provider, const std::vector<const ProviderRecord*>& records) = 0;

  // Upserts every field of these records in one durable transaction. Throws
  // core::Fatal(cannot_write) when the state cannot be written.
  virtual void save_records(std::string_view provider, const std::vector<const ProviderRecord*>& records) = 0;
};

// Keeps nothing beyond the process; counts calls so tests can check the write-ahead order.
class MemoryStore final : public Store {
 public:
  void begin_submit(const std::vector<const LookupRecord*>& records) override {
    ++m_intents;
    m_intent_records += records.size();
  }
  void save(const std::vector<const LookupRecord*>& records, const Totals& totals) override {
    ++m_saves;
    m_saved_records += records.size();
    m_totals = totals;
  }
  void begin_start(std::string_view provider, const std::vector<const ProviderRecord*>& records) override {
    ++m_starts;
    keep(provider, records);
  }
  void save_records(std::string_view provider, const std::vector<const ProviderRecord*>& records) override {
    ++m_record_saves;
    keep(provider, records);
  }

  // What a state file would hold of each provider's records, by lookup_key (as last written).
  const std::map<std::string, std::map<std::string, ProviderRecord>>& provider_file() const { return m_file; }
  int starts() const { return m_starts; }
  int record_saves() const { return m_record_saves; }

  int intents() const { return m_intents; }
  int saves() const { return m_saves; }
  std::size_t saved_records() const { return m_saved_records; }
  const Totals& totals() const { return m_totals; }

 private:
  int m_intents = 0;
  std::size_t m_intent_records = 0;
  int m_saves = 0;
  std::size_t m_saved_records = 0;
  Totals m_totals;
  int m_starts = 0;
  int m_record_saves = 0;
  std::map<std::string, std::map<std::string, ProviderRecord>> m_file;

  void keep(std::string_view provider, const std::vector<const ProviderRecord*>& records) {
    auto& kept = m_file[std::string(provider)];
    for (const ProviderRecord* record : records) {
      kept[lookup_key(record->platform, record->handle)] = *record;
    }
  }
};

}  // namespace state
