#include "sim/model.hpp"

#include <array>
#include <cstdio>

#include "sim/api_time.hpp"
#include "util/duration.hpp"
#include "util/text.hpp"

// Request handling common to every endpoint: routing, the key, the rate limit, faults, the account
// endpoint, job settlement and the test endpoints under /_sim/. The creator endpoints live in
// model_lookups.cpp, the job endpoints in model_jobs.cpp.

namespace sim {

namespace {

constexpr std::string_view k_api_prefix = "/api/v1/";
constexpr std::string_view k_sim_prefix = "/_sim/";

// Independent streams, so that turning a fault on does not change job ids or durations.
constexpr std::uint64_t k_job_stream = 0x6a6f6273ULL;    // "jobs"
constexpr std::uint64_t k_fault_stream = 0x666c7473ULL;  // "flts"

std::string short_id(std::string_view prefix, std::string_view seed) {
  char text[16];
  std::snprintf(text, sizeof text, "%06llx",
                static_cast<unsigned long long>(stable_hash(seed) & 0xffffffULL));
  return std::string(prefix) + text;
}

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  std::size_t start = 0;
  while (start <= path.size()) {
    const auto end = path.find('/', start);
    const auto stop = end == std::string_view::npos ? path.size() : end;
    segments.push_back(path.substr(start, stop - start));
    if (end == std::string_view::npos) {
      break;
    }
    start = end + 1;
  }
  return segments;
}

// The route template a request is counted under in /_sim/stats.
std::string route_of(const std::string& method, const std::vector<std::string_view>& rest) {
  std::string route;
  if (rest.size() == 1 && rest[0] == "account") {
    route = "/api/v1/account";
  } else if (rest.size() == 2 && rest[0] == "creators" && rest[1] == "bulk") {
    route = "/api/v1/creators/bulk";
  } else if (rest.size() >= 2 && rest[0] == "creators") {
    route = "/api/v1/creators/{platform}/{handle}";
  } else if (rest.size() == 2 && rest[0] == "jobs" && rest[1] == "bulk-status") {
    route = "/api/v1/jobs/bulk-status";
  } else if (rest.size() == 2 && rest[0] == "jobs") {
    route = "/api/v1/jobs/{job_id}";
  } else {
    route = "(unknown)";
  }
  return method + " " + route;
}

SimResponse method_not_allowed(std::string_view allowed) {
  SimResponse response = error_response(405, "method_not_allowed", "Use " + std::string(allowed) + " on this path.");
  response.headers.emplace_back("Allow", std::string(allowed));
  return response;
}

// Bodies a broken proxy or a crashed worker might send: cut mid-value, HTML, plain text, nothing.
constexpr std::array<std::string_view, 5> k_malformed_bodies = {
    R"({"results":[{"platform":"tiktok","handle":"al)",
    R"({"jobs":[{"job_id":"fa9b2c1e-7d3a-4b8e-9c21-5e6f7a8b9c0d","status":"do)",
    "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>",
    "upstream connect error or disconnect/reset before headers",
    "",
};

// echo_key: appends the caller's key to every `error` and `message` string of a JSON answer, at any
// depth (an error answer, a per-item error, a failed job), as a vendor bug quoting the request would.
void append_key(Json& value, const std::string& key) {
  if (value.is_object()) {
    for (auto& [name, field] : value.items()) {
      if ((name == "error" || name == "message") && field.is_string()) {
        field = field.get<std::string>() + " (key " + key + ")";
      } else {
        append_key(field, key);
      }
    }
  } else if (value.is_array()) {
    for (Json& item : value) {
      append_key(item, key);
    }
  }
}

void echo_key_in_texts(SimResponse& response, const std::string& key) {
  if (response.streamed_size > 0 || response.body.empty()) {
    return;
  }
  Json body = Json::parse(response.body, nullptr, false);
  if (body.is_discarded()) {
    return;
  }
  append_key(body, key);
  response.body = dump_json(body);
}

Json config_json(const SimConfig& config) {
  Json out = Json::object();
  out["fault_500"] = config.faults.fault_500;
  out["fault_503"] = config.faults.fault_503;
  out["fault_drop"] = config.faults.fault_drop;
  out["fault_malformed"] = config.faults.fault_malformed;
  out["fault_slow"] = config.faults.fault_slow;
  out["slow_delay_ms"] = config.faults.slow_delay.count();
  out["fault_huge_body"] = config.faults.fault_huge_body;
  out["huge_body_sized"] = config.faults.huge_body_sized;
  out["fault_deep_json"] = config.faults.fault_deep_json;
  out["fault_429"] = config.faults.fault_429;
  out["fault_retry_after_ms"] = config.faults.fault_retry_after.count();
  out["echo_key"] = config.faults.echo_key;
  out["failure_rate"] = config.failure_rate;
  out["zero_balance_402"] = config.zero_balance_402;
  out["rate_limit"] = config.rate_limit;
  out["cached_percent"] = config.cached_percent;
  out["min_job_ms"] = config.min_job.count();
  out["max_job_ms"] = config.max_job.count();
  out["seed"] = config.seed;
  return out;
}

