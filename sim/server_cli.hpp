#pragma once

// The command line both simulator binaries (creatorscore-sim, creatoraudit-sim) share: the
// loopback-only server flags, the time scale from ROSTER_ENRICH_TIME_SCALE, duration flags, usage
// errors (exit 64) and serving until a signal. Only the simulators' main.cpp files include it.

#include <CLI/CLI.hpp>
#include <optional>
#include <string>

#include "sim/http_server.hpp"

namespace sim {

inline constexpr int k_exit_usage = 64;
inline constexpr int k_exit_cannot_listen = 1;

struct ServerFlags {
  std::string name;  // the binary's name, in messages
  int port = 0;
  std::string host = "127.0.0.1";
  double time_scale = 0.0;  // 0 until resolved: the environment's, else 1
  bool verbose = false;
};

// A CLI11 validator for util::parse_duration's syntax (`250ms`, `45s`, `5m`, `1h30m`).
const CLI::Validator& duration_validator();

// --port, --host, --time-scale; and -v/--verbose, which a binary adds after its own flags.
void add_server_flags(CLI::App& app, ServerFlags& flags);
void add_verbose_flag(CLI::App& app, ServerFlags& flags);

// Parses the command line, refuses a --host other than 127.0.0.1 and resolves the time scale:
// nullopt to go on, else the exit code (0 after --help, 64 for a usage error, reported on stderr).
std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, ServerFlags& flags);

// Prints `NAME: error: MESSAGE` on stderr and returns 64.
int usage_error(const ServerFlags& flags, const std::string& message);

// Binds 127.0.0.1:--port and serves until SIGINT or SIGTERM, announcing
// `NAME listening on http://127.0.0.1:PORT<base_path>`. Returns the process's exit code.
int bind_and_serve(HttpServer& server, const ServerFlags& flags, const std::string& base_path);

}  // namespace sim
