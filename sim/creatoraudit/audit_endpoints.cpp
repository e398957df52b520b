#include <algorithm>
#include <set>

#include "sim/api_time.hpp"
#include "sim/creatoraudit/audit_model.hpp"
#include "sim/creatoraudit/cursor.hpp"
#include "util/text.hpp"

// The endpoints of the CreatorAudit v2 model: health, meta, whoami, the account listing, tracking,
// one account, and batch metrics. Routing, keys, limits and faults are in audit_model.cpp.

namespace sim::audit {

namespace {

constexpr std::int64_t k_default_limit = 50;
constexpr std::int64_t k_max_limit = 200;
constexpr std::size_t k_max_metric_ids = 200;
constexpr std::int64_t k_max_scrape_interval_hours = 168;

std::string api_date(util::TimePoint at) { return format_api_time(at).substr(0, 10); }

SimResponse validation_error(const std::string& request_id, std::vector<FieldError> errors) {
  const std::string detail = errors.size() == 1
                                 ? "The request has an invalid field."
                                 : "The request has " + std::to_string(errors.size()) + " invalid fields.";
  return problem_response(422, "VALIDATION_ERROR", detail, request_id, errors);
}

SimResponse bad_json(const std::string& request_id) {
  return problem_response(400, "BAD_REQUEST", "The body must be a JSON object.", request_id);
}

// A query parameter's value, or nullopt when absent (the first one counts).
std::optional<std::string> param(const std::vector<std::pair<std::string, std::string>>& query,
                                 std::string_view name) {
  for (const auto& [key, value] : query) {
    if (key == name) {
      return value;
    }
  }
  return std::nullopt;
}

std::optional<std::int64_t> parse_integer(const std::string& text) {
  if (text.empty() || text.size() > 9 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::stoll(text);
}

}  // namespace

SimResponse Simulator::get_health(const Call&) const { return data_response(200, Json{{"status", "ok"}}); }

SimResponse Simulator::get_meta(const Call&) const {
  return data_response(200, Json{{"version", "2.0.0"},
                                 {"openapi_url", "https://api.creatoraudit.com/v2/openapi.json"},
                                 {"docs_url", "https://docs.creatoraudit.com"}});
}

SimResponse Simulator::get_whoami(const Call& call) const {
  const Organization& org = m_organizations[call.organization];
  return data_response(200, Json{{"type", "whoami"},
                                 {"organization_id", org.id},
                                 {"api_key_name", "Simulator key " + call.key->key.substr(0, 6)}});
}

SimResponse Simulator::list_accounts(Call& call) {
  std::vector<FieldError> errors;
  const std::optional<std::string> platform = param(call.query, "platform");
  if (platform && !is_audit_platform(*platform)) {
    errors.push_back({"platform", "must be instagram or tiktok"});
  }
  std::int64_t limit = k_default_limit;
  if (const std::optional<std::string> text = param(call.query, "limit")) {
    const std::optional<std::int64_t> parsed = parse_integer(*text);
    if (!parsed || *parsed < 1 || *parsed > k_max_limit) {
      errors.push_back({"limit", "must be an integer from 1 to 200"});
    } else {
      limit = *parsed;
    }
  }
  const std::string sort = param(call.query, "sort").value_or("created_at");
  if (sort != "created_at") {
    errors.push_back({"sort", "must be created_at"});
  }
  const std::string filters = "platform=" + platform.value_or("") + "&sort=" + sort;
  const std::uint64_t fingerprint = filters_fingerprint(filters);
  std::uint64_t after = 0;
  if (const std::optional<std::string> cursor = param(call.query, "cursor"); cursor && errors.empty()) {
    const std::optional<DecodedCursor> decoded = decode_cursor(m_config.seed, *cursor);
    if (!decoded) {
      ++m_stats.cursor_errors;
      errors.push_back(
          {"cursor", "is not a cursor this API issued; pass next_cursor back exactly as received"});
    } else if (decoded->fingerprint != fingerprint) {
      ++m_stats.cursor_errors;
      errors.push_back(
          {"cursor", "was issued for other filters; send the same platform and sort on every page"});
    } else {
      after = decoded->sequence;
    }
  }
  if (!errors.empty()) {
    return validation_error(call.request_id, std::move(errors));
  }
  const bool include_total = param(call.query, "include_total") == "true";
  if (include_total) {
    ++m_stats.include_total_requests;
  }

  const Organization& org = m_organizations[call.organization];
  const auto listed = [&](const Account& account) {
    return account.listed_from <= call.now && (!platform || account.platform == *platform);
  };
  Json data = Json::array();
  const Account* last = nullptr;
  bool has_next = false;
  std::int64_t total = 0;
  // Accounts are kept in creation order, so the cursor's position is where the page starts.
  auto it = std::upper_bound(
      org.accounts.begin(), org.accounts.end(), after,
      [this](std::uint64_t sequence, std::size_t index) { return sequence < m_accounts[index].sequence; });
  for (; it != org.accounts.end(); ++it) {
    const Account& account = m_accounts[*it];
    if (!listed(account)) {
      continue;
    }
    if (static_cast<std::int64_t>(data.size()) == limit) {
      has_next = true;
      break;
    }
    data.push_back(account_json(account, call.now));
    last = &account;
  }
  Json pagination = Json::object();
  pagination["next_cursor"] = has_next && last != nullptr
                                  ? Json(encode_cursor(m_config.seed, fingerprint, last->sequence))
                                  : Json(nullptr);
  pagination["has_next"] = has_next;
  pagination["limit"] = limit;
  if (include_total) {
    for (const std::size_t index : org.accounts) {
      total += listed(m_accounts[index]) ? 1 : 0;
    }
    pagination["total_count"] = total;
  }
  Json body = Json::object();
  body["data"] = std::move(data);
  body["pagination"] = std::move(pagination);
  body["filters"] = Json{{"platform", platform ? Json(*platform) : Json(nullptr)}, {"sort", sort}};
  return json_response(200, body);
}

SimResponse Simulator::track_account(Call& call) {
  Organization& org = m_organizations[call.organization];
  const Json body = Json::parse(call.request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return bad_json(call.request_id);
  }
  const std::string idempotency_key(
      util::trim(find_header(call.request.headers, "Idempotency-Key").value_or("")));
  // The same request re-sent: the same JSON, whatever its spacing or key order (nlohmann::json sorts
  // keys, unlike the ordered Json).
  const std::string fingerprint = nlohmann::json::parse(call.request.body, nullptr, false)
                                      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (idempotency_key.empty()) {
    ++m_stats.tracks_without_idempotency_key;
  } else if (const auto stored = org.idempotency.find(idempotency_key); stored != org.idempotency.end()) {
    if (stored->second.request_fingerprint != fingerprint) {
      ++m_stats.idempotency_key_mismatches;
      return validation_error(call.request_id,
                              {{"Idempotency-Key", "was already used for a different request"}});
    }
    ++m_stats.idempotent_replays;
    SimResponse replay = json_response(stored->second.status, Json::object());
    replay.body = stored->second.body;
    replay.headers.emplace_back("Idempotent-Replayed", "true");
    return replay;
  }

  std::vector<FieldError> errors;
  const std::string platform = body.contains("platform") && body["platform"].is_string()
                                   ? body["platform"].get<std::string>()
                                   : std::string();
  if (!is_audit_platform(platform)) {
    errors.push_back({"platform", "is required and must be instagram or tiktok"});
  }
  std::string username;
  if (!body.contains("username") || !body["username"].is_string()) {
    errors.push_back({"username", "is required and must be a string"});
  } else {
    username = canonical_username(body["username"].get<std::string>());
    if (const std::optional<std::string> problem = username_problem(username)) {
      errors.push_back({"username", *problem});
    }
  }
  std::optional<std::string> category;
  if (body.contains("category") && !body["category"].is_null()) {
    if (body["category"].is_string()) {
      category = body["category"].get<std::string>();
    } else {
      errors.push_back({"category", "must be a string or null"});
    }
  }
  std::int64_t interval = 24;
  if (body.contains("scrape_interval_hours")) {
    const Json& value = body["scrape_interval_hours"];
    if (!value.is_number_integer() || value.get<std::int64_t>() < 1 ||
        value.get<std::int64_t>() > k_max_scrape_interval_hours) {
      errors.push_back({"scrape_interval_hours", "must be an integer from 1 to 168"});
    } else {
      interval = value.get<std::int64_t>();
    }
  }
  if (!errors.empty()) {
    return validation_error(call.request_id, std::move(errors));
  }

  const auto same_name = org.by_name.find({platform, username});
  const bool tracked = same_name != org.by_name.end() && !same_name->second.empty();
  if (tracked) {
    ++m_stats.second_tracks;
  }
  SimResponse response;
  if (tracked && m_config.second_track == SecondTrack::conflict) {
    return problem_response(409, "CONFLICT",
                            "This organization already tracks the " + platform + " account " + username + ".",
                            call.request_id);
  }
  if (tracked && m_config.second_track == SecondTrack::existing) {
    response = data_response(200, account_json(m_accounts[same_name->second.front()], call.now));
  } else if (!username_exists(username, m_config.missing_prefixes)) {
    ++m_stats.unknown_usernames;
    return validation_error(call.request_id,
                            {{"username", "no " + platform + " account is named " + username}});
  } else if (m_config.quota > 0 && static_cast<std::int64_t>(org.accounts.size()) >= m_config.quota) {
    ++m_stats.quota_exceeded;
    return problem_response(403, "QUOTA_EXCEEDED",
                            "The plan's quota of " + std::to_string(m_config.quota) +
                                " tracked accounts is reached; remove accounts or upgrade the plan.",
                            call.request_id);
  } else {
    const std::size_t index =
        add_account(call.organization, platform, username, call.now,
                    call.now + first_refresh_delay(m_config, platform, username), false);
    Account& account = m_accounts[index];
    account.category = category;
    account.scrape_interval_hours = interval;
    ++m_stats.accounts_created;
    if (tracked) {
      ++m_stats.duplicate_accounts;
    }
    response = data_response(201, account_json(account, call.now));
    response.headers.emplace_back("Location", "/v2/accounts/" + account.id);
  }
  // Only a write that took effect keeps its answer (a 4xx above returned before this point).
  if (!idempotency_key.empty()) {
    org.idempotency.emplace(idempotency_key, StoredAnswer{fingerprint, response.status, response.body});
  }
  return response;
}

SimResponse Simulator::get_account(Call& call, std::string_view id) {
  const Account* account = account_by_id(call.organization, id);
  if (account == nullptr) {
    return problem_response(404, "NOT_FOUND", "No account with this id in your organization.",
                            call.request_id);
  }
  const std::string etag = account_etag(*account, call.now);
  const std::optional<std::string> if_none_match = find_header(call.request.headers, "If-None-Match");
  if (if_none_match && if_none_match_matches(*if_none_match, etag)) {
    ++m_stats.not_modified;
    SimResponse response;
    response.status = 304;
    response.headers.emplace_back("ETag", etag);
    return response;
  }
  SimResponse response = data_response(200, account_json(*account, call.now));
  response.headers.emplace_back("ETag", etag);
  return response;
}

SimResponse Simulator::post_metrics(Call& call) {
  const Json body = Json::parse(call.request.body, nullptr, false);
  if (body.is_discarded() || !body.is_object()) {
    return bad_json(call.request_id);
  }
  std::vector<FieldError> errors;
  const std::string period = body.contains("period") && body["period"].is_string()
                                 ? body["period"].get<std::string>()
                                 : std::string();
  const int days = period_days(period);
  if (days == 0) {
    errors.push_back({"period", "must be 7d, 30d or 90d"});
  }
  std::vector<std::string> ids;
  const bool ids_ok = body.contains("account_ids") && body["account_ids"].is_array() &&
                      !body["account_ids"].empty() && body["account_ids"].size() <= k_max_metric_ids;
  if (!ids_ok) {
    errors.push_back({"account_ids", "must be an array of 1 to 200 account ids"});
  } else {
    for (std::size_t i = 0; i < body["account_ids"].size(); ++i) {
      const Json& id = body["account_ids"][i];
      const std::string field = "account_ids[" + std::to_string(i) + "]";
      if (!id.is_string()) {
        errors.push_back({field, "must be a string"});
      } else if (account_by_id(call.organization, id.get<std::string>()) == nullptr) {
        errors.push_back({field, "no account " + id.get<std::string>() + " in your organization"});
      } else {
        ids.push_back(id.get<std::string>());
      }
    }
  }
  if (!errors.empty()) {
    return validation_error(call.request_id, std::move(errors));
  }
  ++m_stats.metrics_calls;
  m_stats.metrics_ids_requested += static_cast<std::int64_t>(ids.size());

  // Whole days up to yesterday: today's are not complete.
  const util::TimePoint end = call.now - util::Duration(86'400'000);
  const std::string end_date = api_date(end);
  const std::string start_date =
      api_date(end - util::Duration(static_cast<std::int64_t>(days - 1) * 86'400'000));
  Json data = Json::array();
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    if (!seen.insert(id).second) {
      continue;
    }
    const Account& account = *account_by_id(call.organization, id);
    const bool refreshed = account.last_scrape_at(call.now).has_value();
    if (!refreshed && !m_config.unscraped_as_nulls) {
      continue;  // not refreshed yet: simply absent
    }
    Json item =
        Json{{"account_id", id}, {"period", period}, {"start_date", start_date}, {"end_date", end_date}};
    const Json metrics =
        refreshed ? truth_metrics(account.platform, account.username, period) : null_metrics();
    for (const auto& [name, value] : metrics.items()) {
      item[name] = value;
    }
    data.push_back(std::move(item));
  }
  Json body_out = Json::object();
  body_out["data"] = std::move(data);
  body_out["meta"] = Json{{"period", period}, {"start_date", start_date}, {"end_date", end_date}};
  return json_response(200, body_out);
}

}  // namespace sim::audit
