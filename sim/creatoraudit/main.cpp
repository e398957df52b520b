// creatoraudit-sim: the CreatorAudit API v2 on 127.0.0.1, for integration tests, benchmarks and demos.
//
// Prints exactly one line on stdout, `creatoraudit-sim listening on http://127.0.0.1:PORT/v2`, once
// it accepts connections (scripts read the base URL from it), and nothing else. Ends cleanly on
// SIGINT and SIGTERM. Exit codes: 0 after a signal, 64 for a usage error, 1 when it cannot listen.

#include <fstream>
#include <sstream>

#include "sim/creatoraudit/audit_config.hpp"
#include "sim/creatoraudit/audit_model.hpp"
#include "sim/http_server.hpp"
#include "sim/server_cli.hpp"
#include "util/duration.hpp"

int main(int argc, char** argv) {
  CLI::App app{
      "creatoraudit-sim: a local, deterministic simulator of the CreatorAudit API v2.\n"
      "Example: creatoraudit-sim --port 0 --time-scale 600 --tracked-file handles.csv --tracked-percent 40"};
  sim::audit::AuditConfig config;
  std::vector<std::string> key_specs;
  std::vector<std::string> missing_prefixes;
  std::string tracked_file;
  std::string min_refresh = "5m";
  std::string max_refresh = "2h";
  std::string listing_lag = "5s";
  std::string second_track = "conflict";
  std::string slow_delay = "2s";
  sim::ServerFlags server_flags{"creatoraudit-sim"};

  sim::add_server_flags(app, server_flags);
  app.add_option("--seed", config.seed, "Seed for account ids, refresh delays, request ids and faults");
  app.add_option(
      "--key", key_specs,
      "KEY:ORGANIZATION[:STATE], STATE active|disabled|read-only|no-scope; repeatable; replaces the "
      "default ca_test_demo:Demo Agency");
  app.add_option("--quota", config.quota,
                 "Most accounts an organization may track, pre-tracked included (0 = none)")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--rate-limit", config.rate_limit,
                 "Requests per rolling 60 API seconds per key (0 = off, no X-RateLimit headers)")
      ->check(CLI::NonNegativeNumber);
  app.add_option(
      "--missing-prefix", missing_prefixes,
      "Usernames starting with this do not exist (422); repeatable; replaces the default ghost, missing_");
  app.add_option(
      "--tracked-file", tracked_file,
      "File of platform,username lines the first organization already tracks (other lines are skipped)");
  app.add_option("--tracked-percent", config.tracked_percent,
                 "Keep only this share of --tracked-file's accounts, chosen by a hash of each (default 100)")
      ->check(CLI::Range(0, 100));
  app.add_option("--other-accounts", config.other_accounts,
                 "That many more pre-tracked accounts (other_N), so listings span pages")
      ->check(CLI::NonNegativeNumber);
  app.add_option("--min-refresh", min_refresh, "Shortest first-refresh delay of a new account, API time")
      ->check(sim::duration_validator());
  app.add_option("--max-refresh", max_refresh, "Longest first-refresh delay of a new account, API time")
      ->check(sim::duration_validator());
  app.add_option("--listing-lag", listing_lag,
                 "A new account shows in GET /accounts this long after its creation")
      ->check(sim::duration_validator());
  app.add_option("--second-track", second_track,
                 "A tracked username tracked again with a fresh key gets: conflict (409), existing (200 with "
                 "it) or duplicate (201, a second account)")
      ->check(CLI::IsMember({"conflict", "existing", "duplicate"}));
  app.add_flag(
      "--unscraped-as-nulls", config.unscraped_as_nulls,
      "List not yet refreshed accounts in metrics with every metric null, instead of leaving them out");
  app.add_option("--fault-500", config.faults.fault_500, "Probability of 500 INTERNAL_ERROR (nothing done)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-503", config.faults.fault_503,
                 "Probability of 503 SERVICE_UNAVAILABLE (nothing done)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--retry-after-share", config.faults.retry_after_share,
                 "Share of those 503s that carry Retry-After (default 0.5)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--retry-after-max", config.faults.retry_after_max_s,
                 "A 503's Retry-After is 1 to this many seconds (default 5)")
      ->check(CLI::PositiveNumber);
  app.add_option("--fault-drop", config.faults.fault_drop,
                 "Probability that a request takes effect and then the connection is cut (no answer)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-drop-before", config.faults.fault_drop_before,
                 "Probability that the connection is cut before anything is done")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-malformed", config.faults.fault_malformed,
                 "Probability of a 200 with a truncated or non-JSON body (nothing done)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-slow", config.faults.fault_slow,
                 "Probability that a request takes effect and its answer comes --slow-delay later")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--slow-delay", slow_delay, "Real-time delay of slow answers (default 2s)")
      ->check(sim::duration_validator());
  app.add_option("--max-body", config.max_body, "Largest request body in bytes");
  sim::add_verbose_flag(app, server_flags);

  if (const std::optional<int> exit_code = sim::parse_command_line(app, argc, argv, server_flags)) {
    return *exit_code;
  }
  if (!key_specs.empty()) {
    config.keys.clear();
    for (const std::string& spec : key_specs) {
      const auto key = sim::audit::parse_key_spec(spec);
      if (!key) {
        return sim::usage_error(
            server_flags,
            "--key must be KEY:ORGANIZATION[:active|disabled|read-only|no-scope], got '" + spec + "'");
      }
      config.keys.push_back(*key);
    }
  }
  if (!missing_prefixes.empty()) {
    config.missing_prefixes = missing_prefixes;
  }
  if (!tracked_file.empty()) {
    std::ifstream file(tracked_file, std::ios::binary);
    if (!file) {
      return sim::usage_error(server_flags, "cannot read --tracked-file " + tracked_file);
    }
    std::ostringstream text;
    text << file.rdbuf();
    config.tracked = sim::audit::parse_seed_accounts(text.str());
  }
  config.min_refresh = *util::parse_duration(min_refresh);
  config.max_refresh = *util::parse_duration(max_refresh);
  config.listing_lag = *util::parse_duration(listing_lag);
  config.faults.slow_delay = *util::parse_duration(slow_delay);
  config.second_track = *sim::audit::parse_second_track(second_track);
  if (const std::string problem = sim::audit::validate_config(config); !problem.empty()) {
    return sim::usage_error(server_flags, problem);
  }

  sim::audit::Simulator model(config);
  sim::HttpServer server(
      [&model](const sim::SimRequest& request, util::TimePoint now) { return model.handle(request, now); },
      sim::ServerOptions{server_flags.time_scale, config.max_body, server_flags.verbose, server_flags.name});
  return sim::bind_and_serve(server, server_flags, "/v2");
}
