#pragma once

// The delivery ids already answered, for de-duplication by X-CreatorScore-Delivery. Bounded: past
// `capacity` the oldest id is forgotten, so a flood of signed deliveries cannot grow memory without
// end; a forgotten id delivered again reaches the sink, which is idempotent by job id
// (SinkVerdict::already_had). Not thread-safe: the listener holds its lock around it.

#include <cstddef>
#include <deque>
#include <string>
#include <string_view>
#include <unordered_set>

namespace webhook {

class DeliveryIds {
 public:
  explicit DeliveryIds(std::size_t capacity) : m_capacity(capacity) {}

  bool contains(std::string_view id) const { return m_ids.count(std::string(id)) > 0; }
  // Remembers `id`; false when it was known already.
  bool remember(std::string_view id);
  std::size_t size() const { return m_ids.size(); }

 private:
  std::size_t m_capacity;
  std::unordered_set<std::string> m_ids;
  std::deque<std::string> m_order;  // oldest first
};

}  // namespace webhook
