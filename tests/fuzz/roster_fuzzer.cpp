// libFuzzer target: any bytes as a roster file, read through every layout and index_roster.
// Must give rows or a RosterError, never a crash, leak or undefined behaviour. Build and run with
// tests/fuzz/run_fuzz.sh roster.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <set>
#include <string>

#include "roster/roster.hpp"

namespace {

std::string spool_path() {
  static const std::string path = "/tmp/roster-fuzz-" + std::to_string(::getpid()) + ".csv";
  return path;
}

void read_through(const std::string& path, const roster::Options& options) {
  auto reader = roster::RosterReader::open(path, options);
  if (!reader) {
    return;
  }
  roster::Row row;
  for (int rows = 0; rows < 100000; ++rows) {
    auto more = (*reader)->next(row);
    if (!more || !*more) {
      return;
    }
    for (const roster::CellLookup& lookup : row.lookups) {
      (void)lookup.key();
    }
  }
}

// index_roster reads rows as views and de-duplicates them in its own hash table; RosterReader
// gives the same rows as strings, told apart here by CellLookup::key(). The counts must agree.
void check_against_rows(const std::string& path, const roster::Options& options, const roster::RosterIndex& index) {
  auto reader = roster::RosterReader::open(path, options);
  if (!reader) {
    __builtin_trap();  // index_roster opened it
  }
  std::set<std::string> keys;
  std::size_t rows = 0;
  std::size_t invalid_rows = 0;
  std::size_t lookups = 0;
  roster::Row row;
  for (;;) {
    auto more = (*reader)->next(row);
    if (!more) {
      __builtin_trap();  // index_roster read to the end without an error
    }
    if (!*more) {
      break;
    }
    ++rows;
    bool invalid = row.lookups.empty();
    for (const roster::CellLookup& lookup : row.lookups) {
      invalid = invalid || !lookup.valid();
      if (lookup.valid()) {
        keys.insert(lookup.key());
        ++lookups;
      }
    }
    invalid_rows += invalid ? 1 : 0;
  }
  if (rows != index.rows || invalid_rows != index.invalid_rows || keys.size() != index.lookups.size() ||
      lookups != index.lookups.size() + index.duplicate_lookups) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string path = spool_path();
  std::FILE* file = std::fopen(path.c_str(), "wb");
  if (!file) {
    return 0;
  }
  std::fwrite(data, 1, size, file);
  std::fclose(file);

  roster::Options detected;
  detected.display_name = "fuzz.csv";
  auto index = roster::index_roster(path, detected);
  if (index) {
    for (std::size_t i = 0; i < index->lookups.size(); ++i) {
      if (index->find(index->lookups[i].platform(), index->lookups[i].handle()) != i) {
        __builtin_trap();
      }
    }
    (void)roster::unusable_error(*index);
    check_against_rows(path, detected, *index);
  }
  // The first byte also picks a forced layout and delimiter, to reach those paths.
  if (size > 0) {
    roster::Options forced;
    const char delimiters[] = {',', ';', '\t', '|'};
    forced.delimiter = delimiters[data[0] & 3];
    switch ((data[0] >> 2) & 3) {
      case 0: forced.url_column = "url"; break;
      case 1: forced.handle_column = "handle"; forced.platform = core::Platform::tiktok; break;
      case 2: forced.platform = core::Platform::x; break;
      default: break;
    }
    read_through(path, forced);
  }
  std::remove(path.c_str());
  return 0;
}
