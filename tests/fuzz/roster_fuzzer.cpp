// libFuzzer target: any bytes as a roster file, read through every layout and index_roster.
// Must give rows or a RosterError, never a crash, leak or undefined behaviour. Build and run with
// tests/fuzz/run_fuzz.sh roster.

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
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
    for (const roster::UniqueLookup& lookup : index->lookups) {
      (void)index->find(lookup.platform, lookup.handle);
    }
    (void)roster::unusable_error(*index);
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
