#include "creatoraudit/pagination.hpp"

#include <set>

namespace creatoraudit {

namespace {

// Ten million accounts at 200 a page: past this a server handing out fresh cursors for ever is
// broken, and the walk must end.
constexpr std::size_t k_max_pages = 50000;

bool owned_by_the_loop(const std::string& name) {
  return name == "limit" || name == "cursor" || name == "include_total";
}

}  // namespace

util::Expected<std::size_t, ApiError> for_each_page(Session& session, const std::string& path,
                                                    const Query& filters, const PageReader& read_page) {
  Call call;
  call.method = http::Method::get;
  call.path = path;
  for (const auto& parameter : filters) {
    if (!owned_by_the_loop(parameter.first)) {
      call.query.push_back(parameter);
    }
  }
  call.query.emplace_back("limit", std::to_string(k_page_limit));
  const std::size_t cursor_slot = call.query.size();
  std::set<std::string> cursors_seen;
  for (std::size_t pages = 1;; ++pages) {
    auto response = session.send(call);
    if (!response) {
      return util::unexpected(response.error());
    }
    if (response->status != 200) {
      return util::unexpected(session.unexpected_answer(call, *response));
    }
    auto pagination = read_page(response->body);
    if (!pagination) {
      return util::unexpected(session.bad_body(call, *response, pagination.error()));
    }
    if (!pagination->has_next) {
      return pages;
    }
    std::string problem;
    if (pagination->next_cursor.empty()) {
      problem = "the page says has_next but gives no next_cursor";
    } else if (!cursors_seen.insert(pagination->next_cursor).second) {
      problem = "the page repeats a cursor it gave before, which would loop for ever";
    } else if (pages >= k_max_pages) {
      problem = "more than " + std::to_string(k_max_pages) + " pages";
    }
    if (!problem.empty()) {
      return util::unexpected(session.bad_body(
          call, *response, problem + " (the listing stopped after " + std::to_string(pages) + " pages)"));
    }
    call.query.resize(cursor_slot);
    call.query.emplace_back("cursor", pagination->next_cursor);
  }
}

}  // namespace creatoraudit
