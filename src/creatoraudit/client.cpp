#include "creatoraudit/client.hpp"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <set>

#include "creatoraudit/decode.hpp"
#include "creatoraudit/pagination.hpp"
#include "util/text.hpp"

namespace creatoraudit {

namespace {

using nlohmann::json;

// A call refused before anything is sent: the caller broke a precondition.
ApiError refused_locally(const std::string& what) {
  ApiError error;
  error.kind = ApiErrorKind::bad_request;
  error.message = what;
  return error;
}

// Sent as a header: printable ASCII only, so no key can split the request.
bool is_header_safe(std::string_view value) {
  return !value.empty() && value.size() <= 255 &&
         std::all_of(value.begin(), value.end(), [](char c) { return c > 0x20 && c < 0x7f; });
}

bool says_replayed(const http::Response& response) {
  for (const char* name : {"Idempotent-Replayed", "Idempotency-Replayed"}) {
    if (const auto value = response.header(name);
        value && util::equals_ignoring_case(util::trim(*value), "true")) {
      return true;
    }
  }
  return false;
}

// The asked ids a 422's `errors` name: `account_ids[i]` by position, or the id inside a message.
std::vector<std::string> ids_named(const Problem& problem, const std::vector<std::string>& asked) {
  std::set<std::size_t> named;
  const std::string prefix = "account_ids[";
  for (const FieldError& error : problem.errors) {
    if (error.field.size() > prefix.size() + 1 && error.field.compare(0, prefix.size(), prefix) == 0 &&
        error.field.back() == ']') {
      const std::string digits = error.field.substr(prefix.size(), error.field.size() - prefix.size() - 1);
      const auto is_digit = [](char c) { return c >= '0' && c <= '9'; };
      if (!digits.empty() && digits.size() < 4 && std::all_of(digits.begin(), digits.end(), is_digit)) {
        if (const auto index = static_cast<std::size_t>(std::stoul(digits)); index < asked.size()) {
          named.insert(index);
        }
      }
    }
    for (std::size_t i = 0; i < asked.size(); ++i) {
      if (!asked[i].empty() && error.message.find(asked[i]) != std::string::npos) {
        named.insert(i);
      }
    }
  }
  std::vector<std::string> ids;
  std::set<std::string> unique;
  for (std::size_t index : named) {
    if (unique.insert(asked[index]).second) {
      ids.push_back(asked[index]);
    }
  }
  return ids;
}

// A GET whose 200 carries one resource.
template <typename T>
util::Expected<T, ApiError> fetch_one(Session& session, const Call& call,
                                      util::Expected<T, DecodeError> (*decode)(std::string_view)) {
  auto response = session.send(call);
  if (!response) {
    return util::unexpected(response.error());
  }
  if (response->status != 200) {
    return util::unexpected(session.unexpected_answer(call, *response));
  }
  auto value = decode(response->body);
  if (!value) {
    return util::unexpected(session.bad_body(call, *response, value.error()));
  }
  return std::move(*value);
}

}  // namespace

util::Expected<WhoAmI, ApiError> Client::whoami() {
  return fetch_one<WhoAmI>(m_session, {http::Method::get, "/whoami", {}, {}, {}, Auth::bearer},
                           decode_whoami);
}

util::Expected<Meta, ApiError> Client::meta() {
  return fetch_one<Meta>(m_session, {http::Method::get, "/meta", {}, {}, {}, Auth::none}, decode_meta);
}

util::Expected<std::vector<Account>, ApiError> Client::list_accounts(core::Platform platform) {
  std::vector<Account> accounts;
  const auto read_page = [&](std::string_view body) -> util::Expected<Pagination, std::string> {
    auto page = decode_account_page(body);
    if (!page) {
      return util::unexpected(page.error());
    }
    for (Account& account : page->accounts) {
      accounts.push_back(std::move(account));
    }
    return page->pagination;
  };
  auto pages = for_each_page(m_session, "/accounts",
                             {{"platform", std::string(core::platform_name(platform))}}, read_page);
  if (!pages) {
    return util::unexpected(pages.error());
  }
  return accounts;
}

util::Expected<TrackResult, ApiError> Client::track_account(core::Platform platform,
                                                            const std::string& username,
                                                            const std::string& idempotency_key) {
  if (!is_header_safe(idempotency_key)) {
    return util::unexpected(
        refused_locally("POST /accounts needs an Idempotency-Key of printable characters"));
  }
  const json body = {{"platform", core::platform_name(platform)}, {"username", username}};
  Call call{http::Method::post,
            "/accounts",
            {},
            body.dump(-1, ' ', false, json::error_handler_t::replace),
            {{"Idempotency-Key", idempotency_key}},
            Auth::bearer};
  auto response = m_session.send(call);
  if (!response) {
    return util::unexpected(response.error());
  }
  const int status = response->status;
  TrackResult result;
  if (status >= 200 && status < 300) {
    auto account = decode_account(response->body);
    if (!account) {
      return util::unexpected(m_session.bad_body(call, *response, account.error()));
    }
    result.account = std::move(*account);
    result.outcome = says_replayed(*response) ? TrackOutcome::replayed
                     : status == 200          ? TrackOutcome::existing
                                              : TrackOutcome::created;
    return result;
  }
  if (status != 409 && status != 422 && status != 403) {
    return util::unexpected(m_session.unexpected_answer(call, *response));
  }
  // Session::send passes a 403 through only for QUOTA_EXCEEDED.
  result.outcome = status == 409   ? TrackOutcome::conflict
                   : status == 422 ? TrackOutcome::invalid
                                   : TrackOutcome::quota_exceeded;
  ApiError error = m_session.unexpected_answer(call, *response);
  result.problem = std::move(error.problem);
  result.message = describe(result.problem);
  return result;
}

util::Expected<AccountFetch, ApiError> Client::get_account(const std::string& id, const std::string& etag) {
  if (id.empty()) {
    return util::unexpected(refused_locally("GET /accounts/{id} needs an account id"));
  }
  Call call{http::Method::get, "/accounts/" + util::percent_encode(id), {}, {}, {}, Auth::bearer};
  if (!etag.empty()) {
    if (!is_header_safe(etag)) {
      return util::unexpected(
          refused_locally("an ETag held for account " + id + " is not a valid header value"));
    }
    call.headers.emplace_back("If-None-Match", etag);
  }
  auto response = m_session.send(call);
  if (!response) {
    return util::unexpected(response.error());
  }
  AccountFetch fetch;
  if (response->status == 304 && !etag.empty()) {
    fetch.outcome = FetchOutcome::unchanged;
    fetch.etag = etag;
    return fetch;
  }
  if (response->status == 404) {
    fetch.outcome = FetchOutcome::not_found;
    fetch.problem = m_session.unexpected_answer(call, *response).problem;
    return fetch;
  }
  if (response->status != 200) {
    return util::unexpected(m_session.unexpected_answer(call, *response));
  }
  auto account = decode_account(response->body);
  if (!account) {
    return util::unexpected(m_session.bad_body(call, *response, account.error()));
  }
  fetch.account = std::move(*account);
  fetch.etag = response->header("ETag").value_or("");
  if (!is_header_safe(fetch.etag)) {
    fetch.etag.clear();  // one we could not send back is as good as none
  }
  return fetch;
}

util::Expected<MetricsResult, ApiError> Client::metrics(Period period,
                                                        const std::vector<std::string>& account_ids) {
  if (account_ids.empty() || account_ids.size() > k_max_metrics_ids) {
    return util::unexpected(refused_locally("POST /accounts/metrics takes 1 to " +
                                            std::to_string(k_max_metrics_ids) + " account ids, not " +
                                            std::to_string(account_ids.size())));
  }
  const json body = {{"period", period_name(period)}, {"account_ids", account_ids}};
  const Call call{http::Method::post,
                  "/accounts/metrics",
                  {},
                  body.dump(-1, ' ', false, json::error_handler_t::replace),
                  {},
                  Auth::bearer};
  auto response = m_session.send(call);
  if (!response) {
    return util::unexpected(response.error());
  }
  MetricsResult result;
  if (response->status == 422) {
    result.rejected = true;
    result.problem = m_session.unexpected_answer(call, *response).problem;
    result.rejected_ids = ids_named(result.problem, account_ids);
    result.message = describe(result.problem);
    return result;
  }
  if (response->status != 200) {
    return util::unexpected(m_session.unexpected_answer(call, *response));
  }
  auto page = decode_metrics(response->body);
  if (!page) {
    return util::unexpected(m_session.bad_body(call, *response, page.error()));
  }
  // Only what was asked: an item for another id (a server bug) must not land on some other row.
  const std::set<std::string> asked(account_ids.begin(), account_ids.end());
  std::erase_if(page->items, [&](const AccountMetrics& item) { return asked.count(item.account_id) == 0; });
  result.page = std::move(*page);
  return result;
}

}  // namespace creatoraudit
