// libFuzzer target: any bytes as a state file (a damaged disk, another program's file, a file cut
// short, a hostile edit), opened as `run` opens it (then resumed and written to) and as `status`
// reads it. Each must end in a value or one clear line (a StoreError or core::Fatal message: not
// empty, one line), never a crash, leak, uncaught exception or undefined behaviour.
// Build and run with tests/fuzz/run_fuzz.sh state; with ROSTER_FUZZ_SEED_DIR set, it first writes
// real state files there as seeds (made by this build, so they follow its schema).

#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "fuzz_work_dir.hpp"
#include "state/sqlite_store.hpp"
#include "state/status_report.hpp"

namespace {

const std::string& work_dir() { return fuzz_work_dir("state"); }

std::string state_path() { return work_dir() + "/state.db"; }

void remove_state() {
  for (const char* suffix : {"", "-wal", "-shm", "-journal", ".lock"}) {
    std::remove((state_path() + suffix).c_str());
  }
}

void check_message(const std::string& message) {
  if (message.empty() || message.find('\n') != std::string::npos) {
    std::fprintf(stderr, "not one line: [%s]\n", message.c_str());
    std::abort();
  }
}

state::LookupRecord record(core::Platform platform, std::string handle, core::LookupStatus status) {
  state::LookupRecord r;
  r.platform = platform;
  r.handle = std::move(handle);
  r.status = status;
  return r;
}

// Seeds: an empty state file, a run in flight with a submit intent, a pending job and a CreatorAudit
// start, a completed run; each after the store closed (its WAL checkpointed into the file).
void write_seeds(const std::string& dir) {
  for (int kind = 0; kind < 3; ++kind) {
    remove_state();
    {
      auto store = state::SqliteStore::open(state_path());
      if (!store) {
        std::fprintf(stderr, "seed: %s\n", store.error().message.c_str());
        std::abort();
      }
      if (kind > 0) {
        state::RunInfo info;
        info.roster_path = "/data/roster.csv";
        info.roster_identity = "size 120 mtime 1";
        info.base_url = "https://api.creatorscore.example";
        info.options_fingerprint = "batch 100";
        std::vector<state::LookupRecord> records = {
            record(core::Platform::tiktok, "anna", core::LookupStatus::unsubmitted),
            record(core::Platform::youtube, "MrBeast", core::LookupStatus::cached),
            record(core::Platform::x, "jack", core::LookupStatus::unsubmitted)};
        records[1].creator_json = R"({"score":71,"tier":"B","agents":{"sentiment":0.5}})";
        const std::int64_t run = (*store)->start_run(info, records);
        (*store)->set_current_run(run);
        records[0].status = core::LookupStatus::pending;
        records[0].job_id = "job_0001";
        records[0].credits_charged = 1;
        records[0].submitted_at = util::TimePoint{util::Duration(1000)};
        records[0].expected_done_at = util::TimePoint{util::Duration(61000)};
        (*store)->begin_submit({&records[0], &records[2]});
        (*store)->save({&records[0]}, state::Totals{1, 0, 2});
        // A second provider's records (schema v3), one with its start's idempotency key.
        state::ProviderRecord audit;
        audit.platform = core::Platform::tiktok;
        audit.handle = "anna";
        audit.status = "unstarted";
        const state::ProviderRunInfo audit_api{"http://127.0.0.1:9", "", ""};
        (*store)->add_provider_records(run, "creatoraudit", audit_api, {audit});
        audit.idempotency_key = "0f6c4a52-8e3e-4d0b-9d8a-3c1d2f8e7a61";
        (*store)->begin_start("creatoraudit", {&audit});
        if (kind == 2) {
          (*store)->end_run(run, state::RunStatus::completed, "");
        }
      }
    }
    std::ifstream in(state_path(), std::ios::binary);
    const std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir + "/generated-state-" + std::to_string(kind) + ".db", std::ios::binary) << bytes;
  }
  remove_state();
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (const char* dir = std::getenv("ROSTER_FUZZ_SEED_DIR")) {
    write_seeds(dir);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  remove_state();
  {
    std::ofstream out(state_path(), std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  // `status`: read-only, the file as it is.
  if (auto report = state::load_status_report(state_path(), util::TimePoint{util::Duration(2000)}); !report) {
    check_message(report.error().message);
  }
  // `run`: open (which may upgrade the schema), resume what it finds, write to it, end the run.
  auto store = state::SqliteStore::open(state_path());
  if (!store) {
    check_message(store.error().message);
    return 0;
  }
  try {
    if (auto run = (*store)->find_incomplete_run()) {
      (*store)->set_current_run(run->run_id);
      std::vector<const state::LookupRecord*> records;
      for (const state::LookupRecord& r : run->records) {
        records.push_back(&r);
      }
      (*store)->begin_submit(records);
      (*store)->save(records, run->totals);
      for (const auto& [provider, kept] : run->provider_records) {
        std::vector<const state::ProviderRecord*> provider_records;
        for (const state::ProviderRecord& r : kept) {
          provider_records.push_back(&r);
        }
        (*store)->begin_start(provider, provider_records);
        (*store)->save_records(provider, provider_records);
      }
      (*store)->end_run(run->run_id, state::RunStatus::incomplete, "interrupted");
    } else {
      state::RunInfo info;
      info.roster_path = "/data/roster.csv";
      (*store)->start_run(info, {record(core::Platform::kick, "new_one", core::LookupStatus::unsubmitted)});
    }
    (void)(*store)->abandon_incomplete_runs();
  } catch (const core::Fatal& failure) {
    check_message(failure.what());
  }
  return 0;
}
