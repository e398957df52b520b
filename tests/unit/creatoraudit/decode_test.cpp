#include "creatoraudit/decode.hpp"

#include <doctest/doctest.h>

#include <string>

using creatoraudit::MetricValue;

namespace {

// "name=value" for each metric of an item, in order; numbers bare, text quoted, empty as "-".
std::vector<std::string> cells(const creatoraudit::AccountMetrics& item) {
  std::vector<std::string> out;
  for (const auto& metric : item.metrics) {
    const auto& value = metric.value;
    out.push_back(metric.name + "=" +
                  (value.kind == MetricValue::Kind::empty    ? std::string("-")
                   : value.kind == MetricValue::Kind::number ? value.text
                                                             : "'" + value.text + "'"));
  }
  return out;
}

}  // namespace

TEST_SUITE("creatoraudit::decode") {
  TEST_CASE("decode_problem: an RFC 9457 document gives every field; X-Request-ID wins over request_id") {
    const std::string body =
        R"({"type":"https://docs.creatoraudit.com/errors/validation","title":"Validation failed",
      "status":422,"detail":"The request body is invalid.","code":"VALIDATION_ERROR","request_id":"req_body",
      "errors":[{"field":"username","message":"no such TikTok user"},
                {"field":"platform","message":"unknown"}]})";
    const auto problem = creatoraudit::decode_problem(422, body, std::string("req_header"));
    CHECK(problem.is_document);
    CHECK(problem.status == 422);
    CHECK(problem.code == "VALIDATION_ERROR");
    CHECK(problem.title == "Validation failed");
    CHECK(problem.detail == "The request body is invalid.");
    CHECK(problem.type == "https://docs.creatoraudit.com/errors/validation");
    REQUIRE(problem.errors.size() == 2);
    CHECK(problem.errors[0].field == "username");
    CHECK(problem.errors[0].message == "no such TikTok user");
    CHECK(problem.request_id == "req_header");
    CHECK(creatoraudit::describe(problem) ==
          "HTTP 422 Unprocessable Content, VALIDATION_ERROR: The request body is invalid. "
          "[username: no such TikTok user; platform: unknown] (X-Request-ID req_header)");

    // Without the header, the body's request_id; errors keyed by field are read too.
    const auto keyed = creatoraudit::decode_problem(
        422, R"({"code":"VALIDATION_ERROR","request_id":"req_body","errors":{"username":["taken","short"]}})",
        std::nullopt);
    CHECK(keyed.request_id == "req_body");
    REQUIRE(keyed.errors.size() == 2);
    CHECK(keyed.errors[1].field == "username");
    CHECK(keyed.errors[1].message == "short");
  }

  TEST_CASE(
      "decode_problem: a body that is no problem document still gives the status, reason and request id") {
    const auto html = creatoraudit::decode_problem(
        502, "<html><head><title>502 Bad Gateway</title></head><body>nginx</body></html>",
        std::string("req_9"));
    CHECK_FALSE(html.is_document);
    CHECK(html.status == 502);
    CHECK(html.code.empty());
    CHECK(creatoraudit::describe(html) ==
          "HTTP 502 Bad Gateway (the body was no problem document) (X-Request-ID req_9)");

    for (const char* body : {"", "{", "[1,2]", "null", "\"text\"", "{\"code\":"}) {
      CAPTURE(body);
      const auto problem = creatoraudit::decode_problem(503, body, std::nullopt);
      CHECK_FALSE(problem.is_document);
      CHECK(creatoraudit::describe(problem) ==
            "HTTP 503 Service Unavailable (the body was no problem document) (no X-Request-ID)");
    }
    // Wrong types are ignored field by field, not the whole document.
    const auto odd =
        creatoraudit::decode_problem(403, R"({"code":42,"detail":["x"],"title":"Forbidden"})", {});
    CHECK(odd.is_document);
    CHECK(creatoraudit::describe(odd) == "HTTP 403 Forbidden: Forbidden (no X-Request-ID)");
  }

  TEST_CASE("describe: server text is one line of bounded length, and the error list is cut") {
    creatoraudit::Problem problem;
    problem.status = 422;
    problem.is_document = true;
    problem.code = "VALIDATION_ERROR";
    problem.detail = "line one\nline two\r\t" + std::string(1000, 'x');
    for (int i = 0; i < 8; ++i) {
      problem.errors.push_back({"account_ids[" + std::to_string(i) + "]", "unknown"});
    }
    problem.request_id = "req\n1";
    const std::string text = creatoraudit::describe(problem);
    CHECK(text.find('\n') == std::string::npos);
    CHECK(text.find('\r') == std::string::npos);
    CHECK(text.size() < 800);
    CHECK(text.find("line one line two") != std::string::npos);
    CHECK(text.find("; and 3 more]") != std::string::npos);
    CHECK(text.find("(X-Request-ID req 1)") != std::string::npos);
  }

  TEST_CASE("decode_whoami and decode_meta: wrapped in data; meta bare too") {
    const auto me = creatoraudit::decode_whoami(
        R"({"data":{"type":"whoami","organization_id":"0b3f2c14-9a6d","api_key_name":"Production key",)"
        R"("new":1}})");
    REQUIRE(me);
    CHECK(me->organization_id == "0b3f2c14-9a6d");
    CHECK(me->api_key_name == "Production key");
    CHECK_FALSE(creatoraudit::decode_whoami(R"({"data":{"api_key_name":"x"}})"));
    CHECK_FALSE(creatoraudit::decode_whoami(R"({"organization_id":"x"})"));

    const auto wrapped = creatoraudit::decode_meta(
        R"({"data":{"version":"2.4.1","openapi_url":"https://x/openapi.json","docs_url":"https://docs"}})");
    REQUIRE(wrapped);
    CHECK(wrapped->version == "2.4.1");
    CHECK(wrapped->openapi_url == "https://x/openapi.json");
    const auto bare = creatoraudit::decode_meta(R"({"version":"2.4.1","docs_url":"https://docs"})");
    REQUIRE(bare);
    CHECK(bare->version == "2.4.1");
    CHECK(bare->docs_url == "https://docs");
    CHECK_FALSE(creatoraudit::decode_meta("<html>"));
  }

  TEST_CASE("decode_account: nullable fields, unknown fields, no id is an error") {
    const auto fresh = creatoraudit::decode_account(
        R"({"data":{"id":"acc-1","platform":"tiktok","username":"natgeo","category":null,
            "scrape_interval_hours":24,"created_at":"2026-06-14T09:30:00Z","last_scrape_time":null,
            "extra":{}}})");
    REQUIRE(fresh);
    CHECK(fresh->id == "acc-1");
    CHECK(fresh->username == "natgeo");
    CHECK(fresh->category.empty());
    CHECK(fresh->scrape_interval_hours == 24);
    CHECK_FALSE(fresh->refreshed());
    const auto scraped = creatoraudit::decode_account(
        R"({"data":{"id":"acc-1","last_scrape_time":"2026-06-14T10:00:00Z","scrape_interval_hours":"x"}})");
    REQUIRE(scraped);
    CHECK(scraped->refreshed());
    CHECK(*scraped->last_scrape_time == "2026-06-14T10:00:00Z");
    CHECK_FALSE(scraped->scrape_interval_hours);
    CHECK_FALSE(creatoraudit::decode_account(R"({"data":{"username":"x"}})"));
    CHECK_FALSE(creatoraudit::decode_account(R"({"data":[]})"));
  }

  TEST_CASE("decode_account_page: items, pagination, and what stands in for missing parts") {
    const auto page = creatoraudit::decode_account_page(
        R"({"data":[{"id":"a"},{"username":"no id"},7,{"id":"b","last_scrape_time":"2026-01-01T00:00:00Z"}],
            "pagination":{"next_cursor":"eyJvIjoyMDB9==","has_next":true,"limit":200},
            "filters":{"platform":"tiktok"}})");
    REQUIRE(page);
    REQUIRE(page->accounts.size() == 2);
    CHECK(page->accounts[1].refreshed());
    CHECK(page->skipped == 2);
    CHECK(page->pagination.has_next);
    CHECK(page->pagination.next_cursor == "eyJvIjoyMDB9==");
    CHECK(page->pagination.limit == 200);

    const auto last = creatoraudit::decode_account_page(
        R"({"data":[],"pagination":{"next_cursor":null,"has_next":false}})");
    REQUIRE(last);
    CHECK_FALSE(last->pagination.has_next);
    // No has_next: a cursor means another page; no pagination at all: the only page.
    const auto implied =
        creatoraudit::decode_account_page(R"({"data":[],"pagination":{"next_cursor":"c2"}})");
    REQUIRE(implied);
    CHECK(implied->pagination.has_next);
    const auto single = creatoraudit::decode_account_page(R"({"data":[{"id":"a"}]})");
    REQUIRE(single);
    CHECK_FALSE(single->pagination.has_next);
    CHECK_FALSE(creatoraudit::decode_account_page(R"({"data":{"id":"a"}})"));
  }

  TEST_CASE("decode_metrics: every field in the order sent, unknown ones included; nulls empty") {
    const auto page = creatoraudit::decode_metrics(R"({"data":[
        {"account_id":"acc-ig","period":"30d","start_date":"2026-05-15","end_date":"2026-06-14",
         "followers":120500,"followers_change":-340,"posts":18,"views":2400000,"likes":98000,"comments":1200,
         "shares":430,"saved_count":3100,"engagement_rate":0.0345,"brand_new_metric":7},
        {"account_id":"acc-tt","period":"30d","start_date":"2026-05-15","end_date":"2026-06-14",
         "views":5,"saved_count":null,"engagement_rate":null,"followers":10}],
      "meta":{"period":"30d","start_date":"2026-05-15","end_date":"2026-06-14"},"unknown_top":true})");
    REQUIRE(page);
    CHECK(page->period == "30d");
    CHECK(page->start_date == "2026-05-15");
    REQUIRE(page->items.size() == 2);
    const auto& ig = page->items[0];
    CHECK(ig.account_id == "acc-ig");
    CHECK(ig.period == "30d");
    CHECK(ig.end_date == "2026-06-14");
    CHECK(cells(ig) == std::vector<std::string>{"followers=120500", "followers_change=-340", "posts=18",
                                                "views=2400000", "likes=98000", "comments=1200", "shares=430",
                                                "saved_count=3100", "engagement_rate=0.0345",
                                                "brand_new_metric=7"});
    CHECK(ig.metrics[8].value.number == doctest::Approx(0.0345));
    CHECK(ig.scraped());
    // Not the alphabetical order a plain JSON object would give.
    CHECK(cells(page->items[1]) ==
          std::vector<std::string>{"views=5", "saved_count=-", "engagement_rate=-", "followers=10"});
    // The item verbatim, in the order sent, for the JSON output.
    CHECK(page->items[1].item_json ==
          R"({"account_id":"acc-tt","period":"30d","start_date":"2026-05-15","end_date":"2026-06-14",)"
          R"("views":5,"saved_count":null,"engagement_rate":null,"followers":10})");
  }

  TEST_CASE("decode_metrics: nested objects, arrays, booleans, odd names, duplicates, not yet scraped") {
    const auto page = creatoraudit::decode_metrics(R"json({"data":[
        {"account_id":"a1","audience":{"top_country":"US","share":0.4,"deep":{"x":1},"gone":null},
         "tags":["travel",3,null],"mixed":[1,{"x":2}],"verified":true,"note":"=HYPERLINK(1)",
         "bad name":1,"audience_share":99,"views":1,"views":2},
        {"account_id":"a2","period":"7d","views":null,"likes":null,"breakdown":{"a":null}},
        {"account_id":"a3"},
        {"account_id":"a1","views":999},
        {"period":"7d","views":1},
        "not an object"]})json");
    REQUIRE(page);
    REQUIRE(page->items.size() == 3);
    // Duplicate keys: nlohmann keeps the last value at the first place; a generated name that an
    // actual field repeats keeps its first value.
    CHECK(cells(page->items[0]) == std::vector<std::string>{"audience_top_country='US'", "audience_share=0.4",
                                                            "audience_gone=-", "tags='travel; 3; '",
                                                            "note='=HYPERLINK(1)'", "views=2"});
    CHECK(page->items[0].scraped());
    CHECK(cells(page->items[1]) == std::vector<std::string>{"views=-", "likes=-", "breakdown_a=-"});
    CHECK_FALSE(page->items[1].scraped());
    CHECK(page->items[2].metrics.empty());
    CHECK_FALSE(page->items[2].scraped());
  }

  TEST_CASE("decode_metrics: bodies that are not the promised shape are errors, never a crash") {
    CHECK_FALSE(creatoraudit::decode_metrics(R"({"data":{"account_id":"a"}})"));
    CHECK_FALSE(creatoraudit::decode_metrics(R"({"meta":{}})"));
    CHECK_FALSE(creatoraudit::decode_metrics("<html>"));
    CHECK_FALSE(creatoraudit::decode_metrics(std::string(100000, '[')));
    const auto empty = creatoraudit::decode_metrics(R"({"data":[]})");
    REQUIRE(empty);
    CHECK(empty->items.empty());
    // At most 256 metrics per item.
    std::string wide = R"({"data":[{"account_id":"a")";
    for (int i = 0; i < 400; ++i) {
      wide += ",\"m" + std::to_string(i) + "\":" + std::to_string(i);
    }
    wide += "}]}";
    const auto capped = creatoraudit::decode_metrics(wide);
    REQUIRE(capped);
    CHECK(capped->items[0].metrics.size() == 256);
  }

  TEST_CASE("decoders: every prefix of a valid answer gives a value or an error, never a crash") {
    const std::string metrics =
        R"({"data":[{"account_id":"a","period":"7d","views":1,"o":{"x":"y"},"t":["a",1]}],)"
        R"("meta":{"period":"7d"}})";
    const std::string page =
        R"({"data":[{"id":"a","last_scrape_time":null}],"pagination":{"next_cursor":"c",)"
        R"("has_next":true,"limit":200}})";
    const std::string problem =
        R"({"status":422,"code":"VALIDATION_ERROR","errors":[{"field":"f","message":"m"}]})";
    for (const std::string* body : {&metrics, &page, &problem}) {
      for (std::size_t cut = 0; cut < body->size(); ++cut) {
        const std::string_view prefix(body->data(), cut);
        CHECK_FALSE(creatoraudit::decode_metrics(prefix));
        CHECK_FALSE(creatoraudit::decode_account_page(prefix));
        CHECK_FALSE(creatoraudit::decode_problem(400, prefix, std::nullopt).is_document);
      }
    }
  }
}
