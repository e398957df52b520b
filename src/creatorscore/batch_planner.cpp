#include "creatorscore/batch_planner.hpp"

namespace creatorscore {

BatchPlan plan_batch(const std::vector<state::LookupRecord>& records, const creatorscore::Pricing& pricing,
                     std::size_t batch_size, std::optional<std::int64_t> budget_left, std::size_t from) {
  BatchPlan plan;
  plan.first_waiting = records.size();
  bool any_waiting = false;
  for (std::size_t i = from; i < records.size() && plan.indices.size() < batch_size; ++i) {
    if (records[i].status != core::LookupStatus::unsubmitted) {
      continue;
    }
    if (!any_waiting) {
      plan.first_waiting = i;
    }
    any_waiting = true;
    const std::int64_t price = pricing.price(records[i].platform);
    if (budget_left && plan.worst_case + price > *budget_left) {
      continue;
    }
    plan.indices.push_back(i);
    plan.worst_case += price;
  }
  plan.budget_exhausted = any_waiting && plan.indices.empty();
  return plan;
}

}  // namespace creatorscore
