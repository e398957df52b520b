#include "cli/state_file.hpp"

#include <filesystem>
#include <system_error>

#include "core/exit_code.hpp"
#include "state/state_path.hpp"

namespace cli {

std::string absolute_roster_path(const std::string& roster) {
  if (roster == "-") {
    return roster;
  }
  std::error_code error;
  const auto absolute = std::filesystem::absolute(roster, error);
  return error ? roster : absolute.lexically_normal().string();
}

std::string resolve_state_path(const std::string& state_option, const std::string& roster,
                               const std::string& base_url, const std::string& content_digest) {
  if (!state_option.empty()) {
    return state_option;
  }
  auto path = state::default_state_path(absolute_roster_path(roster), base_url,
                                        state::state_directories_from_environment(), content_digest);
  if (!path) {
    throw core::Fatal(core::ExitCode::cannot_write, path.error());  // it already says "pass --state FILE"
  }
  return *path;
}

}  // namespace cli
