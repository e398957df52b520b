#pragma once

// Helpers for the roster tests: a temporary folder per case (kept and printed when a check failed),
// files written into it, and whole rosters read into memory for comparison.

#include <doctest/doctest.h>

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "roster/roster.hpp"

namespace roster_test {

// True once a check of the running test case failed (a doctest listener in roster_test_support.cpp).
bool current_test_failed();

class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    m_path = std::filesystem::temp_directory_path() /
             ("roster-test-" + std::to_string(::getpid()) + "-" + std::to_string(counter++));
    std::filesystem::create_directories(m_path);
  }
  ~TempDir() {
    if (current_test_failed()) {
      std::cerr << "kept test files in " << m_path.string() << "\n";
      return;
    }
    std::error_code ec;
    std::filesystem::remove_all(m_path, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  const std::filesystem::path& path() const { return m_path; }

  std::string write(const std::string& name, std::string_view content) const {
    const std::filesystem::path file = m_path / name;
    std::ofstream out(file, std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
    return file.string();
  }

 private:
  std::filesystem::path m_path;
};

struct ReadResult {
  std::vector<roster::Row> rows;
  std::string error;  // message of the first error, empty when the whole file read
  core::ExitCode code = core::ExitCode::ok;
};

inline ReadResult read_all(const std::string& path, const roster::Options& options = {}) {
  ReadResult result;
  auto reader = roster::RosterReader::open(path, options);
  if (!reader) {
    result.error = reader.error().message;
    result.code = reader.error().code;
    return result;
  }
  for (;;) {
    roster::Row row;
    auto more = (*reader)->next(row);
    if (!more) {
      result.error = more.error().message;
      result.code = more.error().code;
      return result;
    }
    if (!*more) {
      return result;
    }
    result.rows.push_back(std::move(row));
  }
}

}  // namespace roster_test
