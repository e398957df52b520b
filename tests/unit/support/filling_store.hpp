#pragma once

// A Store on a disk that fills: the first `saves_before_full` saves (and every intent before
// then) are written (-1: no limit); from the next save on, or from fill(), every write throws
// core::Fatal(cannot_write) with the SQLite store's message for SQLITE_FULL, until free_space().
// `file` is what a state file would hold (each record as last written), so a test can resume from
// it as a new process would.

#include <map>
#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "state/lookup_record.hpp"
#include "state/store.hpp"

namespace test {

class FillingStore final : public state::Store {
 public:
  FillingStore(const std::vector<state::LookupRecord>& records, int saves_before_full)
      : file(records), m_saves_left(saves_before_full) {}

  void begin_submit(const std::vector<const state::LookupRecord*>& records) override {
    write("record a batch about to be submitted");
    intents += static_cast<int>(records.size());
  }

  void save(const std::vector<const state::LookupRecord*>& records, const state::Totals& totals) override {
    if (m_saves_left == 0) {
      m_full = true;
    }
    write("save results");
    --m_saves_left;
    for (const state::LookupRecord* record : records) {
      file[record->index] = *record;
    }
    saved_totals = totals;
    ++saves;
  }

  void begin_start(std::string_view /*provider*/, const std::vector<const state::ProviderRecord*>& records) override {
    write("record a start about to be sent");
    intents += static_cast<int>(records.size());
  }

  void save_records(std::string_view /*provider*/, const std::vector<const state::ProviderRecord*>& records) override {
    write("save results");
    for (const state::ProviderRecord* record : records) {
      provider_file[record->index] = *record;
    }
  }

  // The disk is full from now on.
  void fill() { m_full = true; }

  // Space was freed: writes succeed again.
  void free_space() {
    m_full = false;
    m_saves_left = -1;
  }

  std::vector<state::LookupRecord> file;
  std::map<std::size_t, state::ProviderRecord> provider_file;  // by index
  state::Totals saved_totals;
  int saves = 0;
  int intents = 0;
  int failed_writes = 0;

 private:
  void write(const std::string& what) {
    if (m_full) {
      ++failed_writes;
      throw core::Fatal(core::ExitCode::cannot_write,
                        "cannot write the state file /tmp/s.db: database or disk is "
                        "full (" +
                            what + "); free some disk space or pass --state FILE");
    }
  }

  int m_saves_left;
  bool m_full = false;
};

}  // namespace test
