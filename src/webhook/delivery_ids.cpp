#include "webhook/delivery_ids.hpp"

namespace webhook {

bool DeliveryIds::remember(std::string_view id) {
  if (m_capacity == 0) {
    return true;  // remembers nothing, so nothing is known already
  }
  if (!m_ids.emplace(id).second) {
    return false;
  }
  m_order.emplace_back(id);
  if (m_order.size() > m_capacity) {
    m_ids.erase(m_order.front());
    m_order.pop_front();
  }
  return true;
}

}  // namespace webhook
