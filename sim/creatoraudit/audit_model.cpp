#include "sim/creatoraudit/audit_model.hpp"

#include <algorithm>
#include <array>

#include "sim/api_time.hpp"
#include "util/duration.hpp"
#include "util/text.hpp"

// Request handling common to every endpoint: routing, the bearer key, the rate limit and its
// headers, content negotiation, faults, the test endpoints under /_sim/ and the statistics. The
// endpoints themselves live in audit_endpoints.cpp.

namespace sim::audit {

namespace {

constexpr std::string_view k_api_root = "/v2";
constexpr std::string_view k_sim_prefix = "/_sim/";

// Independent streams, so that turning a fault on does not change request ids.
constexpr std::uint64_t k_fault_stream = 0x61666c74ULL;    // "aflt"
constexpr std::uint64_t k_request_stream = 0x61726571ULL;  // "areq"

// Bodies a broken proxy or a crashed worker might send with a 200: cut mid-value, HTML, text, nothing.
constexpr std::array<std::string_view, 5> k_malformed_bodies = {
    R"({"data":{"id":"5d0c1e2a-7b3f-4c8d-9e10-)",
    R"({"data":[{"account_id":"5d0c1e2a-7b3f-4c8d-9e10-1f2a3b4c5d6e","followers":12)",
    "<html><head><title>502 Bad Gateway</title></head><body>Bad Gateway</body></html>",
    "upstream connect error or disconnect/reset before headers",
    "",
};

std::vector<std::string_view> split_path(std::string_view path) {
  std::vector<std::string_view> segments;
  while (!path.empty()) {
    const auto slash = path.find('/');
    segments.push_back(path.substr(0, slash));
    if (slash == std::string_view::npos) {
      break;
    }
    path.remove_prefix(slash + 1);
  }
  return segments;
}

// The route template a request is counted under in /_sim/stats.
std::string route_of(const std::string& method, const std::vector<std::string_view>& segments) {
  std::string route = "(unknown)";
  if (segments.size() == 1 && (segments[0] == "health" || segments[0] == "meta" || segments[0] == "whoami" ||
                               segments[0] == "accounts")) {
    route = "/v2/" + std::string(segments[0]);
  } else if (segments.size() == 2 && segments[0] == "accounts" && segments[1] == "metrics") {
    route = "/v2/accounts/metrics";
  } else if (segments.size() == 2 && segments[0] == "accounts" && !segments[1].empty()) {
    route = "/v2/accounts/{id}";
  }
  return method + " " + route;
}

// The token of an `Authorization: Bearer TOKEN` header, or empty.
std::string bearer_token(const Headers& headers) {
  const std::optional<std::string> value = find_header(headers, "Authorization");
  if (!value) {
    return {};
  }
  const std::string_view text = util::trim(*value);
  if (text.size() < 7 || !util::equals_ignoring_case(text.substr(0, 7), "bearer ")) {
    return {};
  }
  return std::string(util::trim(text.substr(7)));
}

Json config_json(const AuditConfig& config) {
  Json out = Json::object();
  out["quota"] = config.quota;
  out["rate_limit"] = config.rate_limit;
  out["fault_500"] = config.faults.fault_500;
  out["fault_503"] = config.faults.fault_503;
  out["retry_after_share"] = config.faults.retry_after_share;
  out["retry_after_max_s"] = config.faults.retry_after_max_s;
  out["fault_drop"] = config.faults.fault_drop;
  out["fault_drop_before"] = config.faults.fault_drop_before;
  out["fault_malformed"] = config.faults.fault_malformed;
  out["fault_slow"] = config.faults.fault_slow;
  out["slow_delay_ms"] = config.faults.slow_delay.count();
  out["second_track"] = second_track_name(config.second_track);
  out["unscraped_as_nulls"] = config.unscraped_as_nulls;
  out["listing_lag_ms"] = config.listing_lag.count();
  out["min_refresh_ms"] = config.min_refresh.count();
  out["max_refresh_ms"] = config.max_refresh.count();
  out["seed"] = config.seed;
  return out;
}

// Applies a POST /_sim/config body to `config`; an error text for anything unknown or ill-typed.
std::string apply_config_patch(AuditConfig& config, const Json& patch) {
  if (!patch.is_object()) {
    return "Body must be a JSON object.";
  }
  // The settings by kind: probabilities, then integers (durations in ms).
  const std::map<std::string, double*, std::less<>> probabilities{
      {"fault_500", &config.faults.fault_500},
      {"fault_503", &config.faults.fault_503},
      {"retry_after_share", &config.faults.retry_after_share},
      {"fault_drop", &config.faults.fault_drop},
      {"fault_drop_before", &config.faults.fault_drop_before},
      {"fault_malformed", &config.faults.fault_malformed},
      {"fault_slow", &config.faults.fault_slow}};
  for (const auto& [name, value] : patch.items()) {
    const auto found = probabilities.find(name);
    double* probability = found == probabilities.end() ? nullptr : found->second;
    if (probability != nullptr) {
      if (!value.is_number()) {
        return name + " must be a number.";
      }
      *probability = value.get<double>();
    } else if (name == "quota" || name == "rate_limit" || name == "listing_lag_ms" ||
               name == "retry_after_max_s" || name == "slow_delay_ms") {
      if (!value.is_number_integer()) {
        return name + " must be an integer.";
      }
      const auto number = value.get<std::int64_t>();
      if (name == "quota") {
        config.quota = number;
      } else if (name == "rate_limit") {
        config.rate_limit = static_cast<int>(number);
      } else if (name == "retry_after_max_s") {
        config.faults.retry_after_max_s = number;
      } else if (name == "slow_delay_ms") {
        config.faults.slow_delay = util::Duration(number);
      } else {
        config.listing_lag = util::Duration(number);
      }
    } else if (name == "second_track") {
      const auto mode = value.is_string() ? parse_second_track(value.get<std::string>()) : std::nullopt;
      if (!mode) {
        return "second_track must be \"conflict\", \"existing\" or \"duplicate\".";
      }
      config.second_track = *mode;
    } else if (name == "unscraped_as_nulls") {
      if (!value.is_boolean()) {
        return name + " must be true or false.";
      }
      config.unscraped_as_nulls = value.get<bool>();
    } else {
      return "Unknown setting '" + name + "'.";
    }
  }
  return validate_config(config);
}

std::int64_t whole_seconds_up(util::Duration duration) {
  return (std::max<std::int64_t>(0, duration.count()) + 999) / 1000;
}

}  // namespace

