#pragma once

// What the run engine is told by the command line (PRODUCT.md, "Configuration").

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "creatorscore/types.hpp"
#include "util/clock.hpp"

namespace engine {

struct EngineConfig {
  std::size_t batch_size = 100;                                       // creators per submit, 1..100
  util::Duration poll_interval = std::chrono::seconds(60);            // cadence of a young job
  util::Duration slow_poll_interval = std::chrono::minutes(5);        // cadence of an old job
  util::Duration slow_after = std::chrono::minutes(30);               // a job is old after this
  std::optional<std::int64_t> max_credits;                            // budget of this invocation
  std::optional<util::Duration> deadline;                             // from the start of run()
  std::vector<std::string> include;                                   // extra fields to fetch
  creatorscore::Pricing pricing = creatorscore::Pricing::vendor_table();
  // How long one wait may last before progress is reported and the deadline and stop looked at
  // (API time). The CLI makes it one real second whatever the time scale.
  util::Duration wait_slice = std::chrono::seconds(1);
};

}  // namespace engine
