#pragma once

// Where the listener hands each verified, decoded delivery: the run (issue 19's next step) makes the
// job's end durable in its state file. The listener answers the vendor only after deliver() has
// returned, so a crash between the two loses nothing: no 2xx was sent, and the vendor retries.

#include <string>

#include "creatorscore/types.hpp"

namespace webhook {

struct Delivery {
  std::string delivery_id;  // X-CreatorScore-Delivery
  int attempt = 0;          // X-CreatorScore-Attempt (1..5), 0 when absent or not a number
  creatorscore::WebhookEvent event;
};

enum class SinkVerdict {
  stored,       // made durable: answered 200
  already_had,  // this job's end was durable already (another delivery of it): 200, counted duplicated
  unknown_job,  // no job the run holds: 200 (the vendor must not retry it), counted
  failed,       // could not be made durable (disk full, ...): 503, so the vendor retries later
};

class DeliverySink {
 public:
  virtual ~DeliverySink() = default;
  // Makes `delivery` durable before returning stored (e.g. committed to the state file). Called on
  // the listener's threads, one delivery at a time; must not throw.
  virtual SinkVerdict deliver(const Delivery& delivery) = 0;
};

}  // namespace webhook