Simulator::Simulator(AuditConfig config)
    : m_config(std::move(config)), m_fault_rng(m_config.seed ^ k_fault_stream) {
  for (std::size_t i = 0; i < m_config.keys.size(); ++i) {
    const KeyConfig& key = m_config.keys[i];
    m_key_index.emplace(key.key, i);  // validate_config reports duplicates; the first one wins
    if (organization_index(key.organization) == m_organizations.size()) {
      m_organizations.push_back(
          Organization{key.organization, uuid_from(0, "organization:" + key.organization), {}, {}, {}});
    }
  }
  if (m_organizations.empty()) {
    return;
  }
  // Pre-tracked accounts belong to the first organization, created 30 days before API time 0 and
  // refreshed since.
  const util::TimePoint created_at = util::TimePoint{} - util::Duration(30LL * 86'400'000);
  const auto pretrack = [&](std::string_view platform, const std::string& canonical) {
    if (!accounts_named(m_organizations[0].name, platform, canonical).empty()) {
      return;
    }
    add_account(0, platform, canonical, created_at,
                created_at + first_refresh_delay(m_config, platform, canonical), true);
  };
  for (const SeedAccount& seed : m_config.tracked) {
    const std::string canonical = canonical_username(seed.username);
    if (is_audit_platform(seed.platform) &&
        kept_as_tracked(seed.platform, canonical, m_config.tracked_percent)) {
      pretrack(seed.platform, canonical);
    }
  }
  for (int n = 1; n <= m_config.other_accounts; ++n) {
    pretrack(n % 2 == 1 ? "instagram" : "tiktok", "other_" + std::to_string(n));
  }
}