// Applies the fields of a POST /_sim/config body to `config`; an error text for anything unknown or
// of the wrong type.
std::string apply_config_patch(SimConfig& config, const Json& patch) {
  if (!patch.is_object()) {
    return "Body must be a JSON object.";
  }
  for (const auto& [name, value] : patch.items()) {
    double* probability = nullptr;
    if (name == "fault_500") {
      probability = &config.faults.fault_500;
    } else if (name == "fault_503") {
      probability = &config.faults.fault_503;
    } else if (name == "fault_drop") {
      probability = &config.faults.fault_drop;
    } else if (name == "fault_malformed") {
      probability = &config.faults.fault_malformed;
    } else if (name == "fault_slow") {
      probability = &config.faults.fault_slow;
    } else if (name == "fault_huge_body") {
      probability = &config.faults.fault_huge_body;
    } else if (name == "fault_deep_json") {
      probability = &config.faults.fault_deep_json;
    } else if (name == "fault_429") {
      probability = &config.faults.fault_429;
    } else if (name == "failure_rate") {
      probability = &config.failure_rate;
    }
    if (probability != nullptr) {
      if (!value.is_number()) {
        return name + " must be a number.";
      }
      *probability = value.get<double>();
    } else if (name == "zero_balance_402") {
      if (!value.is_boolean()) {
        return name + " must be true or false.";
      }
      config.zero_balance_402 = value.get<bool>();
    } else if (name == "echo_key") {
      if (!value.is_boolean()) {
        return name + " must be true or false.";
      }
      config.faults.echo_key = value.get<bool>();
    } else if (name == "fault_retry_after") {
      const auto parsed = value.is_string() ? util::parse_duration(value.get<std::string>()) : std::nullopt;
      if (!parsed) {
        return "fault_retry_after must be a duration such as \"1h\".";
      }
      config.faults.fault_retry_after = *parsed;
    } else if (name == "huge_body_sized") {
      if (!value.is_boolean()) {
        return name + " must be true or false.";
      }
      config.faults.huge_body_sized = value.get<bool>();
    } else if (name == "rate_limit") {
      if (!value.is_number_integer()) {
        return name + " must be an integer.";
      }
      config.rate_limit = value.get<int>();
    } else if (name == "slow_delay_ms") {
      if (!value.is_number_integer()) {
        return name + " must be an integer.";
      }
      config.faults.slow_delay = util::Duration(value.get<std::int64_t>());
    } else if (name == "slow_delay") {
      const auto parsed = value.is_string() ? util::parse_duration(value.get<std::string>()) : std::nullopt;
      if (!parsed) {
        return "slow_delay must be a duration such as \"2s\".";
      }
      config.faults.slow_delay = *parsed;
    } else {
      return "Unknown setting '" + name + "'.";
    }
  }
  return validate_config(config);
}

}  // namespace

Simulator::Simulator(SimConfig config)
    : m_config(std::move(config)),
      m_webhooks(m_config.webhooks, m_config.seed),
      m_job_rng(m_config.seed ^ k_job_stream),
      m_fault_rng(m_config.seed ^ k_fault_stream) {
  for (const TenantConfig& tenant : m_config.tenants) {
    if (m_tenant_by_key.contains(tenant.key)) {
      continue;  // validate_config reports duplicates; the first one wins here
    }
    m_tenant_by_key.emplace(tenant.key, m_tenants.size());
    m_tenants.push_back(Tenant{tenant, short_id("ten_", "tenant:" + tenant.name + ":" + tenant.key),
                               short_id("key_", "key:" + tenant.key)});
  }
}

std::optional<Credits> Simulator::balance(std::string_view key) const {
  const auto found = m_tenant_by_key.find(key);
  if (found == m_tenant_by_key.end()) {
    return std::nullopt;
  }
  return m_tenants[found->second].config.balance;
}

