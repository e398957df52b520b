#include "core/exit_code.hpp"

#include <array>
#include <new>
#include <system_error>

namespace core {

ExitCode most_important(ExitCode a, ExitCode b) {
  constexpr std::array order = {
      ExitCode::usage,          ExitCode::roster_unreadable, ExitCode::roster_unusable,
      ExitCode::key_rejected,   ExitCode::api_unavailable,   ExitCode::cannot_write,
      ExitCode::out_of_credits, ExitCode::incomplete,        ExitCode::some_rows_unscored,
      ExitCode::ok};
  for (ExitCode code : order) {
    if (a == code || b == code) {
      return code;
    }
  }
  return a;
}

bool is_out_of_resources(const std::exception& failure) {
  if (dynamic_cast<const std::bad_alloc*>(&failure) != nullptr) {
    return true;
  }
  const auto* system = dynamic_cast<const std::system_error*>(&failure);
  return system != nullptr && (system->code() == std::errc::not_enough_memory ||
                               system->code() == std::errc::resource_unavailable_try_again);
}

}  // namespace core
