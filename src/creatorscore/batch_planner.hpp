#pragma once

// Which lookups go into the next submit (PRODUCT.md, "The run", step 2): at most batch_size of
// those not yet submitted, in roster order, whose worst-case cost (the fresh price, as if none were
// cached) fits what remains of the budget.

#include <cstdint>
#include <optional>
#include <vector>

#include "creatorscore/types.hpp"
#include "state/lookup_record.hpp"

namespace creatorscore {

struct BatchPlan {
  std::vector<std::size_t> indices;  // into the records
  std::int64_t worst_case = 0;
  bool budget_exhausted = false;  // lookups remain but none fits the budget
  std::size_t first_waiting = 0;  // the first unsubmitted lookup from `from`; records.size() if none
};

// `budget_left` nullopt: no --max-credits. A lookup too dear for what remains is passed over so a
// cheaper one behind it can still go; when none fits, budget_exhausted is set. `from`: where to
// start looking, when no record before it is unsubmitted (the provider passes the last plan's
// first_waiting, so a run's planning is not quadratic in its lookups).
BatchPlan plan_batch(const std::vector<state::LookupRecord>& records, const creatorscore::Pricing& pricing,
                     std::size_t batch_size, std::optional<std::int64_t> budget_left, std::size_t from = 0);

}  // namespace creatorscore