bool Simulator::set_balance(std::string_view key, Credits balance) {
  const auto found = m_tenant_by_key.find(key);
  if (found == m_tenant_by_key.end()) {
    return false;
  }
  m_tenants[found->second].config.balance = balance;
  return true;
}

SimResponse Simulator::handle(const SimRequest& request, util::TimePoint now) {
  settle(now);
  const auto question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query = question == std::string::npos ? std::string() : request.target.substr(question + 1);
  try {
    if (path.starts_with(k_sim_prefix)) {
      return handle_test_endpoint(request, path, now);
    }
    if (path.starts_with(k_api_prefix)) {
      return handle_api(request, path, query, now);
    }
    return error_response(404, "not_found", "No such endpoint.");
  } catch (const std::exception& error) {
    // Nothing above should throw (JSON is parsed without exceptions and dumped with replacement);
    // a simulator bug must still answer rather than take the server down.
    return error_response(500, "internal_error", std::string("Simulator error: ") + error.what());
  }
}

SimResponse Simulator::handle_api(const SimRequest& request, const std::string& path, const std::string& query,
                                  util::TimePoint now) {
  const std::vector<std::string_view> rest = split_path(std::string_view(path).substr(k_api_prefix.size()));
  const std::string route = route_of(request.method, rest);

  SimResponse response;
  const std::optional<std::string> key = find_header(request.headers, "X-API-Key");
  if (!key || key->empty()) {
    response = error_response(401, "missing_api_key", "Send your API key in the X-API-Key header.");
    m_stats.record_request(route, std::to_string(response.status));
    return response;
  }

  // Every request that carries a key counts against that key's window, even a rejected key.
  const RateWindow::Decision decision = m_windows[*key].admit(now, m_config.rate_limit);
  if (decision.violation) {
    m_stats.record_violation();
  }
  const auto tenant = m_tenant_by_key.find(*key);
  if (!decision.allowed) {
    response = error_response(429, "rate_limit_exceeded",
                              "Rate limit of " + std::to_string(m_config.rate_limit) +
                                  " requests per minute exceeded.");
    response.headers.emplace_back("Retry-After", std::to_string(decision.retry_after_seconds));
    m_stats.record_429();
  } else if (tenant == m_tenant_by_key.end()) {
    response = error_response(401, "invalid_api_key", "API key not found or revoked.");
  } else if (request.body.size() > m_config.max_body) {
    response = error_response(413, "invalid_request",
                              "Request body exceeds " + std::to_string(m_config.max_body) + " bytes.");
  } else if (std::optional<SimResponse> fault = draw_fault()) {
    response = std::move(*fault);
  } else {
    Call call{request, path, parse_query(query), tenant->second, now};
    response = dispatch(call);
    // fault_slow delays a normally processed answer, so it is drawn on its own.
    if (m_fault_rng.chance(m_config.faults.fault_slow)) {
      m_stats.record_fault("slow");
      response.delay = m_config.faults.slow_delay;
    }
  }
  if (m_config.faults.echo_key) {
    echo_key_in_texts(response, *key);
  }
  m_stats.record_request(route, response.drop_connection ? "dropped" : std::to_string(response.status));
  return response;
}

std::optional<SimResponse> Simulator::draw_fault() {
  const FaultConfig& faults = m_config.faults;
  if (m_fault_rng.chance(faults.fault_503)) {
    m_stats.record_fault("503");
    return error_response(503, "auth_unavailable", "Authentication is temporarily unavailable. Please retry.");
  }
  if (m_fault_rng.chance(faults.fault_500)) {
    m_stats.record_fault("500");
    return error_response(500, "queue_failed", "Could not enqueue the scoring job. Please retry.");
  }
  if (m_fault_rng.chance(faults.fault_drop)) {
    m_stats.record_fault("drop");
    SimResponse response = json_response(200, Json{{"status", "cached"}, {"note", "this response is cut short"}});
    response.drop_connection = true;
    return response;
  }
  if (m_fault_rng.chance(faults.fault_malformed)) {
    m_stats.record_fault("malformed");
    SimResponse response;
    response.status = 200;
    response.headers.emplace_back("Content-Type", "application/json");
    const auto pick = static_cast<std::size_t>(m_fault_rng.between(0, k_malformed_bodies.size() - 1));
    response.body = std::string(k_malformed_bodies[pick]);
    return response;
  }
  if (m_fault_rng.chance(faults.fault_huge_body)) {
    m_stats.record_fault("huge_body");
    // Valid JSON, hostile only by its size: {"padding":"xxx...x"}.
    SimResponse response = json_response(200, Json::object());
    response.body = R"({"padding":")";
    response.body_suffix = R"("})";
    response.streamed_size = k_huge_body_bytes;
    response.streamed_sized = faults.huge_body_sized;
    return response;
  }
  if (m_fault_rng.chance(faults.fault_429)) {
    m_stats.record_fault("429");
    SimResponse response = error_response(429, "rate_limit_exceeded", "Rate limit exceeded.");
    const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(faults.fault_retry_after).count();
    response.headers.emplace_back("Retry-After", std::to_string(seconds));
    return response;
  }
  if (m_fault_rng.chance(faults.fault_deep_json)) {
    m_stats.record_fault("deep_json");
    // Valid JSON, hostile only by its depth: {"results":[[[...]]]}.
    SimResponse response = json_response(200, Json::object());
    response.body = R"({"results":)" + std::string(k_deep_json_levels, '[') + std::string(k_deep_json_levels, ']') + "}";
    return response;
  }
  return std::nullopt;
}

