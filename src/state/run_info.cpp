#include "state/run_info.hpp"

namespace state {

std::string_view run_status_name(RunStatus status) {
  switch (status) {
    case RunStatus::running:
      return "running";
    case RunStatus::incomplete:
      return "incomplete";
    case RunStatus::completed:
      return "completed";
    case RunStatus::abandoned:
      return "abandoned";
  }
  return "unknown";
}

}  // namespace state
