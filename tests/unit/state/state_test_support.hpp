#pragma once

// A fresh folder per test case under the system temp directory, removed at the end of the case;
// a store opened or the case failed.

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>
#include <unistd.h>

#include <doctest/doctest.h>

#include "state/sqlite_store.hpp"

namespace test {

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    m_path = std::filesystem::temp_directory_path() /
             ("roster-enrich-state-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::remove_all(m_path);
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(m_path, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }
  std::string file(const std::string& name) const { return (m_path / name).string(); }

 private:
  std::filesystem::path m_path;
};

inline std::string read_bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

// The schema of version 1 as roster-enrich 0.1 made it (src/state/schema.cpp, migrate_0_to_1), in
// WAL mode: the start of the old files the upgrade tests make. Never edit it, as a released file
// never changes.
inline constexpr const char* k_schema_v1_sql = R"sql(
PRAGMA journal_mode = WAL;
CREATE TABLE runs (id INTEGER PRIMARY KEY, roster_path TEXT NOT NULL, roster_identity TEXT NOT NULL,
  base_url TEXT NOT NULL, options_fingerprint TEXT NOT NULL, started_at_ms INTEGER NOT NULL,
  ended_at_ms INTEGER, status INTEGER NOT NULL, stop_reason TEXT NOT NULL DEFAULT '');
CREATE INDEX runs_by_status ON runs (status, id);
CREATE TABLE lookups (run_id INTEGER NOT NULL REFERENCES runs (id), lookup_key TEXT NOT NULL,
  platform INTEGER NOT NULL, handle TEXT NOT NULL, status INTEGER NOT NULL, job_id TEXT NOT NULL DEFAULT '',
  creator_json TEXT NOT NULL DEFAULT '', error TEXT NOT NULL DEFAULT '',
  credits_charged INTEGER NOT NULL DEFAULT 0, credits_refunded INTEGER NOT NULL DEFAULT 0,
  submitted_at_ms INTEGER, last_polled_at_ms INTEGER, expected_done_at_ms INTEGER,
  include_fetched INTEGER NOT NULL DEFAULT 0, submit_intent INTEGER NOT NULL DEFAULT 0,
  PRIMARY KEY (run_id, lookup_key));
CREATE TABLE totals (run_id INTEGER PRIMARY KEY REFERENCES runs (id), credits_spent INTEGER NOT NULL DEFAULT 0,
  credits_refunded INTEGER NOT NULL DEFAULT 0, requests INTEGER NOT NULL DEFAULT 0);
)sql";

// The store at `path`, or the test case fails with why it could not be opened.
inline std::unique_ptr<state::SqliteStore> open_store(const std::string& path) {
  auto store = state::SqliteStore::open(path);
  REQUIRE_MESSAGE(store.has_value(), store.error().message);
  return std::move(store).value();
}

// What Store::begin_submit and save take: a pointer to each record, in order.
inline std::vector<const state::LookupRecord*> pointers(const std::vector<state::LookupRecord>& records) {
  std::vector<const state::LookupRecord*> out;
  out.reserve(records.size());
  for (const auto& record : records) {
    out.push_back(&record);
  }
  return out;
}

}  // namespace test