SimResponse Simulator::dispatch(Call& call) {
  ++m_request_serial;
  const std::vector<std::string_view> rest = split_path(std::string_view(call.path).substr(k_api_prefix.size()));
  const std::string& method = call.request.method;
  if (rest.size() == 1 && rest[0] == "account") {
    return method == "GET" ? get_account(call) : method_not_allowed("GET");
  }
  if (rest.size() == 2 && rest[0] == "creators" && rest[1] == "bulk") {
    return method == "POST" ? post_creators_bulk(call) : method_not_allowed("POST");
  }
  if (rest.size() >= 2 && rest[0] == "creators") {
    if (method != "GET") {
      return method_not_allowed("GET");
    }
    // Everything after the platform is the handle: a raw '/' in it makes it invalid, not a 404.
    const std::size_t handle_start = k_api_prefix.size() + rest[0].size() + 1 + rest[1].size() + 1;
    const std::string_view handle =
        handle_start <= call.path.size() ? std::string_view(call.path).substr(handle_start) : std::string_view();
    return get_creator(call, rest[1], handle);
  }
  if (rest.size() == 2 && rest[0] == "jobs" && rest[1] == "bulk-status") {
    return method == "POST" ? post_jobs_bulk_status(call) : method_not_allowed("POST");
  }
  if (rest.size() == 2 && rest[0] == "jobs" && !rest[1].empty()) {
    return method == "GET" ? get_job(call, rest[1]) : method_not_allowed("GET");
  }
  return error_response(404, "not_found", "No such endpoint.");
}

SimResponse Simulator::get_account(Call& call) {
  const Tenant& tenant = m_tenants[call.tenant];
  Json per_platform = Json::object();
  for (const char* name : {"tiktok", "instagram", "twitter", "x", "threads", "reddit", "linkedin", "facebook",
                           "snapchat", "twitch", "kick", "youtube"}) {
    per_platform[name] = fresh_price(*core::parse_platform(name));
  }
  Json body = Json::object();
  body["tenant"] = Json{{"id", tenant.id}, {"name", tenant.config.name}};
  body["api_key"] = Json{{"id", tenant.key_id},
                         {"label", "Simulator key"},
                         {"created_at", format_api_time(util::TimePoint{} - util::Duration(30LL * 86400 * 1000))},
                         {"last_used_at", format_api_time(call.now)}};
  body["credits"] = Json{{"balance", tenant.config.balance}};
  body["pricing"] = Json{{"per_platform_credits", per_platform},
                         {"cached_score_credits", 0},
                         {"cache_freshness_days", 30}};
  return json_response(200, body);
}

void Simulator::settle(util::TimePoint now) {
  while (!m_unsettled.empty() && m_unsettled.begin()->first <= now) {
    const std::string id = m_unsettled.begin()->second;
    m_unsettled.erase(m_unsettled.begin());
    Job& job = m_jobs.at(id);
    job.settled = true;
    const auto in_flight = m_in_flight.find({job.tenant, job.creator});
    if (in_flight != m_in_flight.end() && in_flight->second == job.id) {
      m_in_flight.erase(in_flight);
    }
    if (job.fails) {
      // The vendor refunds failed jobs automatically (creatorscore-v1.md, GET /jobs).
      m_tenants[job.tenant].config.balance += job.charged;
      m_stats.record_refund(job.creator.key(), job.charged);
    } else {
      util::TimePoint& scored = m_scored[job.creator];
      scored = std::max(scored, job.ends_at);
    }
    if (m_webhooks.enabled()) {
      queue_webhook(job);
    }
  }
}

