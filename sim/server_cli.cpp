#include "sim/server_cli.hpp"

#include <iostream>

#include "util/clock.hpp"
#include "util/duration.hpp"

namespace sim {

const CLI::Validator& duration_validator() {
  static const CLI::Validator validator(
      [](std::string& text) -> std::string {
        return util::parse_duration(text) ? std::string()
                                          : "not a duration such as 30s, 10m or 1h30m: " + text;
      },
      "DURATION");
  return validator;
}

void add_server_flags(CLI::App& app, ServerFlags& flags) {
  app.add_option("--port", flags.port, "TCP port on 127.0.0.1; 0 picks a free one")
      ->check(CLI::Range(0, 65535));
  app.add_option("--host", flags.host, "Only 127.0.0.1 is accepted (the simulator never listens elsewhere)");
  app.add_option(
         "--time-scale", flags.time_scale,
         "API time runs F times faster than real time (default: env ROSTER_ENRICH_TIME_SCALE, else 1)")
      ->check(CLI::PositiveNumber);
}

void add_verbose_flag(CLI::App& app, ServerFlags& flags) {
  app.add_flag("-v,--verbose", flags.verbose, "Log each request (method, target, status) on stderr");
}

std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv, ServerFlags& flags) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : k_exit_usage;
  }
  if (flags.host != "127.0.0.1") {
    return usage_error(flags, "--host must be 127.0.0.1: the simulator only listens on loopback");
  }
  if (flags.time_scale == 0.0) {
    flags.time_scale = util::time_scale_from_environment();
    if (flags.time_scale <= 0.0) {
      return usage_error(flags, "ROSTER_ENRICH_TIME_SCALE must be a positive number");
    }
  }
  return std::nullopt;
}

int usage_error(const ServerFlags& flags, const std::string& message) {
  std::cerr << flags.name << ": error: " << message << "\n";
  return k_exit_usage;
}

int bind_and_serve(HttpServer& server, const ServerFlags& flags, const std::string& base_path) {
  const int bound = server.bind(flags.port);
  if (bound <= 0) {
    std::cerr << flags.name << ": error: cannot listen on 127.0.0.1:" << flags.port << "\n";
    return k_exit_cannot_listen;
  }
  return serve_until_signalled(
      server, flags.name + " listening on http://127.0.0.1:" + std::to_string(bound) + base_path);
}

}  // namespace sim
