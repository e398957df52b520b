#pragma once

// Where a roster's state lives when --state is not given (PRODUCT.md, "Configuration"):
// `$XDG_STATE_HOME/roster-enrich/<name>.db`, falling back to `$HOME/.local/state/roster-enrich/`.
// `<name>` is the roster file's basename (sanitised to [A-Za-z0-9._-]) + "-" + 16 hex digits of
// the 64-bit FNV-1a hash of (absolute roster path, resolved through symlinks when the roster
// exists, + "\n" + base URL), so the same roster against another API, or another roster of the
// same name, gets its own file. A roster read through a spool (standard input `-`, a pipe, a
// FIFO, `<(...)`) is known by its content instead: named "stdin" (or the basename) and hashed as
// "<content " + its digest + ">" + "\n" + base URL, so two rosters piped in turn get two files and
// the same one piped again resumes its run.

#include <cstdint>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace state {

// The environment the default location depends on (empty = unset).
struct StateDirectories {
  std::string xdg_state_home;
  std::string home;
};

// Reads XDG_STATE_HOME and HOME.
StateDirectories state_directories_from_environment();

// The default state file for `roster_path` ("-" for stdin) and `base_url`; `content_digest`, when
// not empty, is the spooled roster's (roster::SpooledInput::digest) and stands for its path. A
// relative XDG_STATE_HOME is ignored, as the XDG Base Directory spec says. Returns an error
// message when neither variable gives an absolute directory.
util::Expected<std::string, std::string> default_state_path(const std::string& roster_path, const std::string& base_url,
                                                            const StateDirectories& directories,
                                                            std::string_view content_digest = {});

// 64-bit FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/), as 16 lower-case hex digits.
std::uint64_t fnv1a_64(std::string_view bytes);
std::string fnv1a_64_hex(std::string_view bytes);

// Creates the missing directories above `file_path` with mode 0700 (existing ones are left as
// they are). Returns the reason on failure, e.g. "/a/b is not a directory".
util::Expected<util::Ok, std::string> create_parent_directories(const std::string& file_path);

}  // namespace state
