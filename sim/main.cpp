// creatorscore-sim: the CreatorScore API v1 on 127.0.0.1, for integration tests and demos.
//
// Prints exactly one line on stdout, `creatorscore-sim listening on http://127.0.0.1:PORT`, once it
// accepts connections (scripts read the port from it), and nothing else. Ends cleanly on SIGINT and
// SIGTERM. Exit codes: 0 after a signal, 64 for a usage error, 1 when it cannot listen.

#include "sim/config.hpp"
#include "sim/http_server.hpp"
#include "sim/model.hpp"
#include "sim/server_cli.hpp"
#include "sim/webhook_sender.hpp"
#include "util/duration.hpp"
#include "webhook/secret.hpp"

int main(int argc, char** argv) {
  CLI::App app{"creatorscore-sim: a local, deterministic simulator of the CreatorScore API v1.\n"
               "Example: creatorscore-sim --port 0 --time-scale 60 --seed 7 --fault-503 0.05"};
  sim::SimConfig config;
  std::vector<std::string> tenant_specs;
  std::string min_job = "10m";
  std::string max_job = "90m";
  std::string slow_delay = "2s";
  sim::ServerFlags server_flags{"creatorscore-sim"};

  sim::add_server_flags(app, server_flags);
  app.add_option("--seed", config.seed, "Seed for job ids, durations, random failures and faults");
  app.add_option("--tenant", tenant_specs,
                 "KEY:NAME:BALANCE, repeatable; replaces the default sk_test_demo:Demo Agency:1000");
  app.add_option("--cached-percent", config.cached_percent, "Percent of creators already cached (free)")
      ->check(CLI::Range(0, 100));
  app.add_option("--min-job", min_job, "Shortest fresh-score job in API time")
      ->check(sim::duration_validator());
  app.add_option("--max-job", max_job, "Longest fresh-score job in API time")
      ->check(sim::duration_validator());
  app.add_option("--failure-rate", config.failure_rate, "Probability that a job fails (refunded)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--rate-limit", config.rate_limit, "Requests per rolling 60 API seconds per key (0 = off)")
      ->check(CLI::NonNegativeNumber);
  app.add_flag("--zero-balance-402", config.zero_balance_402,
               "At balance 0, answer whole lookup requests with 402 instead of per-item errors");
  app.add_flag("--dedup-within-batch-only", config.dedup_within_batch_only,
               "Reuse an in-flight job only for a creator named twice in one request (the vendor's rule); "
               "a later request for it is charged again");
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
  app.add_flag("--done-without-creator", config.hostile.done_without_creator,
               "Report every done job with \"creator\": null (a hostile answer, not random)");
  app.add_flag("--reuse-job-ids", config.hostile.reuse_job_ids,
               "Give every queued creator of a bulk answer the first queued one's job id");
  app.add_flag("--formula-text", config.hostile.formula_text,
               "Put formula text in creator payloads (score \"=1+1\", followers \"1e999\", ...) "
               "and start job ids with '='");
  app.add_option("--slow-delay", slow_delay, "Real-time delay of slow responses")
      ->check(sim::duration_validator());
  std::string fault_retry_after = "1h";
  app.add_option("--fault-429", config.faults.fault_429,
                 "Probability of 429 rate_limit_exceeded with Retry-After --fault-retry-after")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--fault-retry-after", fault_retry_after, "The Retry-After of --fault-429 (API time)")
      ->check(sim::duration_validator());
  app.add_flag("--echo-key", config.faults.echo_key,
               "A vendor bug: end every error and message text of an answer with the caller's key");
  app.add_option("--max-body", config.max_body, "Largest request body in bytes");
  std::string webhook_secret_file;
  std::string webhook_delay = "0s";
  app.add_option("--webhook-url", config.webhooks.url,
                 "POST a signed score.completed/score.failed event here when a job ends (http, "
                 "loopback only); non-2xx answers are retried after 30s, 1m, 5m, 30m (API time), "
                 "five attempts in all");
  app.add_option("--webhook-secret-file", webhook_secret_file,
                 "The signing secret (needed with --webhook-url)");
  app.add_option("--webhook-duplicate", config.webhooks.duplicate,
                 "Probability that a delivered event is sent a second time (same delivery id)")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--webhook-drop", config.webhooks.drop, "Probability that an event is never sent")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--webhook-bad-signature", config.webhooks.bad_signature,
                 "Probability that every attempt of an event carries a wrong signature")
      ->check(CLI::Range(0.0, 1.0));
  app.add_option("--webhook-delay", webhook_delay,
                 "Hold each event's first attempt back this long (API time)")
      ->check(sim::duration_validator());
  sim::add_verbose_flag(app, server_flags);

  if (const std::optional<int> exit_code = sim::parse_command_line(app, argc, argv, server_flags)) {
    return *exit_code;
  }
  if (!tenant_specs.empty()) {
    config.tenants.clear();
    for (const std::string& spec : tenant_specs) {
      const auto tenant = sim::parse_tenant_spec(spec);
      if (!tenant) {
        return sim::usage_error(server_flags, "--tenant must be KEY:NAME:BALANCE, got '" + spec + "'");
      }
      config.tenants.push_back(*tenant);
    }
  }
  config.min_job = *util::parse_duration(min_job);
  config.max_job = *util::parse_duration(max_job);
  config.faults.slow_delay = *util::parse_duration(slow_delay);
  config.faults.fault_retry_after = *util::parse_duration(fault_retry_after);
  config.webhooks.delay = *util::parse_duration(webhook_delay);
  std::optional<sim::WebhookTarget> webhook_target;
  if (!config.webhooks.url.empty()) {
    auto target = sim::parse_webhook_url(config.webhooks.url);
    if (!target) {
      return sim::usage_error(server_flags, target.error());
    }
    if (webhook_secret_file.empty()) {
      return sim::usage_error(server_flags, "--webhook-url needs --webhook-secret-file FILE");
    }
    auto secret = webhook::load_secret(webhook_secret_file, std::nullopt);
    if (!secret) {
      return sim::usage_error(server_flags, secret.error());
    }
    config.webhooks.secret = secret->bytes();
    webhook_target = *target;
  }
  if (const std::string problem = sim::validate_config(config); !problem.empty()) {
    return sim::usage_error(server_flags, problem);
  }

  sim::Simulator model(config);
  sim::HttpServer server(model,
                         sim::ServerOptions{server_flags.time_scale, config.max_body, server_flags.verbose});
  std::optional<sim::WebhookSender> sender;
  if (webhook_target) {
    sender.emplace(model, server, *webhook_target, config.webhooks.secret);
    sender->start();
  }
  return sim::bind_and_serve(server, server_flags, "");
}
