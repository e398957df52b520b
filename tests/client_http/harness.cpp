#include "harness.hpp"

#include <doctest/doctest.h>

#include <chrono>
#include <cmath>
#include <cstdlib>
#include <sstream>
#include <thread>

#include "cli/global_options.hpp"
#include "sim/payloads.hpp"

namespace client_http {

std::vector<std::string> sim_flags(std::vector<std::string> extra) {
  std::vector<std::string> flags = k_short_jobs;
  flags.insert(flags.end(), extra.begin(), extra.end());
  return flags;
}

SimAdmin::SimAdmin(const SimProcess& sim) : m_base(sim.base_url()), m_scale(sim.time_scale()) {}

json SimAdmin::call(http::Method method, const std::string& path, const std::string& body) {
  http::Request request{method, m_base + path, {{"Accept", "application/json"}}, body};
  if (method == http::Method::post) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  auto response = m_transport.send(request);
  REQUIRE_MESSAGE(response, path << ": " << (response ? "" : response.error().message));
  INFO(path << " -> " << response->status << " " << response->body);
  REQUIRE(response->status == 200);
  json document = json::parse(response->body, nullptr, false);
  REQUIRE(document.is_object());
  return document;
}

json SimAdmin::stats() { return call(http::Method::get, "/_sim/stats"); }
json SimAdmin::config() { return call(http::Method::get, "/_sim/config"); }
json SimAdmin::set_config(const json& patch) { return call(http::Method::post, "/_sim/config", patch.dump()); }

void SimAdmin::set_balance(const std::string& key, long long balance) {
  const json answer = call(http::Method::post, "/_sim/credits", json{{"key", key}, {"balance", balance}}.dump());
  REQUIRE(answer["balance"] == balance);
}

long long SimAdmin::now_ms() { return call(http::Method::get, "/_sim/time")["now_ms"].get<long long>(); }

void SimAdmin::wait_until(long long api_ms) {
  for (;;) {
    const long long now = now_ms();
    if (now > api_ms) {
      return;
    }
    const double real_ms = static_cast<double>(api_ms - now + 1) / m_scale;
    std::this_thread::sleep_for(std::chrono::microseconds(static_cast<long long>(std::ceil(real_ms * 1000))) +
                                std::chrono::milliseconds(2));
  }
}

void SimAdmin::wait_for_job_end(const std::string& job_id) {
  long long ends_at = -1;
  const json all = stats();  // a named copy: ranging over stats()["jobs"] would dangle
  for (const json& job : all["jobs"]) {
    if (job["job_id"] == job_id) {
      ends_at = job["completes_at_ms"].get<long long>();
    }
  }
  REQUIRE_MESSAGE(ends_at >= 0, "the simulator has no job " << job_id);
  wait_until(ends_at);
}

namespace {

cli::GlobalOptions options_for(const SimProcess& sim, int rate_limit) {
  // ApiSession reads the time scale from ROSTER_ENRICH_TIME_SCALE, as the CLI does: the client's
  // waits (Retry-After, back-off, the limiter's window) run at the simulator's speed.
  std::ostringstream scale;
  scale << sim.time_scale();
  ::setenv("ROSTER_ENRICH_TIME_SCALE", scale.str().c_str(), 1);
  cli::GlobalOptions options;
  options.base_url = sim.base_url();
  options.rate_limit = rate_limit;
  return options;
}

}  // namespace

Stack::Stack(const SimProcess& sim, std::string api_key, int rate_limit) : m_base_url(sim.base_url()) {
  REQUIRE_MESSAGE(sim.ok(), sim.error());
  const cli::GlobalOptions options = options_for(sim, rate_limit);
  m_session = std::make_unique<cli::ApiSession>(options, cli::resolve_base_url(options), std::move(api_key), nullptr);
  REQUIRE(m_session->clock().time_scale() == doctest::Approx(sim.time_scale()));
  m_session->http().set_observer([this](const http::ExchangeEvent& event) {
    Exchange exchange;
    exchange.attempt = event.attempt;
    exchange.started = event.started;
    exchange.answered = event.started + event.elapsed;
    exchange.url = event.request->url;
    for (const auto& [name, value] : event.request->headers) {
      if (name == "X-API-Key") {
        exchange.api_key_header = value;
      }
    }
    if (event.response != nullptr) {
      exchange.status = event.response->status;
      exchange.retry_after = event.response->header("Retry-After").value_or("");
    } else if (event.error != nullptr) {
      exchange.error = event.error->kind;
    }
    m_exchanges.push_back(exchange);
    if (m_hook) {
      m_hook(m_exchanges.back());
    }
  });
}

std::string pick_handle(core::Platform platform, const std::string& prefix, bool cached) {
  for (int i = 0; i < 10000; ++i) {
    const std::string handle = prefix + std::to_string(i);
    if (sim::is_precached(sim::make_creator_id(platform, handle), 30) == cached) {
      return handle;
    }
  }
  FAIL("no handle with prefix " << prefix);
  return {};
}

std::string creator_key(core::Platform platform, const std::string& handle) {
  return sim::make_creator_id(platform, handle).key();
}

long long balance_of(Stack& stack) {
  auto account = stack.api().account();
  REQUIRE_MESSAGE(account, (account ? "" : account.error().message));
  return account->balance;
}

}  // namespace client_http
