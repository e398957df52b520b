#include "core/lookup_status.hpp"

#include <array>

namespace core {

std::string_view status_name(LookupStatus status) {
  switch (status) {
    case LookupStatus::unsubmitted:
    case LookupStatus::pending: return "pending";
    case LookupStatus::cached: return "cached";
    case LookupStatus::scored: return "scored";
    case LookupStatus::failed: return "failed";
    case LookupStatus::not_found: return "not_found";
    case LookupStatus::skipped: return "skipped";
    case LookupStatus::invalid: return "invalid";
    case LookupStatus::error: return "error";
  }
  return "error";
}

std::optional<LookupStatus> parse_status(std::string_view name) {
  constexpr std::array all = {LookupStatus::cached,  LookupStatus::scored,  LookupStatus::failed,
                              LookupStatus::not_found, LookupStatus::pending, LookupStatus::skipped,
                              LookupStatus::invalid, LookupStatus::error};
  for (LookupStatus status : all) {
    if (status_name(status) == name) {
      return status;
    }
  }
  return std::nullopt;
}

bool is_final(LookupStatus status) {
  return status != LookupStatus::unsubmitted && status != LookupStatus::pending &&
         status != LookupStatus::skipped;
}

}  // namespace core
