#include "core/exit_code.hpp"

#include <array>

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

}  // namespace core
