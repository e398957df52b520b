// The simulator's helpers: API time, tenant specs, config checks, URL decoding, job ids.
#include <doctest/doctest.h>

#include "sim/api_time.hpp"
#include "sim/config.hpp"
#include "sim/jobs.hpp"
#include "sim/messages.hpp"

using namespace std::chrono_literals;

TEST_SUITE("sim::helpers") {
  TEST_CASE("format_api_time: API time 0 is 2026-11-01, earlier instants work") {
    CHECK(sim::format_api_time(util::TimePoint{}) == "2026-11-01T00:00:00Z");
    CHECK(sim::format_api_time(util::TimePoint{} + util::Duration(90'061'999)) == "2026-11-02T01:01:01Z");
    CHECK(sim::format_api_time(util::TimePoint{} - util::Duration(1)) == "2026-10-31T23:59:59Z");
    CHECK(sim::format_api_time(util::TimePoint{} + util::Duration(61LL * 86400 * 1000)) == "2027-01-01T00:00:00Z");
  }

  TEST_CASE("parse_tenant_spec: KEY:NAME:BALANCE") {
    const auto tenant = sim::parse_tenant_spec("sk_1:Big Agency: Ltd:250");
    REQUIRE(tenant);
    CHECK(tenant->key == "sk_1");
    CHECK(tenant->name == "Big Agency: Ltd");
    CHECK(tenant->balance == 250);
    CHECK_FALSE(sim::parse_tenant_spec("sk_1:Name"));
    CHECK_FALSE(sim::parse_tenant_spec(":Name:5"));
    CHECK_FALSE(sim::parse_tenant_spec("k:Name:-5"));
    CHECK_FALSE(sim::parse_tenant_spec("k:Name:5x"));
  }

  TEST_CASE("validate_config: defaults pass, bad values are named") {
    CHECK(sim::validate_config(sim::SimConfig{}).empty());
    sim::SimConfig config;
    config.min_job = 2h;
    CHECK_FALSE(sim::validate_config(config).empty());
    config = {};
    config.faults.fault_drop = 1.5;
    CHECK_FALSE(sim::validate_config(config).empty());
    config = {};
    config.tenants.push_back(config.tenants.front());
    CHECK_FALSE(sim::validate_config(config).empty());
  }

  TEST_CASE("percent_decode and parse_query") {
    CHECK(sim::percent_decode("Foo%20bar%2f", false) == "Foo bar/");
    CHECK(sim::percent_decode("a+b%zz%", false) == "a+b%zz%");
    CHECK(sim::percent_decode("a+b", true) == "a b");
    const auto query = sim::parse_query("include=narrative%2Cvelocity&x&y=1");
    REQUIRE(query.size() == 3);
    CHECK(query[0] == std::pair<std::string, std::string>{"include", "narrative,velocity"});
    CHECK(query[1].first == "x");
  }

  TEST_CASE("make_job_id: canonical version-4 UUIDs") {
    sim::Rng rng(7);
    const std::string id = sim::make_job_id(rng);
    CHECK(id.size() == 36);
    CHECK(id[8] == '-');
    CHECK(id[14] == '4');
    CHECK(std::string("89ab").find(id[19]) != std::string::npos);
    CHECK(sim::make_job_id(rng) != id);
  }
}
