#include "sim/model.hpp"

// The job endpoints: GET /api/v1/jobs/{job_id} and POST /api/v1/jobs/bulk-status
// (shared/api/creatorscore-v1.md, "Endpoints").

namespace sim {

namespace {

constexpr std::size_t k_max_job_ids = 100;

}  // namespace

Json Simulator::job_view(std::size_t tenant, const std::string& id, util::TimePoint now, bool& found) {
  const auto job = m_jobs.find(id);
  // Another tenant's job is indistinguishable from an unknown one (the API's 404 contract).
  if (job == m_jobs.end() || job->second.tenant != tenant) {
    found = false;
    return job_not_found_json(id);
  }
  found = true;
  Job& entry = job->second;
  Json creator;
  if (entry.ended_at(now)) {
    if (!entry.first_reported_end) {
      entry.first_reported_end = now;
    }
    if (!entry.fails && !m_config.hostile.done_without_creator) {
      creator = creator_view(entry.creator, entry.ends_at, entry.includes);
    }
  }
  return job_json(entry, now, creator);
}

SimResponse Simulator::get_job(Call& call, std::string_view id_segment) {
  const std::string id = percent_decode(id_segment, false);
  bool found = false;
  const Json view = job_view(call.tenant, id, call.now, found);
  if (!found) {
    return json_response(404, view);
  }
  const std::string status = view["status"].get<std::string>();
  return json_response(status == "done" || status == "failed" ? 200 : 202, view);
}

SimResponse Simulator::post_jobs_bulk_status(Call& call) {
  const Json request = Json::parse(call.request.body, nullptr, false);
  if (request.is_discarded() || !request.is_object()) {
    return error_response(400, "invalid_request", "Body must be a JSON object {\"job_ids\": [...]}.");
  }
  const auto ids = request.find("job_ids");
  if (ids == request.end() || !ids->is_array() || ids->empty() || ids->size() > k_max_job_ids) {
    return error_response(400, "invalid_request", "job_ids must be an array of 1 to 100 strings.");
  }
  for (const Json& id : *ids) {
    if (!id.is_string()) {
      return error_response(400, "invalid_request", "job_ids must be an array of 1 to 100 strings.");
    }
  }
  Json jobs = Json::array();
  std::int64_t done = 0;
  std::int64_t in_flight = 0;
  std::int64_t failed = 0;
  std::int64_t not_found = 0;
  for (const Json& id : *ids) {
    bool found = false;
    Json view = job_view(call.tenant, id.get<std::string>(), call.now, found);
    const std::string status = view["status"].get<std::string>();
    done += status == "done" ? 1 : 0;
    failed += status == "failed" ? 1 : 0;
    not_found += found ? 0 : 1;
    in_flight += status == "queued" || status == "processing" ? 1 : 0;
    jobs.push_back(std::move(view));
  }
  Json body = Json::object();
  body["jobs"] = std::move(jobs);
  body["summary"] = Json{{"total", ids->size()},
                         {"done", done},
                         {"in_flight", in_flight},
                         {"failed", failed},
                         {"not_found", not_found}};
  return json_response(200, body);
}

}  // namespace sim
