// Paths over real HTTP: libcurl sends the path as built (CURLOPT_PATH_AS_IS), and creatorscore::Client
// builds one that names the endpoint meant whatever a handle or job id holds; the simulator's
// per-route counters say where each request landed.

#include <doctest/doctest.h>

#include "harness.hpp"

using namespace client_http;

TEST_SUITE("client_http: paths") {
  TEST_CASE("CurlTransport sends `/..` as it is: libcurl does not squash it into another endpoint") {
    SimProcess sim(k_scale, sim_flags());
    SimAdmin admin(sim);
    http::CurlTransport transport(http::CurlOptions{});
    // Squashed, /api/v1/jobs/../account would be GET /api/v1/account, which answers 200.
    const http::Request request{http::Method::get, sim.base_url() + "/api/v1/jobs/../account",
                                {{"X-API-Key", k_key}, {"Accept", "application/json"}}, {}};
    const auto response = transport.send(request);
    REQUIRE_MESSAGE(response, (response ? "" : response.error().message));
    CHECK(response->status == 404);
    CHECK(admin.stats()["requests_by_route"] == json{{"GET (unknown)", 1}});
  }

  TEST_CASE("creatorscore::Client: a handle or a job id of dots reaches its own endpoint, encoded") {
    SimProcess sim(k_scale, sim_flags());
    Stack stack(sim);
    SimAdmin admin(sim);
    (void)stack.api().lookup({core::Platform::tiktok, ".."}, {"narrative"});
    (void)stack.api().lookup({core::Platform::x, "."});
    const auto job = stack.api().job("..");
    REQUIRE_MESSAGE(job, (job ? "" : job.error().message));
    CHECK(job->state == creatorscore::JobState::not_found);
    CHECK(admin.stats()["requests_by_route"] ==
          json{{"GET /api/v1/creators/{platform}/{handle}", 2}, {"GET /api/v1/jobs/{job_id}", 1}});
    for (const Exchange& exchange : stack.exchanges()) {
      CHECK(exchange.url.find("/.") == std::string::npos);
    }
  }
}
