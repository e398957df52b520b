#include "creatorscore/client.hpp"

#include <nlohmann/json.hpp>

#include "creatorscore/decode.hpp"
#include "http/client.hpp"
#include "http/url_policy.hpp"
#include "util/text.hpp"

namespace creatorscore {

namespace {

using nlohmann::json;

std::string where(const http::Request& request) {
  const std::string& url = request.url;
  const auto path = url.find("/api/v1");
  return (request.method == http::Method::get ? "GET " : "POST ") +
         (path == std::string::npos ? url : url.substr(path));
}

// "/prefix/api/v1/account": the URL without scheme, credentials, host or query.
std::string url_path(std::string_view url) {
  if (const auto scheme = url.find("://"); scheme != std::string_view::npos) {
    url = url.substr(scheme + 3);
    const auto slash = url.find('/');
    url = slash == std::string_view::npos ? std::string_view("/") : url.substr(slash);
  }
  return std::string(url.substr(0, url.find('?')));
}

// The error for a request that got no usable answer, in one line naming the request, the HTTP
// status and the API's code where there was one.
ApiError failure_error(const http::Failure& failure, const http::Request& request, const std::string& host) {
  ApiError error;
  error.http_status = failure.last_status;
  switch (failure.kind) {
    case http::FailureKind::interrupted:
      error.kind = ApiErrorKind::interrupted;
      error.message = failure.last_error.empty()
                          ? "interrupted while waiting to send " + where(request)
                          : "interrupted: " + where(request) + " " + failure.last_error;
      return error;
    case http::FailureKind::deadline:
      error.kind = ApiErrorKind::deadline;
      error.message = "the deadline came before " + where(request) + " could be retried";
      return error;
    case http::FailureKind::fatal_error:
      error.kind = ApiErrorKind::refused;
      error.message = where(request) + " to " + host + " failed: " + failure.last_error;
      return error;
    case http::FailureKind::bad_body:
      error.kind = ApiErrorKind::bad_response;
      error.message = where(request) + ": " + failure.last_error + " (HTTP " + std::to_string(failure.last_status) +
                      ", " + std::to_string(failure.attempts) + " attempts); try again later";
      return error;
    case http::FailureKind::gave_up:
      break;
  }
  error.kind = ApiErrorKind::unavailable;
  if (failure.last_status != 0) {
    error.code = decode_error_body(failure.last_body).code;
    error.message = "the API stayed unavailable: " + where(request) + " answered HTTP " +
                    std::to_string(failure.last_status) + (error.code.empty() ? "" : " " + error.code) + " after " +
                    std::to_string(failure.attempts) + " attempts; try again later";
  } else {
    error.message = "could not reach " + host + ": " + failure.last_error + " after " +
                    std::to_string(failure.attempts) + " attempts; check the network or --base-url";
  }
  return error;
}

// `text` as one path segment that can name nothing else: percent-encoded, and when that leaves
// only dots (`.`, `..`), which a server, a proxy or libcurl reads as a step in place or up (RFC
// 3986, 5.2.4: GET /creators/x/.. is GET /creators/), with the dots encoded too, as %2E. Empty
// when `text` is: no segment can stand for that, so the callers send nothing.
std::string path_segment(std::string_view text) {
  std::string segment = util::percent_encode(text);
  if (segment.find_first_not_of('.') == std::string::npos) {
    std::string dots;
    for (std::size_t i = 0; i < segment.size(); ++i) {
      dots += "%2E";
    }
    segment = std::move(dots);
  }
  return segment;
}

// The error for a request that cannot be built: its path would lack the segment that names what
// it asks about, and reach another endpoint.
ApiError empty_segment_error(const std::string& what) {
  return ApiError{ApiErrorKind::refused, 0, {},
                  "cannot ask the API about an empty " + what + "; nothing was sent"};
}

}  // namespace

Client::Client(http::Client& http, std::string base_url, std::string api_key)
    : m_http(http), m_base_url(std::move(base_url)), m_api_key(std::move(api_key)) {}

namespace {

// Sends one request and turns whatever came back into a response with an expected status, or an
// ApiError for the statuses that end the request (401, 402, 400, and failures after retries).
util::Expected<http::Response, ApiError> perform(http::Client& http_client, const http::Request& request,
                                                        const std::string& host) {
  auto response = http_client.send(request, [](const http::Response& r) { return is_json_object(r.body); });
  if (!response) {
    return util::unexpected(failure_error(response.error(), request, host));
  }
  const int status = response->status;
  if (status == 200 || status == 202 || status == 404) {
    return std::move(*response);
  }
  const ErrorBody body = decode_error_body(response->body);
  ApiError error;
  error.http_status = status;
  error.code = body.code;
  const std::string detail = "HTTP " + std::to_string(status) + (body.code.empty() ? "" : " " + body.code);
  if (status == 401) {
    error.kind = ApiErrorKind::key_rejected;
    error.message = "the API rejected the key (" + detail +
                    "): check CREATORSCORE_API_KEY or --api-key-file; keys are managed at "
                    "https://creatorscore.io/account/api";
  } else if (status == 402) {
    error.kind = ApiErrorKind::insufficient_credits;
    error.message = "no credits left (" + detail + "): top up at https://creatorscore.io, then run again";
  } else if (status >= 400 && status < 500) {
    error.kind = ApiErrorKind::bad_request;
    error.message = where(request) + " was refused (" + detail + (body.message.empty() ? "" : ": " + body.message) +
                    ")";
  } else {
    error.kind = ApiErrorKind::unavailable;
    error.message = where(request) + " answered " + detail + "; try again later";
  }
  return util::unexpected(error);
}

}  // namespace

util::Expected<Account, ApiError> Client::account() {
  http::Request request{http::Method::get, m_base_url + "/api/v1/account", {}, {}};
  request.headers = {{"X-API-Key", m_api_key}, {"Accept", "application/json"}};
  auto response = perform(m_http, request, http::url_host(m_base_url));
  if (!response) {
    return util::unexpected(response.error());
  }
  if (response->status == 404) {
    // The account always exists for a key: a 404 on the first request says that nothing serves
    // the API under this base URL, most often a missing or extra path prefix.
    return util::unexpected(ApiError{ApiErrorKind::bad_response, 404, {},
                                     "GET " + url_path(request.url) + " answered HTTP 404: no CreatorScore API "
                                     "there; is --base-url right? It is the API's root, to which /api/v1/... "
                                     "is added (for example https://creatorscore.io)"});
  }
  if (response->status != 200) {
    return util::unexpected(ApiError{ApiErrorKind::bad_response, response->status, {},
                                     "GET /api/v1/account answered HTTP " + std::to_string(response->status)});
  }
  auto account = decode_account(response->body);
  if (!account) {
    return util::unexpected(ApiError{ApiErrorKind::bad_response, 200, {}, "GET /api/v1/account: " + account.error()});
  }
  return std::move(*account);
}

util::Expected<ItemResult, ApiError> Client::lookup(const LookupRequest& creator,
                                                    const std::vector<std::string>& include) {
  if (creator.handle.empty()) {
    return util::unexpected(empty_segment_error("handle"));
  }
  std::string url = m_base_url + "/api/v1/creators/" + std::string(core::platform_name(creator.platform)) + "/" +
                    path_segment(creator.handle);
  if (!include.empty()) {
    url += "?include=";
    for (std::size_t i = 0; i < include.size(); ++i) {
      url += (i > 0 ? "," : "") + util::percent_encode(include[i]);
    }
  }
  http::Request request{http::Method::get, url, {{"X-API-Key", m_api_key}, {"Accept", "application/json"}}, {}};
  auto response = perform(m_http, request, http::url_host(m_base_url));
  if (!response) {
    const ApiError& error = response.error();
    // A 400 about this creator (bad handle, unknown platform) is a per-item answer, as in a bulk
    // submit; only invalid_request means the request itself was wrong.
    if (error.kind == ApiErrorKind::bad_request && error.code != "invalid_request" && !error.code.empty()) {
      ItemResult item;
      item.platform = core::platform_name(creator.platform);
      item.handle = creator.handle;
      item.error_code = error.code;
      item.message = error.message;
      return item;
    }
    return util::unexpected(error);
  }
  auto item = decode_item(response->body);
  if (!item || response->status == 404) {
    return util::unexpected(ApiError{ApiErrorKind::bad_response, response->status, {},
                                     where(request) + ": " + (item ? "unexpected HTTP 404" : item.error())});
  }
  return std::move(*item);
}

util::Expected<BulkSubmitResult, ApiError> Client::submit_bulk(const std::vector<LookupRequest>& creators) {
  json body = {{"creators", json::array()}};
  for (const LookupRequest& creator : creators) {
    body["creators"].push_back({{"platform", core::platform_name(creator.platform)}, {"handle", creator.handle}});
  }
  http::Request request{http::Method::post,
                        m_base_url + "/api/v1/creators/bulk",
                        {{"X-API-Key", m_api_key}, {"Accept", "application/json"}, {"Content-Type", "application/json"}},
                        body.dump()};
  auto response = perform(m_http, request, http::url_host(m_base_url));
  if (!response) {
    return util::unexpected(response.error());
  }
  auto result = decode_bulk_submit(response->body);
  if (!result || response->status == 404) {
    return util::unexpected(ApiError{ApiErrorKind::bad_response, response->status, {},
                                     where(request) + ": " + (result ? "unexpected HTTP 404" : result.error())});
  }
  return std::move(*result);
}

util::Expected<JobStatus, ApiError> Client::job(const std::string& job_id) {
  if (job_id.empty()) {
    return util::unexpected(empty_segment_error("job id"));
  }
  http::Request request{http::Method::get, m_base_url + "/api/v1/jobs/" + path_segment(job_id),
                        {{"X-API-Key", m_api_key}, {"Accept", "application/json"}}, {}};
  auto response = perform(m_http, request, http::url_host(m_base_url));
  if (!response) {
    return util::unexpected(response.error());
  }
  auto job_status = decode_job(response->body);
  if (!job_status) {
    return util::unexpected(ApiError{ApiErrorKind::bad_response, response->status, {}, where(request) + ": " + job_status.error()});
  }
  if (response->status == 404) {
    job_status->state = JobState::not_found;
  }
  if (job_status->job_id.empty()) {
    job_status->job_id = job_id;
  }
  return std::move(*job_status);
}

util::Expected<std::vector<JobStatus>, ApiError> Client::bulk_status(const std::vector<std::string>& job_ids) {
  const json body = {{"job_ids", job_ids}};
  http::Request request{http::Method::post,
                        m_base_url + "/api/v1/jobs/bulk-status",
                        {{"X-API-Key", m_api_key}, {"Accept", "application/json"}, {"Content-Type", "application/json"}},
                        body.dump()};
  auto response = perform(m_http, request, http::url_host(m_base_url));
  if (!response) {
    return util::unexpected(response.error());
  }
  auto jobs = decode_bulk_status(response->body);
  if (!jobs || response->status != 200) {
    return util::unexpected(ApiError{ApiErrorKind::bad_response, response->status, {},
                                     where(request) + ": " + (jobs ? "unexpected HTTP " + std::to_string(response->status) : jobs.error())});
  }
  return std::move(*jobs);
}

}  // namespace creatorscore
