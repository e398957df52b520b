#pragma once

// What creatorscore-sim's webhook deliveries do (sim/webhook_outbox.hpp, sim/README.md "Webhooks"):
// apart from the outbox so that SimConfig can hold it without the payload types.

#include <string>

#include "util/clock.hpp"

namespace sim {

// Probabilities in [0, 1], drawn per delivery.
struct WebhookConfig {
  std::string url;     // empty: no webhooks
  std::string secret;  // the signing secret
  double duplicate = 0.0;
  double drop = 0.0;
  double bad_signature = 0.0;
  util::Duration delay{0};
};

}  // namespace sim
