#pragma once

// What the run loop is told by the command line (PRODUCT.md, "Configuration"); each provider has
// its own configuration besides (creatorscore/score_config.hpp).

#include <optional>

#include "util/clock.hpp"

namespace engine {

struct EngineConfig {
  std::optional<util::Duration> deadline;  // from the start of run()
  // How long one wait may last before progress is reported and the deadline and stop looked at
  // (API time). The CLI makes it one real second whatever the time scale.
  util::Duration wait_slice = std::chrono::seconds(1);
};

}  // namespace engine
