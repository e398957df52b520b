#include "creatorscore/client.hpp"

#include <nlohmann/json.hpp>

#include "creatorscore/decode.hpp"
#include "http/client.hpp"
#include "http/url_policy.hpp"

namespace creatorscore {

namespace {

using nlohmann::json;

// RFC 3986 percent-encoding of everything but the unreserved characters, byte by byte (UTF-8
// handles become %XX sequences), so `#`, `?`, `/`, `%` and spaces cannot change the path.
std::string percent_encode(std::string_view text) {
  static constexpr char k_hex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : text) {
    const bool unreserved = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                            c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += k_hex[c >> 4];
      out += k_hex[c & 15];
    }
  }
  return out;
}

// "GET /api/v1/account": the request as the user can look it up in the API doc.
std::string where(const http::Request& request) {
  const std::string& url = request.url;
  const auto path = url.find("/api/v1");
  return (request.method == http::Method::get ? "GET " : "POST ") +
         (path == std::string::npos ? url : url.substr(path));
}

std::string attempts_text(int attempts) {
  return std::to_string(attempts) + (attempts == 1 ? " attempt" : " attempts");
}

// The error for a request that got no usable answer, in one line naming the request, the HTTP
// status and the API's code where there was one.
ApiError failure_error(const http::Failure& failure, const http::Request& request, const std::string& origin) {
  ApiError error;
  error.http_status = failure.last_status;
  switch (failure.kind) {
    case http::FailureKind::interrupted:
      error.kind = ApiErrorKind::interrupted;
      error.message = "interrupted while waiting to send " + where(request);
      return error;
    case http::FailureKind::fatal_error:
      error.kind = ApiErrorKind::refused;
      error.message = where(request) + " to " + origin + " was refused: " + failure.last_error;
      return error;
    case http::FailureKind::bad_body:
      error.kind = ApiErrorKind::bad_response;
      if (failure.last_error_kind == http::ErrorKind::too_large) {
        error.message = where(request) + ": " + failure.last_error + " (" + attempts_text(failure.attempts) +
                        "); try again later";
      } else {
        error.message = where(request) + ": " + failure.last_error + " (HTTP " +
                        std::to_string(failure.last_status) + ", " + attempts_text(failure.attempts) +
                        "); try again later";
      }
      return error;
    case http::FailureKind::gave_up:
      break;
  }
  error.kind = ApiErrorKind::unavailable;
  if (failure.last_status != 0) {
    error.code = decode_error_body(failure.last_body).code;
    error.message = "the API stayed unavailable after " + attempts_text(failure.attempts) + " (last: HTTP " +
                    std::to_string(failure.last_status) + (error.code.empty() ? "" : " " + error.code) + " on " +
                    where(request) + "); try again later";
  } else {
    const std::string kind(http::error_kind_name(failure.last_error_kind.value_or(http::ErrorKind::other)));
    error.message = "could not reach " + origin + ": " + kind + " after " + attempts_text(failure.attempts) +
                    (failure.last_error.empty() ? "" : " (" + failure.last_error + ")") +
                    "; check the network or --base-url";
  }
  return error;
}

enum class PassBadRequest { no, yes };

// Sends one request and turns whatever came back into a response with an expected status (200,
// 202, 404, and 400 when `pass_400`), or an ApiError for the statuses that end the request (401,
// 402, other 4xx, and failures after retries).
util::Expected<http::Response, ApiError> perform(http::Client& http_client, const http::Request& request,
                                                 const std::string& origin,
                                                 PassBadRequest pass_400 = PassBadRequest::no) {
  auto response = http_client.send(request, [](const http::Response& r) { return is_json_object(r.body); });
  if (!response) {
    return util::unexpected(failure_error(response.error(), request, origin));
  }
  const int status = response->status;
  if (status == 200 || status == 202 || status == 404 || (status == 400 && pass_400 == PassBadRequest::yes)) {
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
    // 1xx/3xx (redirects are not followed: they would carry the key elsewhere) and 5xx other than
    // the transient ones the client retries.
    error.kind = ApiErrorKind::unavailable;
    error.message = where(request) + " answered " + detail + "; check --base-url, or try again later";
  }
  return util::unexpected(error);
}

ApiError bad_response(const http::Request& request, int status, const std::string& what) {
  return ApiError{ApiErrorKind::bad_response, status, {},
                  where(request) + ": " + what + " (HTTP " + std::to_string(status) + ")"};
}

}  // namespace

Client::Client(http::Client& http, std::string base_url, std::string api_key)
    : m_http(http), m_base_url(std::move(base_url)), m_api_key(std::move(api_key)) {
  while (!m_base_url.empty() && m_base_url.back() == '/') {
    m_base_url.pop_back();  // "https://creatorscore.io/" + "/api/v1/..." would double the slash
  }
}