std::size_t Simulator::organization_index(std::string_view name) const {
  for (std::size_t i = 0; i < m_organizations.size(); ++i) {
    if (m_organizations[i].name == name) {
      return i;
    }
  }
  return m_organizations.size();
}

std::size_t Simulator::add_account(std::size_t organization, std::string_view platform,
                                   std::string_view canonical, util::TimePoint created_at,
                                   util::TimePoint first_refresh_at, bool pretracked) {
  Organization& org = m_organizations[organization];
  std::vector<std::size_t>& same_name = org.by_name[{std::string(platform), std::string(canonical)}];
  Account account;
  // The n-th account of one name gets its own id; the first one's id does not depend on timing.
  account.id = uuid_from(m_config.seed, "account:" + org.name + ":" + std::string(platform) + ":" +
                                            std::string(canonical) + ":" + std::to_string(same_name.size()));
  account.organization = organization;
  account.platform = platform;
  account.username = canonical;
  account.created_at = created_at;
  account.first_refresh_at = first_refresh_at;
  account.listed_from = pretracked ? created_at : created_at + m_config.listing_lag;
  account.sequence = m_accounts.size() + 1;
  account.pretracked = pretracked;
  const std::size_t index = m_accounts.size();
  m_account_by_id.emplace(account.id, index);
  m_accounts.push_back(std::move(account));
  org.accounts.push_back(index);
  same_name.push_back(index);
  return index;
}

const Account* Simulator::account_by_id(std::size_t organization, std::string_view id) const {
  const auto found = m_account_by_id.find(id);
  if (found == m_account_by_id.end() || m_accounts[found->second].organization != organization) {
    return nullptr;  // another organization's id is as unknown as an invented one
  }
  return &m_accounts[found->second];
}

std::vector<const Account*> Simulator::accounts_named(std::string_view organization,
                                                      std::string_view platform,
                                                      std::string_view username) const {
  std::vector<const Account*> accounts;
  const std::size_t index = organization_index(organization);
  if (index == m_organizations.size()) {
    return accounts;
  }
  const auto& by_name = m_organizations[index].by_name;
  const auto found = by_name.find({std::string(platform), canonical_username(username)});
  if (found != by_name.end()) {
    for (const std::size_t account : found->second) {
      accounts.push_back(&m_accounts[account]);
    }
  }
  return accounts;
}

std::vector<const Account*> Simulator::accounts_of(std::string_view organization) const {
  std::vector<const Account*> accounts;
  const std::size_t index = organization_index(organization);
  if (index < m_organizations.size()) {
    for (const std::size_t account : m_organizations[index].accounts) {
      accounts.push_back(&m_accounts[account]);
    }
  }
  return accounts;
}

SimResponse Simulator::handle(const SimRequest& request, util::TimePoint now) {
  now = now + m_skipped;
  const auto question = request.target.find('?');
  const std::string path = request.target.substr(0, question);
  const std::string query =
      question == std::string::npos ? std::string() : request.target.substr(question + 1);
  try {
    if (path.starts_with(k_sim_prefix)) {
      return handle_test_endpoint(request, path, query, now);
    }
    return handle_api(request, path, query, now);
  } catch (const std::exception& error) {
    // Nothing above should throw (JSON is parsed without exceptions and dumped with replacement);
    // a simulator bug must still answer rather than take the server down.
    return problem_response(500, "INTERNAL_ERROR", std::string("Simulator error: ") + error.what(), "");
  }
}

