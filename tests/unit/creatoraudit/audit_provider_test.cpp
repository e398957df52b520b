#include <doctest/doctest.h>

#include <algorithm>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "creatoraudit/audit_provider.hpp"
#include "creatoraudit/header_pacer.hpp"
#include "creatoraudit/idempotency_key.hpp"
#include "creatoraudit/session.hpp"
#include "http/client.hpp"
#include "sim/creatoraudit/accounts.hpp"
#include "sim/creatoraudit/audit_model.hpp"
#include "state/store.hpp"
#include "support/audit_sim_transport.hpp"
#include "support/manual_clock.hpp"

using namespace std::chrono_literals;

namespace audit_provider_test {

using creatoraudit::AuditProvider;
using creatoraudit::AuditProviderConfig;
using creatoraudit::AuditRecord;
using creatoraudit::AuditStatus;

// The audit client stack (HeaderPacer, retries, Session, Client) over the in-process model.
struct AuditWorld {
  explicit AuditWorld(sim::audit::AuditConfig config, std::string key = "ca_test_demo")
      : sim(std::move(config)), api_key(std::move(key)) {}
  test::ManualClock clock;
  sim::audit::Simulator sim;
  std::string api_key;
  test::AuditSimTransport transport{sim, clock};
  creatoraudit::HeaderPacer pacer{clock};
  http::Client http{transport, clock, pacer, http::RetryPolicy{}};
  creatoraudit::Session session{http, "https://api.creatoraudit.test/v2", api_key};
  creatoraudit::Client client{session};

  nlohmann::json stats() const { return sim.stats_json(clock.now()); }
  std::int64_t route(const std::string& name) const {
    const auto all = stats();
    const auto& routes = all["requests_by_route"];
    return routes.contains(name) ? routes[name].get<std::int64_t>() : 0;
  }
};

AuditRecord audit_lookup(std::size_t index, core::Platform platform, std::string handle) {
  AuditRecord record;
  record.index = index;
  record.platform = platform;
  record.handle = std::move(handle);
  return record;
}

// `count` lookups alternating instagram and tiktok, named PREFIX<i>.
std::vector<AuditRecord> covered_lookups(std::size_t count, const std::string& prefix = "creator_") {
  std::vector<AuditRecord> records;
  for (std::size_t i = 0; i < count; ++i) {
    records.push_back(audit_lookup(i, i % 2 == 0 ? core::Platform::instagram : core::Platform::tiktok,
                                   prefix + std::to_string(i)));
  }
  return records;
}

std::vector<sim::audit::SeedAccount> seeds_of(const std::vector<AuditRecord>& records) {
  std::vector<sim::audit::SeedAccount> seeds;
  for (const auto& record : records) {
    seeds.push_back({std::string(core::platform_name(record.platform)), record.handle});
  }
  return seeds;
}

// What the engine does with one provider: step while something is due, else sleep until next_due.
// Returns the steps taken; fails the test on a provider that says "due now" and does nothing.
int drive_audit(AuditProvider& provider, test::ManualClock& clock) {
  int steps = 0;
  int idle = 0;
  while (steps < 100000) {
    if (provider.step()) {
      ++steps;
      idle = 0;
      continue;
    }
    const auto due = provider.next_due();
    if (!due) {
      break;
    }
    if (*due > clock.now()) {
      clock.advance(*due - clock.now());
    } else if (++idle > 3) {
      FAIL("next_due() says now but step() does nothing");
      break;
    }
  }
  return steps;
}

std::size_t count_audit_status(const std::vector<AuditRecord>& records, AuditStatus status) {
  return static_cast<std::size_t>(
      std::count_if(records.begin(), records.end(), [&](const AuditRecord& r) { return r.status == status; }));
}

// The records a new process starts with: the roster's lookups, with what the state file holds.
std::vector<AuditRecord> reloaded(const state::MemoryStore& store, std::vector<AuditRecord> roster) {
  for (auto& record : roster) {
    record = audit_lookup(record.index, record.platform, record.handle);
  }
  const auto& kept = store.provider_file().at(std::string(creatoraudit::k_provider_name));
  for (const auto& [key, stored] : kept) {
    roster.at(stored.index) = creatoraudit::from_stored(stored);
  }
  return roster;
}

// Every metric of the item equals the model's truth for the account.
void check_truth(const AuditRecord& record, const std::string& period) {
  const auto item = nlohmann::ordered_json::parse(record.metrics_json);
  const auto truth = sim::audit::truth_metrics(core::platform_name(record.platform),
                                               sim::audit::canonical_username(record.handle), period);
  REQUIRE(truth.size() > 0);
  for (const auto& [name, value] : truth.items()) {
    CHECK_MESSAGE(item[name] == value, record.handle << " " << name);
  }
  CHECK(item["account_id"] == record.account_id);
}

// Logs begin_start into the same list the transport logs its sends into.
class OrderRecordingStore final : public state::Store {
 public:
  explicit OrderRecordingStore(std::vector<std::string>& events) : m_events(events) {}
  void begin_submit(const std::vector<const state::LookupRecord*>&) override {}
  void save(const std::vector<const state::LookupRecord*>&, const state::Totals&) override {}
  void begin_start(std::string_view provider, const std::vector<const state::ProviderRecord*>& records) override {
    for (const auto* record : records) {
      m_events.push_back("begin_start " + record->idempotency_key);
    }
    m_memory.begin_start(provider, records);
  }
  void save_records(std::string_view provider, const std::vector<const state::ProviderRecord*>& records) override {
    m_memory.save_records(provider, records);
  }

