#include "creatoraudit/session.hpp"

#include "creatoraudit/decode.hpp"
#include "http/client.hpp"
#include "http/url_policy.hpp"
#include "util/text.hpp"

namespace creatoraudit {

namespace {

// What the user can do about a key CreatorAudit refused, by the code it gave: 401 UNAUTHORIZED (missing
// or invalid), 403 FORBIDDEN (key or subscription inactive), 403 INSUFFICIENT_SCOPE.
std::string key_advice(const Problem& problem) {
  if (problem.code == "INSUFFICIENT_SCOPE") {
    return "the key lacks a scope this needs: grant it in CreatorAudit's dashboard or use another key";
  }
  if (problem.status == 403) {
    return "the key or the subscription is inactive or disabled: check it in CreatorAudit's dashboard";
  }
  return "check CREATORAUDIT_API_KEY or --audit-key-file";
}

}  // namespace

Session::Session(http::Client& http, std::string base_url, std::string api_key)
    : m_http(http), m_base_url(std::move(base_url)), m_api_key(std::move(api_key)) {
  while (!m_base_url.empty() && m_base_url.back() == '/') {
    m_base_url.pop_back();
  }
}

std::string Session::where(const Call& call) const {
  return (call.method == http::Method::get ? "GET " : "POST ") + call.path;
}

std::string Session::url_of(const Call& call) const {
  std::string url = m_base_url + call.path;
  char separator = '?';
  for (const auto& [name, value] : call.query) {
    url += separator + util::percent_encode(name) + "=" + util::percent_encode(value);
    separator = '&';
  }
  return url;
}

std::string Session::masked(std::string text) const {
  // A key shorter than this would mask ordinary words; real keys are far longer.
  constexpr std::size_t k_min_masked = 6;
  if (m_api_key.size() < k_min_masked) {
    return text;
  }
  for (auto at = text.find(m_api_key); at != std::string::npos; at = text.find(m_api_key, at + 3)) {
    text.replace(at, m_api_key.size(), "***");
  }
  return text;
}

Problem Session::problem_of(const http::Response& response) const {
  Problem problem = decode_problem(response.status, response.body, response.header("X-Request-ID"));
  for (std::string* text :
       {&problem.type, &problem.code, &problem.title, &problem.detail, &problem.request_id}) {
    *text = masked(std::move(*text));
  }
  for (FieldError& error : problem.errors) {
    error.field = masked(std::move(error.field));
    error.message = masked(std::move(error.message));
  }
  return problem;
}

util::Expected<http::Response, ApiError> Session::send(const Call& call) {
  http::Request request{call.method, url_of(call), {{"Accept", "application/json"}}, call.body};
  if (call.auth == Auth::bearer) {
    request.headers.emplace_back("Authorization", "Bearer " + m_api_key);
  }
  if (call.method == http::Method::post) {
    request.headers.emplace_back("Content-Type", "application/json");
  }
  request.headers.insert(request.headers.end(), call.headers.begin(), call.headers.end());

  // 304 (and 204) come with no body by definition; any other answer must be a JSON object, else it
  // is retried like a truncated one.
  const auto body_check = [](const http::Response& r) {
    return r.status == 304 || r.status == 204 || is_json_object(r.body);
  };
  auto response = m_http.send(request, body_check);
  if (!response) {
    const http::Failure& failure = response.error();
    ApiError error;
    error.problem.status = failure.last_status;
    const std::string attempts =
        std::to_string(failure.attempts) + (failure.attempts == 1 ? " attempt" : " attempts");
    const std::string host = http::url_host(m_base_url);
    switch (failure.kind) {
      case http::FailureKind::interrupted:
        error.kind = ApiErrorKind::interrupted;
        error.message = "interrupted while waiting to send " + where(call) + " to CreatorAudit";
        return util::unexpected(error);
      case http::FailureKind::deadline:
        error.kind = ApiErrorKind::deadline;
        error.message = "the deadline came before " + where(call) + " to CreatorAudit could be retried";
        return util::unexpected(error);
      case http::FailureKind::fatal_error:
        error.kind = ApiErrorKind::refused;
        error.message = where(call) + " to CreatorAudit at " + host + " failed: " + failure.last_error;
        return util::unexpected(error);
      case http::FailureKind::bad_body:
      case http::FailureKind::gave_up:
        break;
    }
    if (failure.last_status == 0) {
      error.kind = ApiErrorKind::unavailable;
      error.message = "could not reach CreatorAudit at " + host + ": " + failure.last_error + " after " +
                      attempts + "; check the network or --audit-base-url";
      return util::unexpected(error);
    }
    const http::Response last{failure.last_status, failure.last_headers, failure.last_body, {}};
    error.problem = problem_of(last);
    if (failure.kind == http::FailureKind::bad_body) {
      error.kind = ApiErrorKind::bad_response;
      error.message = "CreatorAudit's answer to " + where(call) +
                      " was not the JSON promised: " + failure.last_error + " (HTTP " +
                      std::to_string(failure.last_status) + ", X-Request-ID " +
                      (error.problem.request_id.empty() ? "none" : error.problem.request_id) + ", " +
                      attempts + "); try again later";
    } else {
      error.kind = ApiErrorKind::unavailable;
      error.message = "CreatorAudit stayed unavailable: " + where(call) + " answered " +
                      describe(error.problem) + " after " + attempts + "; try again later";
    }
    return util::unexpected(error);
  }
  if (response->status == 401 || response->status == 403) {
    Problem problem = problem_of(*response);
    // QUOTA_EXCEEDED is about the plan, not the key: the call that can meet it reads it.
    if (!(response->status == 403 && problem.code == "QUOTA_EXCEEDED")) {
      ApiError error{ApiErrorKind::key_rejected, problem, {}};
      error.message = "CreatorAudit rejected the key at " + where(call) + " (" + describe(problem) +
                      "): " + key_advice(problem);
      return util::unexpected(error);
    }
  }
  return std::move(*response);
}

ApiError Session::unexpected_answer(const Call& call, const http::Response& response) const {
  ApiError error;
  error.problem = problem_of(response);
  const bool client_error = response.status >= 400 && response.status < 500;
  error.kind = client_error ? ApiErrorKind::bad_request : ApiErrorKind::unavailable;
  error.message = "CreatorAudit refused " + where(call) + ": " + describe(error.problem);
  if (!client_error) {
    error.message =
        "CreatorAudit answered " + where(call) + " with " + describe(error.problem) + "; try again later";
  }
  return error;
}

ApiError Session::bad_body(const Call& call, const http::Response& response,
                           const std::string& decode_error) const {
  ApiError error;
  error.kind = ApiErrorKind::bad_response;
  error.problem.status = response.status;
  error.problem.request_id = masked(response.header("X-Request-ID").value_or(""));
  error.message = "CreatorAudit's answer to " + where(call) + " could not be read: " + decode_error +
                  " (HTTP " + std::to_string(response.status) + ", X-Request-ID " +
                  (error.problem.request_id.empty() ? "none" : error.problem.request_id) + ")";
  return error;
}

}  // namespace creatoraudit
