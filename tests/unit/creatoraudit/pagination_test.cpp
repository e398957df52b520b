#include "creatoraudit/pagination.hpp"

#include <doctest/doctest.h>

#include "audit_test_support.hpp"

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

std::string accounts_page(const std::vector<std::string>& ids, const std::string& cursor_json,
                          bool has_next) {
  std::string body = R"({"data":[)";
  for (std::size_t i = 0; i < ids.size(); ++i) {
    body += (i > 0 ? "," : "") + std::string(R"({"id":")") + ids[i] +
            R"(","platform":"tiktok","username":"u)" + ids[i] + R"("})";
  }
  return body + R"(],"pagination":{"next_cursor":)" + cursor_json + R"(,"has_next":)" +
         (has_next ? "true" : "false") + R"(,"limit":200},"filters":{"platform":"tiktok"}})";
}

}  // namespace

TEST_SUITE("creatoraudit::for_each_page") {
  TEST_CASE("list_accounts: the cursor goes back verbatim, the filters are kept, has_next false ends it") {
    audit_test::Stack s;
    // Cursors with bytes a query must escape: the server has to get them back byte for byte.
    const std::string first_cursor = "eyJvIjoyMDB9+/=&x y%";
    const std::string second_cursor = "c2|ü";
    s.transport.push(audit_test::answer(200, accounts_page({"a1", "a2"}, "\"eyJvIjoyMDB9+/=&x y%\"", true),
                                        audit_test::limit_headers(99, 0)));
    s.transport.push(
        audit_test::answer(200, accounts_page({"a3"}, "\"c2|ü\"", true), audit_test::limit_headers(98, 0)));
    s.transport.push(audit_test::answer(200, accounts_page({"a4"}, "\"ignored\"", false),
                                        audit_test::limit_headers(97, 0)));
    s.transport.push(audit_test::answer(200, accounts_page({"never"}, "null", false)));  // must not be asked
    auto accounts = s.client.list_accounts(core::Platform::tiktok);
    REQUIRE(accounts);
    REQUIRE(s.sent() == 3);
    REQUIRE(accounts->size() == 4);
    CHECK((*accounts)[3].id == "a4");
    CHECK(audit_test::query_of(s.request(0).url) == Params{{"platform", "tiktok"}, {"limit", "200"}});
    CHECK(audit_test::query_of(s.request(1).url) ==
          Params{{"platform", "tiktok"}, {"limit", "200"}, {"cursor", first_cursor}});
    CHECK(audit_test::query_of(s.request(2).url) ==
          Params{{"platform", "tiktok"}, {"limit", "200"}, {"cursor", second_cursor}});
    for (std::size_t i = 0; i < 3; ++i) {
      CHECK(s.request(i).url.rfind("https://api.test/v2/accounts?", 0) == 0);
      CHECK(s.request(i).url.find("include_total") == std::string::npos);
      CHECK(s.request(i).method == http::Method::get);
    }
  }

  TEST_CASE("for_each_page: the loop owns limit, cursor and include_total; other filters stay in order") {
    audit_test::Stack s;
    s.transport.push(audit_test::answer(200, accounts_page({}, "\"n1\"", true)));
    s.transport.push(audit_test::answer(200, accounts_page({}, "null", false)));
    std::size_t bodies = 0;
    const auto pages = creatoraudit::for_each_page(
        s.session, "/accounts",
        {{"platform", "instagram"},
         {"include_total", "true"},
         {"sort", "-created_at"},
         {"limit", "5"},
         {"cursor", "x"}},
        [&](std::string_view) -> util::Expected<creatoraudit::Pagination, std::string> {
          return bodies++ == 0 ? creatoraudit::Pagination{"n1", true, 200} : creatoraudit::Pagination{};
        });
    REQUIRE(pages);
    CHECK(*pages == 2);
    CHECK(audit_test::query_of(s.request(1).url) ==
          Params{{"platform", "instagram"}, {"sort", "-created_at"}, {"limit", "200"}, {"cursor", "n1"}});
  }

  TEST_CASE("for_each_page: a repeated cursor or has_next without a cursor stops with an error, not a loop") {
    SUBCASE("a cursor given twice (a cycle of two)") {
      audit_test::Stack s;
      s.transport.push(audit_test::answer(200, accounts_page({"a"}, "\"A\"", true)));
      s.transport.push(audit_test::answer(200, accounts_page({"b"}, "\"B\"", true)));
      s.transport.set_handler(
          [](const http::Request&) { return audit_test::answer(200, accounts_page({"c"}, "\"A\"", true)); });
      auto accounts = s.client.list_accounts(core::Platform::tiktok);
      REQUIRE_FALSE(accounts);
      CHECK(s.sent() == 3);
      CHECK(accounts.error().kind == creatoraudit::ApiErrorKind::bad_response);
      CHECK(accounts.error().message ==
            "CreatorAudit's answer to GET /accounts could not be read: the page repeats a cursor it gave "
            "before, "
            "which would loop for ever (the listing stopped after 3 pages) (HTTP 200, X-Request-ID req_200)");
    }
    SUBCASE("has_next with a null cursor") {
      audit_test::Stack s;
      s.transport.set_handler(
          [](const http::Request&) { return audit_test::answer(200, accounts_page({"a"}, "null", true)); });
      auto accounts = s.client.list_accounts(core::Platform::tiktok);
      REQUIRE_FALSE(accounts);
      CHECK(s.sent() == 1);
      CHECK(accounts.error().message.find("has_next but gives no next_cursor") != std::string::npos);
    }
  }

  TEST_CASE("list_accounts: a page that fails mid-walk ends it with that page's error") {
    audit_test::Stack s;
    s.transport.push(audit_test::answer(200, accounts_page({"a"}, "\"n\"", true)));
    s.transport.push(audit_test::answer(400, R"({"code":"INVALID_CURSOR","detail":"cursor expired"})"));
    auto accounts = s.client.list_accounts(core::Platform::instagram);
    REQUIRE_FALSE(accounts);
    CHECK(s.sent() == 2);
    CHECK(accounts.error().kind == creatoraudit::ApiErrorKind::bad_request);
    CHECK(accounts.error().message ==
          "CreatorAudit refused GET /accounts: HTTP 400 Bad Request, INVALID_CURSOR: cursor expired "
          "(X-Request-ID req_400)");
  }
}