 private:
  std::vector<std::string>& m_events;
  state::MemoryStore m_memory;
};

}  // namespace audit_provider_test

using namespace audit_provider_test;

TEST_SUITE("creatoraudit::AuditProvider") {
  TEST_CASE("AuditProvider: 200 mixed lookups end with the model's metrics; other platforms send nothing") {
    std::vector<AuditRecord> records = covered_lookups(180);
    for (std::size_t i = 0; i < 16; ++i) {
      records.push_back(audit_lookup(records.size(), core::Platform::youtube, "yt_" + std::to_string(i)));
    }
    for (std::size_t i = 0; i < 4; ++i) {
      records.push_back(audit_lookup(records.size(), core::Platform::tiktok, "ghost_" + std::to_string(i)));
    }
    records[7].status = AuditStatus::invalid;  // never sent
    AuditWorld world{sim::audit::AuditConfig{}};
    state::MemoryStore store;
    AuditProvider provider(records, world.client, store, world.clock, AuditProviderConfig{});
    CHECK(provider.repeat_safety() == engine::RepeatSafety::durable_idempotency_key);
    CHECK(count_audit_status(records, AuditStatus::not_covered) == 16);

    drive_audit(provider, world.clock);
    const auto outcome = provider.finish();

    CHECK(count_audit_status(records, AuditStatus::metrics) == 179);
    CHECK(count_audit_status(records, AuditStatus::error) == 4);  // ghost_*: no such username (422)
    CHECK(records[7].status == AuditStatus::invalid);
    for (const auto& record : records) {
      if (record.status == AuditStatus::metrics) {
        CHECK(record.period == "30d");
        check_truth(record, "30d");
      }
    }
    for (const auto& target : world.transport.targets()) {
      CHECK(target.find("youtube") == std::string::npos);
      CHECK(target.find("creator_7&") == std::string::npos);
    }
    const auto stats = world.stats();
    CHECK(stats["duplicate_accounts"] == 0);
    CHECK(stats["second_tracks"] == 0);
    CHECK(stats["tracks_without_idempotency_key"] == 0);
    CHECK(stats["retry_after_violations"] == 0);
    CHECK(stats["requests_while_exhausted"] == 0);
    CHECK(world.route("POST /v2/accounts") == 183);  // 179 + 4 refused, none twice
    // Metrics in batches of at most 200, each id asked once, held until a batch is full or nothing
    // is left to refresh: ⌈179/200⌉ = 1 call, not one a refresh round.
    CHECK(stats["metrics_ids_requested"] == 179);
    CHECK(stats["metrics_calls"].get<std::int64_t>() == 1);
    CHECK(!outcome.fatal_code);
    CHECK(outcome.some_failed);
    CHECK(!outcome.pending_left);
    CHECK(!outcome.limit_left);
    const auto progress = provider.progress();
    CHECK(progress.name == "creatoraudit");
    CHECK(progress.covered == 183);
    CHECK(progress.done == 183);
    CHECK(progress.failed == 4);
    CHECK(progress.not_covered == 16);
    CHECK(!progress.next_due);
    // Every record's final state is in the store.
    CHECK(reloaded(store, records)[3].metrics_json == records[3].metrics_json);
  }

  TEST_CASE("AuditProvider: accounts the organization tracks already are listed, not POSTed") {
    std::vector<AuditRecord> records = covered_lookups(100);
    sim::audit::AuditConfig config;
    config.tracked = seeds_of(records);
    config.tracked_percent = 40;
    // Mixed case and a leading '@' in the roster still match the listing.
    records[0].handle = "@CREATOR_0";
    AuditWorld world{config};
    const auto pretracked = world.sim.accounts_of("Demo Agency").size();
    REQUIRE(pretracked > 20);
    REQUIRE(pretracked < 60);
    state::MemoryStore store;
    AuditProvider provider(records, world.client, store, world.clock, AuditProviderConfig{});
    drive_audit(provider, world.clock);
    provider.finish();
    CHECK(count_audit_status(records, AuditStatus::metrics) == 100);
    CHECK(world.route("POST /v2/accounts") == static_cast<std::int64_t>(100 - pretracked));
    CHECK(world.stats()["accounts_created"] == static_cast<std::int64_t>(100 - pretracked));
    CHECK(world.stats()["duplicate_accounts"] == 0);
    const auto anew = std::count_if(records.begin(), records.end(), [](const auto& r) { return r.tracked_anew; });
    CHECK(anew == static_cast<long>(100 - pretracked));
  }

  TEST_CASE("AuditProvider: metrics held for a full batch are fetched before the deadline") {
    std::vector<AuditRecord> records = covered_lookups(100);
    sim::audit::AuditConfig config;
    config.tracked = seeds_of(records);
    config.tracked_percent = 40;
    config.min_refresh = std::chrono::hours(3);  // no new account refreshes before the deadline
    config.max_refresh = std::chrono::hours(4);
    AuditWorld world{config};
    const auto pretracked = world.sim.accounts_of("Demo Agency").size();
    REQUIRE(pretracked > 20);
    state::MemoryStore store;
    AuditProviderConfig audit_config;
    const util::TimePoint deadline = world.clock.now() + std::chrono::minutes(30);
    audit_config.deadline = deadline;
    AuditProvider provider(records, world.client, store, world.clock, audit_config);
    // The engine's loop up to the deadline.
    for (int steps = 0; steps < 100000 && world.clock.now() < deadline; ++steps) {
      if (provider.step()) {
        continue;
      }
      const auto due = provider.next_due();
      REQUIRE(due.has_value());
      world.clock.advance(std::max(*due, world.clock.now() + std::chrono::milliseconds(1)) - world.clock.now());
    }
    const auto outcome = provider.finish();
    CHECK(count_audit_status(records, AuditStatus::metrics) == pretracked);
    CHECK(count_audit_status(records, AuditStatus::pending) == 100 - pretracked);
    CHECK(world.route("POST /v2/accounts/metrics") == 1);
    CHECK(outcome.pending_left);
  }

  TEST_CASE("AuditProvider: --audit-track existing sends no POST and leaves the rest not_tracked") {
    std::vector<AuditRecord> records = covered_lookups(50);
    sim::audit::AuditConfig config;
    config.tracked = seeds_of(records);
    config.tracked_percent = 40;
    AuditWorld world{config};
    const auto pretracked = world.sim.accounts_of("Demo Agency").size();
    state::MemoryStore store;
    AuditProviderConfig options;
    options.track = creatoraudit::TrackMode::existing;
    AuditProvider provider(records, world.client, store, world.clock, options);
    drive_audit(provider, world.clock);
    const auto outcome = provider.finish();
    CHECK(world.route("POST /v2/accounts") == 0);
    CHECK(count_audit_status(records, AuditStatus::metrics) == pretracked);
    CHECK(count_audit_status(records, AuditStatus::not_tracked) == 50 - pretracked);
    CHECK(outcome.some_failed);
    CHECK(!outcome.limit_left);
  }

  TEST_CASE("AuditProvider: the plan's quota stops tracking; a rerun after raising it duplicates nothing") {
    std::vector<AuditRecord> records = covered_lookups(60);
    sim::audit::AuditConfig config;
    config.quota = 25;
    AuditWorld world{config};
    state::MemoryStore store;
    {
      AuditProvider provider(records, world.client, store, world.clock, AuditProviderConfig{});
      drive_audit(provider, world.clock);
      const auto outcome = provider.finish();
      CHECK(outcome.limit_left);
      CHECK(count_audit_status(records, AuditStatus::metrics) == 25);
      CHECK(count_audit_status(records, AuditStatus::quota_exceeded) == 35);
      CHECK(world.route("POST /v2/accounts") == 26);  // one 403 QUOTA_EXCEEDED, then nothing more
      CHECK(world.stats()["quota_exceeded"] == 1);
    }
    world.sim.set_quota(100);
    std::vector<AuditRecord> resumed = reloaded(store, records);
    CHECK(count_audit_status(resumed, AuditStatus::quota_exceeded) == 35);
    AuditProvider again(resumed, world.client, store, world.clock, AuditProviderConfig{});
    drive_audit(again, world.clock);
    const auto outcome = again.finish();
    CHECK(!outcome.limit_left);
    CHECK(count_audit_status(resumed, AuditStatus::metrics) == 60);
    CHECK(world.route("POST /v2/accounts") == 26 + 35);
    CHECK(world.stats()["duplicate_accounts"] == 0);
    CHECK(world.stats()["second_tracks"] == 0);
    CHECK(world.stats()["accounts_created"] == 60);
  }

  TEST_CASE("AuditProvider: --audit-max-new stops tracking at N, the rest quota_exceeded") {
    std::vector<AuditRecord> records = covered_lookups(30);
    AuditWorld world{sim::audit::AuditConfig{}};
    state::MemoryStore store;
    AuditProviderConfig options;
    options.max_new = 10;
    AuditProvider provider(records, world.client, store, world.clock, options);
    drive_audit(provider, world.clock);
    const auto outcome = provider.finish();
    CHECK(world.route("POST /v2/accounts") == 10);
    CHECK(count_audit_status(records, AuditStatus::metrics) == 10);
    CHECK(count_audit_status(records, AuditStatus::quota_exceeded) == 20);
    CHECK(records.back().error.find("--audit-max-new 10") != std::string::npos);
    CHECK(outcome.limit_left);
    CHECK(!outcome.some_failed);
  }

  TEST_CASE("AuditProvider: a kill after a track took effect re-sends the same key; a replay, no duplicate") {
    std::vector<AuditRecord> records = covered_lookups(12);
    AuditWorld world{sim::audit::AuditConfig{}};
    state::MemoryStore store;
    world.transport.kill_after_tracks(5);
    {
      AuditProvider provider(records, world.client, store, world.clock, AuditProviderConfig{});
      CHECK_THROWS_AS(drive_audit(provider, world.clock), test::AuditKilled);
    }
    REQUIRE(world.transport.track_keys().size() == 5);
    const std::string lost_key = world.transport.track_keys().back();
    CHECK(world.stats()["accounts_created"] == 5);

    // A new process: only what the state file holds.
    world.transport.kill_after_tracks(1000);
    std::vector<AuditRecord> resumed = reloaded(store, records);
    AuditProvider provider(resumed, world.client, store, world.clock, AuditProviderConfig{});
    drive_audit(provider, world.clock);
    provider.finish();
    REQUIRE(world.transport.track_keys().size() == 13);  // 5, then the lost one again and 7 more
    CHECK(world.transport.track_keys()[5] == lost_key);  // the first track of the new run
    CHECK(count_audit_status(resumed, AuditStatus::metrics) == 12);
    const auto stats = world.stats();
    CHECK(stats["idempotent_replays"] == 1);
    CHECK(stats["duplicate_accounts"] == 0);
    CHECK(stats["second_tracks"] == 0);
    CHECK(stats["accounts_created"] == 12);
  }

  TEST_CASE("AuditProvider: the Idempotency-Key is durable in the store before its request is sent") {
    std::vector<AuditRecord> records = covered_lookups(6);
    AuditWorld world{sim::audit::AuditConfig{}};
    std::vector<std::string> events;
    world.transport.log_events_into(&events);
    OrderRecordingStore store(events);
    AuditProvider provider(records, world.client, store, world.clock, AuditProviderConfig{});
    drive_audit(provider, world.clock);
    std::size_t posts = 0;
    for (std::size_t i = 0; i < events.size(); ++i) {
      if (events[i].rfind("send POST ", 0) != 0 || events[i] == "send POST ") {
        continue;  // not a track (metrics carry no key)
      }
      ++posts;
      const std::string key = events[i].substr(std::string("send POST ").size());
      CHECK(creatoraudit::is_uuid(key));
      REQUIRE(i > 0);
      CHECK(events[i - 1] == "begin_start " + key);
    }
    CHECK(posts == 6);
  }

  TEST_CASE("AuditProvider: a rejected key is fatal 77 naming CreatorAudit, without a retry") {
    std::vector<AuditRecord> records = covered_lookups(4);
    AuditWorld world{sim::audit::AuditConfig{}, "ca_wrong_secret"};
    state::MemoryStore store;
    AuditProvider provider(records, world.client, store, world.clock, AuditProviderConfig{});
    drive_audit(provider, world.clock);
    const auto outcome = provider.finish();
    REQUIRE(outcome.fatal_code);
    CHECK(*outcome.fatal_code == core::ExitCode::key_rejected);
    CHECK(outcome.fatal_message.find("CreatorAudit") != std::string::npos);
    CHECK(outcome.fatal_message.find("ca_wrong_secret") == std::string::npos);
    CHECK(world.stats()["total_requests"] == 1);
    CHECK(outcome.pending_left);
    CHECK(!provider.next_due());
  }

  TEST_CASE("AuditProvider: first refreshes are awaited by listing when many, GET with ETag when few") {
    SUBCASE("many: listing pages, no GET") {
      std::vector<AuditRecord> records = covered_lookups(300);
      AuditWorld world{sim::audit::AuditConfig{}};
      state::MemoryStore store;
      AuditProvider provider(records, world.client, store, world.clock, AuditProviderConfig{});
      drive_audit(provider, world.clock);
      CHECK(count_audit_status(records, AuditStatus::metrics) == 300);
      CHECK(world.route("GET /v2/accounts/{id}") == 0);
      const std::int64_t listings = world.route("GET /v2/accounts");
      const std::int64_t tracks = world.route("POST /v2/accounts");
      const std::int64_t metrics = world.route("POST /v2/accounts/metrics");
      CHECK(tracks == 300);
      CHECK(world.stats()["metrics_ids_requested"] == 300);
      CHECK(metrics <= 2);  // ⌈300/200⌉: a full batch as soon as 200 are ready, then the rest
      // 2 discovery listings (one page each, nothing tracked yet), then each poll round lists both
      // platforms (150 accounts, one page each): far fewer than 300 GETs a round.
      CHECK(listings >= 4);
      CHECK(world.stats()["total_requests"] == listings + tracks + metrics);
      // Each round lists both platforms; first refreshes come within 2 h, so at most 30 rounds a
      // minute apart, then one every 5 minutes (the slow cadence), and a metrics batch per round.
      const std::int64_t rounds = (listings - 2) / 2;
      CHECK((listings - 2) % 2 == 0);
      CHECK(rounds <= 30 + 18 + 2);
      CHECK(metrics <= rounds + 1);
    }
    SUBCASE("few: GET /accounts/{id} with If-None-Match, 304 while unchanged") {
      std::vector<AuditRecord> records = covered_lookups(2);
      sim::audit::AuditConfig config;
      config.other_accounts = 500;  // a listing would take 2 pages a platform
      AuditWorld world{config};
      state::MemoryStore store;
      AuditProvider provider(records, world.client, store, world.clock, AuditProviderConfig{});
      drive_audit(provider, world.clock);
      CHECK(count_audit_status(records, AuditStatus::metrics) == 2);
      const std::int64_t listings = world.route("GET /v2/accounts");
      const std::int64_t gets = world.route("GET /v2/accounts/{id}");
      CHECK(listings == 4);  // discovery only: 2 pages on each platform
      CHECK(gets >= 2);
      CHECK(world.stats()["not_modified"].get<std::int64_t>() > 0);
      CHECK(world.route("POST /v2/accounts/metrics") <= 2);
      CHECK(world.stats()["total_requests"] ==
            listings + gets + 2 + world.route("POST /v2/accounts/metrics"));
    }
  }

  TEST_CASE("AuditProvider: all-null metrics stay pending and are asked again; ids the API rejects are errors") {
    std::vector<AuditRecord> records = covered_lookups(2);
    sim::audit::AuditConfig config;
    config.unscraped_as_nulls = true;
    config.min_refresh = std::chrono::minutes(10);
    config.max_refresh = std::chrono::minutes(20);
    AuditWorld world{config};
    state::MemoryStore store;
    {
      AuditProvider tracking(records, world.client, store, world.clock, AuditProviderConfig{});
      while (records[0].account_id.empty() || records[1].account_id.empty()) {
        REQUIRE(tracking.step());
      }
    }
    // A state that believes both refreshed (say, a file from another tool's run), plus an account
    // id the organization does not hold.
    for (auto& record : records) {
      record.last_scrape_time = "2026-06-09T10:00:00Z";
    }
    records.push_back(audit_lookup(2, core::Platform::tiktok, "gone"));
    records.back().account_id = "00000000-0000-4000-8000-000000000000";
    records.back().last_scrape_time = "2026-06-09T10:00:00Z";
    const auto start = world.clock.now();
    AuditProvider provider(records, world.client, store, world.clock, AuditProviderConfig{});
    drive_audit(provider, world.clock);
    const auto outcome = provider.finish();
    CHECK(records[2].status == AuditStatus::error);
    CHECK(records[2].error.find("00000000-0000-4000-8000-000000000000") != std::string::npos);
    CHECK(records[0].status == AuditStatus::metrics);
    CHECK(records[1].status == AuditStatus::metrics);
    check_truth(records[0], "30d");
    check_truth(records[1], "30d");
    const auto stats = world.stats();
    // The 422 (nothing fetched), then the two alone, null until their first refresh 10 to 20
    // minutes on, asked once a minute: a handful of calls, not one per step.
    CHECK(stats["metrics_calls"].get<std::int64_t>() >= 2);
    CHECK(stats["metrics_calls"].get<std::int64_t>() <= 2 + 21);
    CHECK(world.clock.now() - start >= std::chrono::minutes(9));
    CHECK(outcome.some_failed);
  }

  TEST_CASE("AuditProvider: AuditRecord survives the store round trip") {
    AuditRecord record = audit_lookup(3, core::Platform::instagram, "Foo");
    record.status = AuditStatus::metrics;
    record.account_id = "acc-1";
    record.idempotency_key = "0b3f2c14-9a6d-4f1e-8b2a-1c2d3e4f5a6b";
    record.tracked_anew = true;
    record.etag = "\"e1\"";
    record.last_scrape_time = "2026-06-09T10:00:00Z";
    record.period = "7d";
    record.metrics_json = R"({"account_id":"acc-1","views":3})";
    record.error = "none";
    const AuditRecord back = creatoraudit::from_stored(creatoraudit::to_stored(record));
    CHECK(back.index == 3);
    CHECK(back.status == AuditStatus::metrics);
    CHECK(back.account_id == record.account_id);
    CHECK(back.idempotency_key == record.idempotency_key);
    CHECK(back.tracked_anew);
    CHECK(back.etag == record.etag);
    CHECK(back.last_scrape_time == record.last_scrape_time);
    CHECK(back.period == "7d");
    CHECK(back.metrics_json == record.metrics_json);
    CHECK(back.error == "none");
    for (const auto status : {AuditStatus::pending, AuditStatus::metrics, AuditStatus::not_covered,
                              AuditStatus::not_tracked, AuditStatus::quota_exceeded, AuditStatus::error,
                              AuditStatus::invalid}) {
      CHECK(creatoraudit::parse_audit_status(creatoraudit::audit_status_name(status)) == status);
    }
    CHECK(!creatoraudit::parse_audit_status("bogus"));
  }
}