SimResponse Simulator::handle_api(const SimRequest& request, const std::string& path,
                                  const std::string& query, util::TimePoint now) {
  ++m_requests_seen;
  const std::string request_id = uuid_from(m_config.seed ^ k_request_stream, std::to_string(m_requests_seen));
  std::vector<std::string_view> segments;
  const bool in_api = path.starts_with(std::string(k_api_root) + "/");
  if (in_api) {
    segments = split_path(std::string_view(path).substr(k_api_root.size() + 1));
  }
  const std::string route = route_of(request.method, segments);
  Call call{request, segments, parse_query(query), 0, nullptr, now, request_id};

  SimResponse response;
  const bool open_route = route == "GET /v2/health" || route == "GET /v2/meta";
  const std::string token = bearer_token(request.headers);
  if (!in_api) {
    response = problem_response(404, "NOT_FOUND", "No such endpoint; the API lives under /v2.", request_id);
  } else if (open_route) {
    response = accepts_json(find_header(request.headers, "Accept").value_or(""))
                   ? (segments[0] == "health" ? get_health(call) : get_meta(call))
                   : problem_response(406, "NOT_ACCEPTABLE", "This API only produces JSON.", request_id);
  } else if (token.empty()) {
    response = problem_response(401, "UNAUTHORIZED", "Send your API key as Authorization: Bearer <key>.",
                                request_id);
  } else {
    response = authorized(call, route);
  }
  response.headers.emplace_back("X-Request-ID", request_id);
  m_stats.record_request(route, response.status, response.drop_connection);
  return response;
}

SimResponse Simulator::authorized(Call& call, const std::string& route) {
  const std::string token = bearer_token(call.request.headers);
  KeyTraffic& traffic = m_traffic[token];
  if (traffic.retry_until && call.now < *traffic.retry_until) {
    ++m_stats.retry_after_violations;
  }
  if (traffic.exhausted_until && call.now < *traffic.exhausted_until) {
    ++m_stats.requests_while_exhausted;
  }
  // Every request that carries a key counts against that key's window, even a rejected key.
  const RateWindow::Decision decision = traffic.window.admit(call.now, m_config.rate_limit);

  SimResponse response;
  const auto key = m_key_index.find(token);
  if (!decision.allowed) {
    response = problem_response(
        429, "RATE_LIMITED",
        "Rate limit of " + std::to_string(m_config.rate_limit) + " requests per 60 seconds exceeded.",
        call.request_id);
    response.headers.emplace_back("Retry-After", std::to_string(decision.retry_after_seconds));
    traffic.retry_until = call.now + util::Duration(decision.retry_after_seconds * 1000);
  } else if (key == m_key_index.end()) {
    response = problem_response(401, "UNAUTHORIZED", "The API key is not valid.", call.request_id);
  } else {
    call.key = &m_config.keys[key->second];
    call.organization = organization_index(call.key->organization);
    const std::string content_type = find_header(call.request.headers, "Content-Type").value_or("");
    if (call.key->state == KeyState::disabled) {
      response = problem_response(403, "FORBIDDEN", "This API key is disabled.", call.request_id);
    } else if ((call.key->state == KeyState::no_scope && route != "GET /v2/whoami") ||
               (call.key->state == KeyState::read_only && route == "POST /v2/accounts")) {
      response = problem_response(403, "INSUFFICIENT_SCOPE",
                                  "This API key lacks the scope this request needs.", call.request_id);
    } else if (!accepts_json(find_header(call.request.headers, "Accept").value_or(""))) {
      response = problem_response(406, "NOT_ACCEPTABLE", "This API only produces JSON.", call.request_id);
    } else if (call.request.method == "POST" && !is_json_content_type(content_type)) {
      response = problem_response(415, "UNSUPPORTED_MEDIA_TYPE", "Send the body as application/json.",
                                  call.request_id);
    } else if (call.request.body.size() > m_config.max_body) {
      response = problem_response(413, "PAYLOAD_TOO_LARGE",
                                  "The body exceeds " + std::to_string(m_config.max_body) + " bytes.",
                                  call.request_id);
    } else if (std::optional<SimResponse> fault = draw_fault(call, traffic)) {
      response = std::move(*fault);
    } else {
      response = dispatch(call);
      // Drawn after the answer was made: the request took effect (an account was created and its
      // Idempotency-Key answer kept), but the client never reads the answer.
      if (m_fault_rng.chance(m_config.faults.fault_drop)) {
        ++m_stats.faults["drop"];
        response.drop_connection = true;
      }
      if (m_fault_rng.chance(m_config.faults.fault_slow)) {
        ++m_stats.faults["slow"];
        response.delay = m_config.faults.slow_delay;
      }
    }
  }
  add_rate_headers(response, traffic, call.now);
  return response;
}

