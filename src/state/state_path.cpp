#include "state/state_path.hpp"

#include <sys/stat.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "util/fnv1a.hpp"

namespace state {

namespace {

constexpr std::size_t k_max_name_length = 64;

std::string sanitise_name(std::string_view name) {
  std::string out;
  for (char c : name.substr(0, k_max_name_length)) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' ||
                      c == '_' || c == '-';
    out += keep ? c : '_';
  }
  return out.empty() ? std::string("roster") : out;
}

std::string getenv_or_empty(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? std::string(value) : std::string();
}

}  // namespace

StateDirectories state_directories_from_environment() {
  return StateDirectories{getenv_or_empty("XDG_STATE_HOME"), getenv_or_empty("HOME")};
}

std::uint64_t fnv1a_64(std::string_view bytes) {
  util::Fnv1a64 hash;
  hash.add(bytes);
  return hash.value();
}

std::string fnv1a_64_hex(std::string_view bytes) {
  util::Fnv1a64 hash;
  hash.add(bytes);
  return hash.hex();
}

util::Expected<std::string, std::string> default_state_path(const std::string& roster_path, const std::string& base_url,
                                                            const StateDirectories& directories,
                                                            std::string_view content_digest) {
  std::filesystem::path base;
  if (!directories.xdg_state_home.empty() && std::filesystem::path(directories.xdg_state_home).is_absolute()) {
    base = std::filesystem::path(directories.xdg_state_home);
  } else if (!directories.home.empty() && std::filesystem::path(directories.home).is_absolute()) {
    base = std::filesystem::path(directories.home) / ".local" / "state";
  } else {
    return util::unexpected(std::string(
        "cannot choose a state file: neither XDG_STATE_HOME nor HOME names an absolute directory; set one or pass "
        "--state FILE"));
  }

  std::string name;
  std::string identity;
  if (!content_digest.empty()) {
    // Standard input or a pipe: no name says which roster it is, its bytes do. The same roster
    // again resumes its run; another one gets its own file.
    name = roster_path == "-" ? std::string("stdin") : sanitise_name(std::filesystem::path(roster_path).filename().string());
    identity = "<content " + std::string(content_digest) + ">";
  } else if (roster_path == "-") {
    name = "stdin";
    identity = "<stdin>";
  } else {
    std::error_code error;
    std::filesystem::path absolute = std::filesystem::absolute(roster_path, error);
    if (error) {
      absolute = std::filesystem::path(roster_path);
    }
    absolute = absolute.lexically_normal();
    // Through symlinks: the same roster reached by another name (a symlink to it or to a directory
    // above it) is the same run, with one state file and one lock, or two runs would pay twice.
    if (auto resolved = std::filesystem::canonical(absolute, error); !error) {
      absolute = std::move(resolved);
    }
    identity = absolute.string();
    name = sanitise_name(absolute.filename().string());
  }
  const std::string hash = fnv1a_64_hex(identity + "\n" + base_url);
  return (base / "roster-enrich" / (name + "-" + hash + ".db")).string();
}

util::Expected<util::Ok, std::string> create_parent_directories(const std::string& file_path) {
  const std::filesystem::path parent = std::filesystem::path(file_path).parent_path();
  if (parent.empty()) {
    return util::Ok{};
  }
  // Walk down from the root, creating each missing component with 0700: the state holds job ids
  // and scores the user paid for, readable by them alone.
  std::filesystem::path current;
  for (const auto& part : parent) {
    current /= part;
    if (part == current.root_path() || part.empty()) {
      continue;
    }
    struct stat info {};
    if (::stat(current.c_str(), &info) == 0) {
      if (!S_ISDIR(info.st_mode)) {
        return util::unexpected(current.string() + " is not a directory");
      }
      continue;
    }
    if (errno != ENOENT) {
      return util::unexpected("cannot reach " + current.string() + ": " + std::strerror(errno));
    }
    if (::mkdir(current.c_str(), 0700) != 0 && errno != EEXIST) {
      return util::unexpected("cannot create the directory " + current.string() + ": " + std::strerror(errno));
    }
  }
  return util::Ok{};
}

}  // namespace state
