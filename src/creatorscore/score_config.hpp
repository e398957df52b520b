#pragma once

// What the CreatorScore provider is told by the command line (PRODUCT.md, "Configuration"); the
// run's deadline and wait slice are the engine's (engine/engine_config.hpp).

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "creatorscore/types.hpp"
#include "engine/engine_config.hpp"
#include "util/clock.hpp"

namespace creatorscore {

struct ScoreConfig {
  std::size_t batch_size = 100;                                       // creators per submit, 1..100
  util::Duration poll_interval = std::chrono::seconds(60);            // cadence of a young job
  util::Duration slow_poll_interval = std::chrono::minutes(5);        // cadence of an old job
  util::Duration slow_after = std::chrono::minutes(30);               // a job is old after this
  std::optional<std::int64_t> max_credits;                            // budget of this invocation
  std::vector<std::string> include;                                   // extra fields to fetch
  Pricing pricing = Pricing::vendor_table();
};

// The whole configuration of a run whose only provider is CreatorScore (the command line's, tests').
struct ScoreRunConfig : engine::EngineConfig, ScoreConfig {};

}  // namespace creatorscore