void Simulator::add_rate_headers(SimResponse& response, KeyTraffic& traffic, util::TimePoint now) const {
  if (m_config.rate_limit <= 0) {
    return;
  }
  const bool refused = response.status == 429;
  const int remaining = refused ? 0 : traffic.window.remaining(now, m_config.rate_limit);
  const std::int64_t reset = whole_seconds_up(traffic.window.until_oldest_leaves(now));
  response.headers.emplace_back("X-RateLimit-Limit", std::to_string(m_config.rate_limit));
  response.headers.emplace_back("X-RateLimit-Remaining", std::to_string(remaining));
  response.headers.emplace_back("X-RateLimit-Reset", std::to_string(reset));
  if (remaining == 0) {
    traffic.exhausted_until = now + util::Duration(reset * 1000);
  }
}

std::optional<SimResponse> Simulator::draw_fault(const Call& call, KeyTraffic& traffic) {
  const AuditFaults& faults = m_config.faults;
  if (m_fault_rng.chance(faults.fault_503)) {
    SimResponse response = problem_response(503, "SERVICE_UNAVAILABLE",
                                            "The service is temporarily unavailable.", call.request_id);
    if (m_fault_rng.chance(faults.retry_after_share)) {
      ++m_stats.faults["503_retry_after"];
      const std::int64_t seconds = m_fault_rng.between(1, faults.retry_after_max_s);
      response.headers.emplace_back("Retry-After", std::to_string(seconds));
      traffic.retry_until = call.now + util::Duration(seconds * 1000);
    } else {
      ++m_stats.faults["503"];
    }
    return response;
  }
  if (m_fault_rng.chance(faults.fault_500)) {
    ++m_stats.faults["500"];
    return problem_response(500, "INTERNAL_ERROR", "An unexpected error occurred.", call.request_id);
  }
  if (m_fault_rng.chance(faults.fault_drop_before)) {
    ++m_stats.faults["drop_before"];
    SimResponse response = data_response(200, Json{{"note", "this response is cut short"}});
    response.drop_connection = true;
    return response;
  }
  if (m_fault_rng.chance(faults.fault_malformed)) {
    ++m_stats.faults["malformed"];
    SimResponse response;
    response.headers.emplace_back("Content-Type", "application/json");
    const auto pick = static_cast<std::size_t>(m_fault_rng.between(0, k_malformed_bodies.size() - 1));
    response.body = std::string(k_malformed_bodies[pick]);
    return response;
  }
  return std::nullopt;
}

SimResponse Simulator::dispatch(Call& call) {
  const std::vector<std::string_view>& s = call.segments;
  const std::string& method = call.request.method;
  const auto not_allowed = [&](std::string_view allowed) {
    SimResponse response = problem_response(405, "METHOD_NOT_ALLOWED",
                                            "Use " + std::string(allowed) + " here.", call.request_id);
    response.headers.emplace_back("Allow", std::string(allowed));
    return response;
  };
  if (s.size() == 1 && s[0] == "whoami") {
    return method == "GET" ? get_whoami(call) : not_allowed("GET");
  }
  if (s.size() == 1 && s[0] == "accounts") {
    if (method == "GET") {
      return list_accounts(call);
    }
    return method == "POST" ? track_account(call) : not_allowed("GET, POST");
  }
  if (s.size() == 2 && s[0] == "accounts" && s[1] == "metrics") {
    return method == "POST" ? post_metrics(call) : not_allowed("POST");
  }
  if (s.size() == 2 && s[0] == "accounts" && !s[1].empty()) {
    return method == "GET" ? get_account(call, s[1]) : not_allowed("GET");
  }
  return problem_response(404, "NOT_FOUND", "No such endpoint.", call.request_id);
}

