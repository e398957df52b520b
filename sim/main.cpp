// creatorscore-sim: the CreatorScore API v1 on 127.0.0.1, for integration tests and demos.
//
// Prints exactly one line on stdout, `creatorscore-sim listening on http://127.0.0.1:PORT`, once it
// accepts connections (scripts read the port from it), and nothing else. Ends cleanly on SIGINT and
// SIGTERM. Exit codes: 0 after a signal, 64 for a usage error, 1 when it cannot listen.

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <thread>

#include "sim/config.hpp"
#include "sim/http_server.hpp"
#include "sim/model.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"

namespace {

constexpr int k_exit_usage = 64;
constexpr int k_exit_cannot_listen = 1;

// A CLI11 validator for util::parse_duration's syntax (`250ms`, `45s`, `5m`, `1h30m`).
const CLI::Validator k_duration_validator(
    [](std::string& text) -> std::string {
      return util::parse_duration(text) ? std::string() : "not a duration such as 30s, 10m or 1h30m: " + text;
    },
    "DURATION");

int usage_error(const std::string& message) {
  std::cerr << "creatorscore-sim: error: " << message << "\n";
  return k_exit_usage;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"creatorscore-sim: a local, deterministic simulator of the CreatorScore API v1.\n"
               "Example: creatorscore-sim --port 0 --time-scale 60 --seed 7 --fault-503 0.05"};
  sim::SimConfig config;
  int port = 0;
  std::string host = "127.0.0.1";
  double time_scale = 0.0;
  std::vector<std::string> tenant_specs;
  std::string min_job = "10m";
  std::string max_job = "90m";
  std::string slow_delay = "2s";
  bool verbose = false;

  app.add_option("--port", port, "TCP port on 127.0.0.1; 0 picks a free one")->check(CLI::Range(0, 65535));
  app.add_option("--host", host, "Only 127.0.0.1 is accepted (the simulator never listens elsewhere)");
  app.add_option("--time-scale", time_scale,
                 "API time runs F times faster than real time (default: env ROSTER_ENRICH_TIME_SCALE, else 1)")
      ->check(CLI::PositiveNumber);
  app.add_option("--seed", config.seed, "Seed for job ids, durations, random failures and faults");
  app.add_option("--tenant", tenant_specs,
                 "KEY:NAME:BALANCE, repeatable; replaces the default sk_test_demo:Demo Agency:1000");
  app.add_option("--cached-percent", config.cached_percent, "Percent of creators already cached (free)")
      ->check(CLI::Range(0, 100));
  app.add_option("--min-job", min_job, "Shortest fresh-score job in API time")->check(k_duration_validator);
  app.add_option("--max-job", max_job, "Longest fresh-score job in API time")->check(k_duration_validator);
  app.add_option("--failure-rate", config.failure_rate, "Probability that a job fails (refunded)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--rate-limit", config.rate_limit, "Requests per rolling 60 API seconds per key (0 = off)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--zero-balance-402", config.zero_balance_402,
               "At balance 0, answer whole lookup requests with 402 instead of per-item errors");
  app.add_option("--fault-500", config.faults.fault_500, "Probability of 500 queue_failed")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-503", config.faults.fault_503, "Probability of 503 auth_unavailable")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-drop", config.faults.fault_drop, "Probability of a connection cut mid-response")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-malformed", config.faults.fault_malformed, "Probability of a 200 with a broken body")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-slow", config.faults.fault_slow, "Probability of a response delayed by --slow-delay")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-huge-body", config.faults.fault_huge_body,
                 "Probability of a 200 with a 50 MiB body, sent chunked (no Content-Length)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_flag("--huge-body-sized", config.faults.huge_body_sized,
               "Send --fault-huge-body's body with a Content-Length instead of chunked");
  app.add_option("--fault-deep-json", config.faults.fault_deep_json,
                 "Probability of a 200 with valid JSON nested 100000 levels deep")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--slow-delay", slow_delay, "Real-time delay of slow responses")->check(k_duration_validator);
  std::string fault_retry_after = "1h";
  app.add_option("--fault-429", config.faults.fault_429,
                 "Probability of 429 rate_limit_exceeded with Retry-After --fault-retry-after")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-retry-after", fault_retry_after, "The Retry-After of --fault-429 (API time)")
      ->check(k_duration_validator);
  app.add_flag("--echo-key", config.faults.echo_key,
               "A vendor bug: end every error and message text of an answer with the caller's key");
  app.add_option("--max-body", config.max_body, "Largest request body in bytes");
  app.add_flag("-v,--verbose", verbose, "Log each request (method, target, status) on stderr");

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : k_exit_usage;
  }

  if (host != "127.0.0.1") {
    return usage_error("--host must be 127.0.0.1: the simulator only listens on loopback");
  }
  if (time_scale == 0.0) {
    time_scale = util::time_scale_from_environment();
    if (time_scale <= 0.0) {
      return usage_error("ROSTER_ENRICH_TIME_SCALE must be a positive number");
    }
  }
  if (!tenant_specs.empty()) {
    config.tenants.clear();
    for (const std::string& spec : tenant_specs) {
      const auto tenant = sim::parse_tenant_spec(spec);
      if (!tenant) {
        return usage_error("--tenant must be KEY:NAME:BALANCE, got '" + spec + "'");
      }
      config.tenants.push_back(*tenant);
    }
  }
  config.min_job = *util::parse_duration(min_job);
  config.max_job = *util::parse_duration(max_job);
  config.faults.slow_delay = *util::parse_duration(slow_delay);
  config.faults.fault_retry_after = *util::parse_duration(fault_retry_after);
  if (const std::string problem = sim::validate_config(config); !problem.empty()) {
    return usage_error(problem);
  }

  // Block the stop signals in every thread (httplib's workers inherit the mask) and wait for them
  // in one thread of our own, which may then call the non-signal-safe stop().
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  sim::Simulator model(config);
  sim::HttpServer server(model, sim::ServerOptions{time_scale, config.max_body, verbose});
  const int bound = server.bind(port);
  if (bound <= 0) {
    std::cerr << "creatorscore-sim: error: cannot listen on 127.0.0.1:" << port << "\n";
    return k_exit_cannot_listen;
  }

  std::atomic<bool> signalled{false};
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    int received = 0;
    sigwait(&stop_signals, &received);
    signalled = true;
    // httplib's stop() does nothing until listening has begun: repeat until serve() returns.
    while (!finished) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  std::cout << "creatorscore-sim listening on http://127.0.0.1:" << bound << std::endl;
  const bool served = server.serve();
  finished = true;
  if (!signalled) {
    // serve() ended on its own: wake the waiter so it can be joined.
    kill(getpid(), SIGTERM);
  }
  waiter.join();
  return served || signalled ? 0 : k_exit_cannot_listen;
}
