#pragma once

// Which state file a command uses for a roster (PRODUCT.md, "Configuration"): `run` writes it,
// `status` reads it, and both must name the same file for the same ROSTER and base URL.

#include <string>

namespace cli {

// `roster` made absolute and lexically normal, as the state file records it; `-` (standard input)
// stays `-`.
std::string absolute_roster_path(const std::string& roster);

// `state_option` (--state FILE) when it is not empty; else the default file derived from the
// roster's absolute path (or `content_digest`, a spooled roster's) and `base_url` under
// $XDG_STATE_HOME/roster-enrich/ (state/state_path.hpp). Throws core::Fatal(cannot_write) when
// neither XDG_STATE_HOME nor HOME gives a directory.
std::string resolve_state_path(const std::string& state_option, const std::string& roster,
                               const std::string& base_url, const std::string& content_digest = {});

}  // namespace cli
