#include "sim/model.hpp"

#include "sim/api_time.hpp"
#include "util/text.hpp"

// The creator endpoints: GET /api/v1/creators/{platform}/{handle} and POST /api/v1/creators/bulk
// (shared/api/creatorscore-v1.md, "Endpoints"), and the cache-or-queue accounting they share.

namespace sim {

namespace {

constexpr std::size_t k_max_batch = 100;

Includes includes_from_query(const std::vector<std::pair<std::string, std::string>>& query) {
  Includes includes;
  for (const auto& [name, value] : query) {
    if (name == "include") {
      includes.merge(parse_includes(value));
    }
  }
  return includes;
}

std::string insufficient_message(Credits needed, Credits left) {
  return "Balance too low for this item (needs " + std::to_string(needed) + " credit" + (needed == 1 ? "" : "s") +
         ", " + std::to_string(left) + " left).";
}

SimResponse zero_balance_response() {
  return error_response(402, "insufficient_credits", "Your credit balance is 0. Buy a credit pack to continue.");
}

}  // namespace

std::optional<util::TimePoint> Simulator::cached_scored_at(const CreatorId& creator) const {
  const auto scored = m_scored.find(creator);
  if (scored != m_scored.end()) {
    return scored->second;
  }
  if (is_precached(creator, m_config.cached_percent)) {
    return precached_scored_at(creator);
  }
  return std::nullopt;
}

Json Simulator::creator_view(const CreatorId& creator, util::TimePoint scored_at, const Includes& includes) const {
  const auto first = m_first_handle.find(creator);
  const std::string& handle = first != m_first_handle.end() ? first->second : creator.lower_handle;
  Json payload = creator_payload(creator, handle, scored_at, includes);
  if (m_config.hostile.formula_text) {
    add_formula_text(payload);
  }
  return payload;
}

const Job& Simulator::create_job(std::size_t tenant, const CreatorId& creator, Credits price,
                                 const Includes& includes, util::TimePoint now) {
  Job job;
  // With formula_text, ids start with '=' as a formula does.
  const std::string prefix = m_config.hostile.formula_text ? "=" : "";
  job.id = prefix + make_job_id(m_job_rng);
  while (m_jobs.contains(job.id)) {
    job.id = prefix + make_job_id(m_job_rng);
  }
  job.tenant = tenant;
  job.creator = creator;
  job.charged = price;
  job.includes = includes;
  job.created_at = now;
  job.request_serial = m_request_serial;
  job.duration = util::Duration(m_job_rng.between(m_config.min_job.count(), m_config.max_job.count()));
  job.eta_noise = draw_eta_noise(m_job_rng);
  if (is_doomed(creator)) {
    job.fails = true;
    job.error = "profile_unavailable";
  } else if (m_job_rng.chance(m_config.failure_rate)) {
    job.fails = true;
    job.error = "scoring_failed";
  }
  job.ends_at = now + job.duration;
  if (job.fails) {
    // Failures surface part-way through, when the profile turns out to be gone.
    const auto fraction_permille = m_job_rng.between(200, 800);
    job.ends_at = now + job.duration * fraction_permille / 1000;
  }
  m_unsettled.emplace(job.ends_at, job.id);
  m_in_flight[{tenant, creator}] = job.id;
  m_job_order.push_back(job.id);
  const std::string id = job.id;
  return m_jobs.emplace(id, std::move(job)).first->second;
}

Simulator::LookupOutcome Simulator::lookup(std::size_t tenant, const CreatorId& creator, std::string_view handle,
                                           const Includes& includes, util::TimePoint now, bool refuse_fresh) {
  m_first_handle.try_emplace(creator, std::string(handle));
  LookupOutcome outcome;
  if (const auto scored_at = cached_scored_at(creator)) {
    outcome.kind = LookupOutcome::Kind::cached;
    outcome.creator = creator_view(creator, *scored_at, includes);
    return outcome;
  }
  const auto in_flight = m_in_flight.find({tenant, creator});
  const bool reusable =
      in_flight != m_in_flight.end() &&
      (!m_config.dedup_within_batch_only || m_jobs.at(in_flight->second).request_serial == m_request_serial);
  if (reusable) {
    // In-flight de-duplication: the tenant already pays for this job; hand it back for free.
    Job& job = m_jobs.at(in_flight->second);
    job.includes.merge(includes);
    outcome.kind = LookupOutcome::Kind::queued;
    outcome.job = &job;
    outcome.deduplicated = true;
    return outcome;
  }
  const Credits price = fresh_price(creator.platform);
  Credits& balance = m_tenants[tenant].config.balance;
  if (refuse_fresh || balance < price) {
    outcome.kind = LookupOutcome::Kind::insufficient_credits;
    outcome.needed = price;
    return outcome;
  }
  balance -= price;
  m_stats.record_charge(creator.key(), price);
  outcome.kind = LookupOutcome::Kind::queued;
  outcome.job = &create_job(tenant, creator, price, includes, now);
  outcome.charged = price;
  return outcome;
}

SimResponse Simulator::get_creator(Call& call, std::string_view platform_segment, std::string_view handle_segment) {
  const std::string platform_name = percent_decode(platform_segment, false);
  const std::optional<core::Platform> platform = core::parse_platform(platform_name);
  if (!platform) {
    return error_response(400, "unsupported_platform", "Platform '" + platform_name + "' is not supported.");
  }
  const std::string handle = percent_decode(handle_segment, false);
  if (const auto problem = handle_problem(handle)) {
    return error_response(400, "invalid_handle", *problem);
  }
  const Credits balance = m_tenants[call.tenant].config.balance;
  if (m_config.zero_balance_402 && balance == 0) {
    return zero_balance_response();
  }
  const LookupOutcome outcome =
      lookup(call.tenant, make_creator_id(*platform, handle), handle, includes_from_query(call.query), call.now, false);
  switch (outcome.kind) {
    case LookupOutcome::Kind::cached:
      return json_response(200, Json{{"status", "cached"}, {"creator", outcome.creator}});
    case LookupOutcome::Kind::insufficient_credits:
      return error_response(402, "insufficient_credits",
                            "Balance too low for this lookup (needs " + std::to_string(outcome.needed) +
                                " credits, " + std::to_string(balance) + " left). Buy a credit pack to continue.");
    case LookupOutcome::Kind::queued: break;
  }
  Json body = Json::object();
  body["status"] = "queued";
  body["job_id"] = outcome.job->id;
  body["eta_seconds"] = outcome.job->eta_seconds_at(call.now);
  body["poll_url"] = "/api/v1/jobs/" + outcome.job->id;
  body["deduplicated"] = outcome.deduplicated;
  body["credits_charged"] = outcome.charged;
  return json_response(202, body);
}

SimResponse Simulator::post_creators_bulk(Call& call) {
  const Json request = Json::parse(call.request.body, nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    return error_response(400, "invalid_request", "Body must be a JSON object {\"creators\": [...]}.");
  }
  const auto creators = request.find("creators");
  if (creators == request.end() || !creators->is_array() || creators->empty() || creators->size() > k_max_batch) {
    return error_response(400, "invalid_request", "creators must be an array of 1 to 100 items.");
  }
  for (const Json& item : *creators) {
    if (!item.is_object() || !item.contains("platform") || !item["platform"].is_string() ||
        !item.contains("handle") || !item["handle"].is_string()) {
      return error_response(400, "invalid_request", "Each item of creators needs a string platform and handle.");
    }
  }
  Includes includes = includes_from_query(call.query);
  if (const auto listed = request.find("include"); listed != request.end()) {
    if (listed->is_string()) {
      includes.merge(parse_includes(listed->get<std::string>()));
    } else if (listed->is_array()) {
      for (const Json& name : *listed) {
        if (name.is_string()) {
          includes.merge(parse_includes(name.get<std::string>()));
        }
      }
    }
  }
  Credits& balance = m_tenants[call.tenant].config.balance;
  if (m_config.zero_balance_402 && balance == 0) {
    return zero_balance_response();
  }

  Json results = Json::array();
  std::int64_t cached = 0;
  std::int64_t queued = 0;
  std::int64_t errored = 0;
  Credits spent = 0;
  // Once one uncached item cannot be paid, every later uncached one is refused too (the vendor's
  // "remaining uncached items"), even when it would be cheaper.
  bool exhausted = false;
  for (const Json& item : *creators) {
    const std::string platform_text = item["platform"].get<std::string>();
    const std::string handle = item["handle"].get<std::string>();
    Json result = Json::object();
    result["platform"] = platform_text;
    result["handle"] = handle;
    const std::optional<core::Platform> platform = core::parse_platform(platform_text);
    std::optional<std::string> problem;
    if (!platform) {
      result["status"] = "error";
      result["error"] = "unsupported_platform";
      result["message"] = "Platform '" + platform_text + "' is not supported.";
    } else if ((problem = handle_problem(handle))) {
      result["status"] = "error";
      result["error"] = "invalid_handle";
      result["message"] = *problem;
    } else {
      const LookupOutcome outcome =
          lookup(call.tenant, make_creator_id(*platform, handle), handle, includes, call.now, exhausted);
      switch (outcome.kind) {
        case LookupOutcome::Kind::cached:
          result["status"] = "cached";
          result["creator"] = outcome.creator;
          break;
        case LookupOutcome::Kind::queued:
          result["status"] = "queued";
          result["job_id"] = outcome.job->id;
          result["eta_seconds"] = outcome.job->eta_seconds_at(call.now);
          result["poll_url"] = "/api/v1/jobs/" + outcome.job->id;
          result["deduplicated"] = outcome.deduplicated;
          result["credits_charged"] = outcome.charged;
          spent += outcome.charged;
          break;
        case LookupOutcome::Kind::insufficient_credits:
          exhausted = true;
          result["status"] = "error";
          result["error"] = "insufficient_credits";
          result["message"] = insufficient_message(outcome.needed, balance);
          break;
      }
    }
    const std::string status = result["status"].get<std::string>();
    cached += status == "cached" ? 1 : 0;
    queued += status == "queued" ? 1 : 0;
    errored += status == "error" ? 1 : 0;
    results.push_back(std::move(result));
  }
  if (m_config.hostile.reuse_job_ids) {
    // Every queued creator gets the first one's job id (its own job is still made and charged).
    std::optional<Json> first;
    for (Json& result : results) {
      if (result["status"] == "queued") {
        first = first.value_or(result["job_id"]);
        result["job_id"] = *first;
        result["poll_url"] = "/api/v1/jobs/" + first->get<std::string>();
      }
    }
  }
  Json body = Json::object();
  body["results"] = std::move(results);
  body["summary"] = Json{{"total", creators->size()}, {"cached", cached},          {"queued", queued},
                         {"errored", errored},        {"credits_spent", spent}, {"credits_remaining", balance}};
  return json_response(200, body);
}

}  // namespace sim
