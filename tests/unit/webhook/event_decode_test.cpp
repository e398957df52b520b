#include <doctest/doctest.h>

#include "creatorscore/decode.hpp"

TEST_SUITE("creatorscore::decode_webhook_event") {
  TEST_CASE("decode_webhook_event: score.completed carries the verbatim creator as a done job") {
    const auto event = creatorscore::decode_webhook_event(
        R"({"event":"score.completed","job_id":"fa9b","platform":"tiktok","handle":"alixearle",)"
        R"("creator":{"platform":"tiktok","handle":"alixearle","score":87},)"
        R"("delivered_at":"2026-05-25T03:42:11Z"})");
    REQUIRE(event.has_value());
    CHECK(event->kind == creatorscore::WebhookEventKind::score_completed);
    CHECK(event->job.job_id == "fa9b");
    CHECK(event->job.state == creatorscore::JobState::done);
    CHECK(event->job.creator_json == R"({"handle":"alixearle","platform":"tiktok","score":87})");
    CHECK(event->job.creator_named.handle == "alixearle");
    CHECK(event->platform == "tiktok");
    CHECK(event->delivered_at == "2026-05-25T03:42:11Z");
  }

  TEST_CASE("decode_webhook_event: score.failed is a failed job with its error (or 'failed')") {
    const auto with_error = creatorscore::decode_webhook_event(
        R"({"event":"score.failed","job_id":"j2","error":"profile_unavailable","extra":[1]})");
    REQUIRE(with_error.has_value());
    CHECK(with_error->kind == creatorscore::WebhookEventKind::score_failed);
    CHECK(with_error->job.state == creatorscore::JobState::failed);
    CHECK(with_error->job.error == "profile_unavailable");
    const auto bare = creatorscore::decode_webhook_event(R"({"event":"score.failed","job_id":"j3"})");
    REQUIRE(bare.has_value());
    CHECK(bare->job.error == "failed");
  }

  TEST_CASE("decode_webhook_event: what does not decode is an error, never a throw") {
    for (const char* body :
         {"", "not json", "[]", "{}", R"({"event":"score.completed","job_id":"j"})",
          R"({"event":"score.completed","job_id":"j","creator":null})",
          R"({"event":"score.completed","creator":{}})", R"({"event":"score.refunded","job_id":"j"})",
          R"({"event":7,"job_id":"j","creator":{}})", R"({"event":"score.failed","job_id":5})"}) {
      CAPTURE(body);
      CHECK_FALSE(creatorscore::decode_webhook_event(body).has_value());
    }
    const std::string full = R"({"event":"score.completed","job_id":"j","creator":{"a":[1,2,{"b":null}]}})";
    for (std::size_t length = 0; length < full.size(); ++length) {
      CAPTURE(length);
      CHECK_FALSE(creatorscore::decode_webhook_event(full.substr(0, length)).has_value());
    }
    CHECK(creatorscore::decode_webhook_event(full).has_value());
    CHECK_FALSE(creatorscore::decode_webhook_event(std::string(100000, '[')).has_value());
  }
}