Json Simulator::stats_json(util::TimePoint now) const {
  Json out = Json::object();
  out["now_ms"] = now.since_epoch.count();
  m_stats.write_json(out);
  Json windows = Json::object();
  int most = 0;
  for (const auto& [key, traffic] : m_traffic) {
    windows[key] = traffic.window.max_in_window();
    most = std::max(most, traffic.window.max_in_window());
  }
  out["max_requests_in_window"] = std::move(windows);
  out["max_requests_in_any_window"] = most;
  Json quota = Json::object();
  for (const Organization& org : m_organizations) {
    quota[org.name] = Json{{"quota", m_config.quota}, {"accounts", org.accounts.size()}};
  }
  out["organizations"] = std::move(quota);
  return out;
}

Json Simulator::accounts_json(util::TimePoint now, std::string_view period) const {
  Json list = Json::array();
  for (const Account& account : m_accounts) {
    Json entry = Json::object();
    entry["organization"] = m_organizations[account.organization].name;
    entry["id"] = account.id;
    entry["platform"] = account.platform;
    entry["username"] = account.username;
    entry["pretracked"] = account.pretracked;
    entry["created_at_ms"] = account.created_at.since_epoch.count();
    entry["listed_from_ms"] = account.listed_from.since_epoch.count();
    entry["first_refresh_at_ms"] = account.first_refresh_at.since_epoch.count();
    entry["refreshed"] = account.last_scrape_at(now).has_value();
    entry["metrics"] = truth_metrics(account.platform, account.username, period);
    list.push_back(std::move(entry));
  }
  return Json{{"now_ms", now.since_epoch.count()}, {"period", period}, {"accounts", std::move(list)}};
}

SimResponse Simulator::handle_test_endpoint(const SimRequest& request, const std::string& path,
                                            const std::string& query, util::TimePoint now) {
  const std::string_view name = std::string_view(path).substr(k_sim_prefix.size());
  std::map<std::string, std::string> params;
  for (const auto& [key, value] : parse_query(query)) {
    params.emplace(key, value);
  }
  const std::string period = params.contains("period") ? params["period"] : "30d";
  if (name == "stats" && request.method == "GET") {
    return json_response(200, stats_json(now));
  }
  if (name == "time" && request.method == "GET") {
    return json_response(200, Json{{"now_ms", now.since_epoch.count()}});
  }
  if ((name == "accounts" || name == "truth") && period_days(period) == 0) {
    return error_response(400, "invalid_request", "period must be 7d, 30d or 90d.");
  }
  if (name == "accounts" && request.method == "GET") {
    return json_response(200, accounts_json(now, period));
  }
  if (name == "truth" && request.method == "GET") {
    const std::string platform = params["platform"];
    const std::string username = canonical_username(params["username"]);
    if (!is_audit_platform(platform) || username_problem(username)) {
      return error_response(400, "invalid_request", "Give platform=instagram|tiktok and a valid username.");
    }
    Json out = Json{{"platform", platform},
                    {"username", username},
                    {"period", period},
                    {"exists", username_exists(username, m_config.missing_prefixes)}};
    out["metrics"] = truth_metrics(platform, username, period);
    return json_response(200, out);
  }
  if (name == "advance" && request.method == "POST") {
    const Json body = Json::parse(request.body, nullptr, false);
    if (!body.is_object() || !body.contains("ms") || !body["ms"].is_number_integer() ||
        body["ms"].get<std::int64_t>() < 0) {
      return error_response(400, "invalid_request", "Body must be {\"ms\": integer >= 0}.");
    }
    m_skipped += util::Duration(body["ms"].get<std::int64_t>());
    return json_response(
        200, Json{{"now_ms", (now + util::Duration(body["ms"].get<std::int64_t>())).since_epoch.count()}});
  }
  if (name == "config" && request.method == "GET") {
    return json_response(200, config_json(m_config));
  }
  if (name == "config" && request.method == "POST") {
    const Json patch = Json::parse(request.body, nullptr, false);
    AuditConfig updated = m_config;
    const std::string problem =
        patch.is_discarded() ? "Body is not valid JSON." : apply_config_patch(updated, patch);
    if (!problem.empty()) {
      return error_response(400, "invalid_request", problem);
    }
    m_config = std::move(updated);
    return json_response(200, config_json(m_config));
  }
  return error_response(404, "not_found", "No such simulator endpoint.");
}

}  // namespace sim::audit
