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