util::Expected<Account, ApiError> Client::account() {
  const http::Request request{http::Method::get, m_base_url + "/api/v1/account",
                              {{"X-API-Key", m_api_key}, {"Accept", "application/json"}}, {}};
  auto response = perform(m_http, request, http::url_origin(m_base_url));
  if (!response) {
    return util::unexpected(response.error());
  }
  if (response->status != 200) {
    return util::unexpected(bad_response(request, response->status, "unexpected status"));
  }
  auto account = decode_account(response->body);
  if (!account) {
    return util::unexpected(bad_response(request, 200, account.error()));
  }
  return std::move(*account);
}

util::Expected<ItemResult, ApiError> Client::lookup(const LookupRequest& creator,
                                                    const std::vector<std::string>& include) {
  std::string url = m_base_url + "/api/v1/creators/" + std::string(core::platform_name(creator.platform)) + "/" +
                    percent_encode(creator.handle);
  if (!include.empty()) {
    url += "?include=";
    for (std::size_t i = 0; i < include.size(); ++i) {
      url += (i > 0 ? "," : "") + percent_encode(include[i]);
    }
  }
  const http::Request request{http::Method::get, url, {{"X-API-Key", m_api_key}, {"Accept", "application/json"}},
                              {}};
  // A 400 (invalid_handle, unsupported_platform) is this creator's error, not the request's: the
  // caller reports it on the row, as it would a per-item error of /creators/bulk.
  auto response = perform(m_http, request, http::url_origin(m_base_url), PassBadRequest::yes);
  if (!response) {
    return util::unexpected(response.error());
  }
  if (response->status == 400) {
    const ErrorBody body = decode_error_body(response->body);
    ItemResult item;
    item.platform = core::platform_name(creator.platform);
    item.handle = creator.handle;
    item.outcome = ItemOutcome::error;
    item.error_code = body.code.empty() ? "invalid_request" : body.code;
    item.message = body.message;
    return item;
  }
  if (response->status == 404) {
    return util::unexpected(bad_response(request, 404, "unexpected status"));
  }
  auto item = decode_item(response->body);
  if (!item) {
    return util::unexpected(bad_response(request, response->status, item.error()));
  }
  return std::move(*item);
}

util::Expected<BulkSubmitResult, ApiError> Client::submit_bulk(const std::vector<LookupRequest>& creators) {
  if (creators.empty()) {
    return BulkSubmitResult{};  // nothing to ask: no request, no rate-limit slot spent
  }
  json body = {{"creators", json::array()}};
  for (const LookupRequest& creator : creators) {
    body["creators"].push_back({{"platform", core::platform_name(creator.platform)}, {"handle", creator.handle}});
  }
  // Handles come from the roster and may hold invalid UTF-8: replace it rather than throw.
  const http::Request request{
      http::Method::post, m_base_url + "/api/v1/creators/bulk",
      {{"X-API-Key", m_api_key}, {"Accept", "application/json"}, {"Content-Type", "application/json"}},
      body.dump(-1, ' ', false, json::error_handler_t::replace)};
  auto response = perform(m_http, request, http::url_origin(m_base_url));
  if (!response) {
    return util::unexpected(response.error());
  }
  if (response->status == 404) {
    return util::unexpected(bad_response(request, 404, "unexpected status"));
  }
  auto result = decode_bulk_submit(response->body);
  if (!result) {
    return util::unexpected(bad_response(request, response->status, result.error()));
  }
  return std::move(*result);
}

util::Expected<JobStatus, ApiError> Client::job(const std::string& job_id) {
  const http::Request request{http::Method::get, m_base_url + "/api/v1/jobs/" + percent_encode(job_id),
                              {{"X-API-Key", m_api_key}, {"Accept", "application/json"}}, {}};
  auto response = perform(m_http, request, http::url_origin(m_base_url));
  if (!response) {
    return util::unexpected(response.error());
  }
  auto job_status = decode_job(response->body);
  if (!job_status) {
    return util::unexpected(bad_response(request, response->status, job_status.error()));
  }
  // 404: unknown, expired, or another tenant's job, whatever the body's status field says.
  if (response->status == 404) {
    job_status->state = JobState::not_found;
    job_status->creator_json.clear();
  }
  if (job_status->job_id.empty()) {
    job_status->job_id = job_id;
  }
  return std::move(*job_status);
}

util::Expected<std::vector<JobStatus>, ApiError> Client::bulk_status(const std::vector<std::string>& job_ids) {
  if (job_ids.empty()) {
    return std::vector<JobStatus>{};
  }
  const json body = {{"job_ids", job_ids}};
  const http::Request request{
      http::Method::post, m_base_url + "/api/v1/jobs/bulk-status",
      {{"X-API-Key", m_api_key}, {"Accept", "application/json"}, {"Content-Type", "application/json"}},
      body.dump(-1, ' ', false, json::error_handler_t::replace)};
  auto response = perform(m_http, request, http::url_origin(m_base_url));
  if (!response) {
    return util::unexpected(response.error());
  }
  // The API doc says this endpoint always answers 200.
  if (response->status != 200) {
    return util::unexpected(bad_response(request, response->status, "unexpected status"));
  }
  auto jobs = decode_bulk_status(response->body);
  if (!jobs) {
    return util::unexpected(bad_response(request, 200, jobs.error()));
  }
  return std::move(*jobs);
}

}  // namespace creatorscore