void Simulator::queue_webhook(const Job& job) {
  // The body the vendor documents: {event, job_id, platform, handle, creator{…}, delivered_at}.
  const auto first = m_first_handle.find(job.creator);
  Json body = Json::object();
  body["event"] = job.fails ? "score.failed" : "score.completed";
  body["job_id"] = job.id;
  body["platform"] = std::string(core::platform_name(job.creator.platform));
  body["handle"] = first != m_first_handle.end() ? first->second : job.creator.lower_handle;
  if (job.fails) {
    body["error"] = job.error;
  } else {
    body["creator"] = m_config.hostile.done_without_creator
                          ? Json(nullptr)
                          : creator_view(job.creator, job.ends_at, job.includes);
  }
  body["delivered_at"] = format_api_time(job.ends_at + m_config.webhooks.delay);
  m_webhooks.queue(body["event"].get<std::string>(), job.id, body, job.ends_at);
}

std::vector<WebhookAttempt> Simulator::take_due_webhooks(util::TimePoint now) {
  settle(now);
  return m_webhooks.take_due(now);
}

void Simulator::webhook_answered(const WebhookAttempt& attempt, int status, util::TimePoint now) {
  m_webhooks.report(attempt, status, now);
  const auto job = m_jobs.find(attempt.job_id);
  if (status >= 200 && status < 300 && job != m_jobs.end() && !job->second.first_reported_end) {
    job->second.first_reported_end = now;
  }
}

Json Simulator::stats_json(util::TimePoint now) {
  settle(now);
  Json out = Json::object();
  out["now_ms"] = now.since_epoch.count();
  m_stats.write_json(out);
  Json windows = Json::object();
  for (const auto& [key, window] : m_windows) {
    windows[key] = window.max_in_window();
  }
  out["max_requests_in_window"] = windows;
  Json balances = Json::object();
  for (const Tenant& tenant : m_tenants) {
    balances[tenant.config.key] = Json{{"tenant", tenant.config.name}, {"balance", tenant.config.balance}};
  }
  out["balances"] = balances;
  out["webhooks"] = m_webhooks.stats();
  Json jobs = Json::array();
  for (const std::string& id : m_job_order) {
    const Job& job = m_jobs.at(id);
    Json entry = Json::object();
    entry["job_id"] = job.id;
    entry["tenant"] = m_tenants[job.tenant].config.key;
    entry["creator"] = job.creator.key();
    entry["charged"] = job.charged;
    entry["created_at_ms"] = job.created_at.since_epoch.count();
    entry["completes_at_ms"] = job.ends_at.since_epoch.count();
    entry["first_reported_done_at_ms"] =
        job.first_reported_end ? Json(job.first_reported_end->since_epoch.count()) : Json(nullptr);
    entry["status"] = job_status_name(job.status_at(now));
    jobs.push_back(std::move(entry));
  }
  out["jobs"] = std::move(jobs);
  return out;
}

SimResponse Simulator::handle_test_endpoint(const SimRequest& request, const std::string& path,
                                            util::TimePoint now) {
  const std::string_view name = std::string_view(path).substr(k_sim_prefix.size());
  if (name == "stats" && request.method == "GET") {
    return json_response(200, stats_json(now));
  }
  if (name == "time" && request.method == "GET") {
    return json_response(200, Json{{"now_ms", now.since_epoch.count()}});
  }
  if (name == "config" && request.method == "GET") {
    return json_response(200, config_json(m_config));
  }
  if (name == "config" && request.method == "POST") {
    const Json patch = Json::parse(request.body, nullptr, false);
    SimConfig updated = m_config;
    const std::string problem = patch.is_discarded() ? "Body is not valid JSON." : apply_config_patch(updated, patch);
    if (!problem.empty()) {
      return error_response(400, "invalid_request", problem);
    }
    m_config = std::move(updated);
    return json_response(200, config_json(m_config));
  }
  if (name == "credits" && request.method == "POST") {
    const Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("key") || !body["key"].is_string() || !body.contains("balance") ||
        !body["balance"].is_number_integer() || body["balance"].get<std::int64_t>() < 0) {
      return error_response(400, "invalid_request", "Body must be {\"key\": string, \"balance\": integer >= 0}.");
    }
    const std::string key = body["key"].get<std::string>();
    if (!set_balance(key, body["balance"].get<Credits>())) {
      return error_response(404, "not_found", "No tenant has this key.");
    }
    return json_response(200, Json{{"key", key}, {"balance", *balance(key)}});
  }
  return error_response(404, "not_found", "No such simulator endpoint.");
}

}  // namespace sim
