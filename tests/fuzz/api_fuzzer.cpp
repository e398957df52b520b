// libFuzzer target: any bytes as an API response body, through every decoder. Each must give a
// value or a DecodeError, never a crash, leak or undefined behaviour, and a decoded eta must stay
// in the range the engine relies on. Build and run with tests/fuzz/run_fuzz.sh api.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "creatorscore/decode.hpp"

namespace {

void check_eta(const std::optional<creatorscore::Seconds>& eta) {
  if (eta && (eta->count() < 0 || *eta > std::chrono::hours(24))) {
    std::abort();  // the engine would wait for ever, or poll in the past
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);
  (void)creatorscore::is_json_object(body);
  (void)creatorscore::decode_error_body(body);
  (void)creatorscore::decode_account(body);
  if (const auto item = creatorscore::decode_item(body)) {
    check_eta(item->eta);
  }
  if (const auto bulk = creatorscore::decode_bulk_submit(body)) {
    for (const auto& item : bulk->results) {
      check_eta(item.eta);
    }
  }
  if (const auto job = creatorscore::decode_job(body)) {
    check_eta(job->eta);
  }
  if (const auto jobs = creatorscore::decode_bulk_status(body)) {
    for (const auto& job : *jobs) {
      check_eta(job.eta);
    }
  }
  return 0;
}
