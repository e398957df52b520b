#include <doctest/doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "output/progress_printer.hpp"

using namespace std::chrono_literals;

namespace {

// Halfway through a run of 40: every field the live line can show has a value.
engine::Progress live_midway_progress() {
  engine::Progress p;
  p.unique = 40;
  p.cached = 10;
  p.scored = 8;
  p.failed = 2;
  p.in_flight = 20;
  p.credits_spent = 120;
  p.balance = 99'880;
  p.elapsed = 7min + 5s;
  p.next_poll = util::TimePoint{util::Duration(1'000'000)};
  return p;
}

std::string live_read_back(std::FILE* file) {
  std::fflush(file);
  std::rewind(file);
  std::string text;
  for (int c = std::fgetc(file); c != EOF; c = std::fgetc(file)) {
    text += static_cast<char>(c);
  }
  return text;
}

}  // namespace

TEST_CASE("live line: every field when it fits, in the order a reader scans them") {
  const output::LiveExtras extras{4min + 30s, 12s, true};
  const std::string line = output::live_line(live_midway_progress(), extras, 200);
  CHECK(line ==
        "[##########..........] 18/40 scored, ETA 4m30s, next poll in 12s, 20 in flight, 2 failed, "
        "10 cached, "
        "120 cr (99880 left), 7m5s");
}

TEST_CASE("live line: never wider than asked; the least useful fields go first") {
  const output::LiveExtras extras{4min + 30s, 12s, true};
  const engine::Progress p = live_midway_progress();
  const std::string full = output::live_line(p, extras, 1000);
  for (std::size_t width = 1; width <= full.size(); ++width) {
    CAPTURE(width);
    const std::string line = output::live_line(p, extras, width);
    CHECK(line.size() <= width);
    if (width >= 12) {
      CHECK(line.find("18/40 scored") != std::string::npos);  // the count is the last to go
    }
  }
  // At 79 columns (an 80-column terminal): the ETA and the countdown stay, the balance goes.
  const std::string at_80 = output::live_line(p, extras, 79);
  CHECK(at_80.find("ETA 4m30s") != std::string::npos);
  CHECK(at_80.find("next poll in 12s") != std::string::npos);
  CHECK(at_80.find("left)") == std::string::npos);
  // Very narrow: the count and the ETA, nothing else.
  CHECK(output::live_line(p, extras, 25) == "18/40 scored, ETA 4m30s");
}

TEST_CASE("live line: without a countdown a scheduled poll is 'soon'; none, no poll field") {
  engine::Progress p = live_midway_progress();
  const output::LiveExtras unknown_countdown{std::nullopt, std::nullopt, true};
  CHECK(output::live_line(p, unknown_countdown, 200).find("next poll soon") != std::string::npos);
  p.next_poll.reset();
  const std::string line = output::live_line(p, output::LiveExtras{}, 200);
  CHECK(line.find("next poll") == std::string::npos);
  CHECK(line.find("ETA") == std::string::npos);
}

TEST_CASE("progress printer: the countdown follows the API clock and the ETA the pace of results") {
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  auto steady = std::chrono::steady_clock::time_point{};
  output::ProgressPrinter printer(file, output::ProgressStyle::live, false, [&steady] { return steady; });
  util::TimePoint api_now{util::Duration(0)};
  printer.set_api_clock([&api_now] { return api_now; });
  printer.set_columns_source([] { return std::size_t{200}; });

  engine::Progress p;
  p.unique = 10;
  p.in_flight = 10;
  p.next_poll = util::TimePoint{util::Duration(600'000)};  // 10 minutes away
  printer.on_progress(p);
  CHECK(live_read_back(file).find("next poll in 10m") != std::string::npos);

  // Two rounds of results, a minute apart: 3 lookups a minute after the first round, 4 left.
  const auto round_of_results = [&](std::int64_t at_ms, std::size_t scored, std::int64_t next_poll_ms) {
    steady += 1s;
    api_now = util::TimePoint{util::Duration(at_ms)};
    p.elapsed = util::Duration(at_ms);
    p.scored = scored;
    p.in_flight = 10 - scored;
    p.next_poll = util::TimePoint{util::Duration(next_poll_ms)};
    printer.on_progress(p);
  };
  round_of_results(600'000, 3, 630'000);
  round_of_results(660'000, 6, 675'000);
  const std::string text = live_read_back(file);
  const std::string last = text.substr(text.rfind('\r'));
  CHECK(last.find("ETA 1m20s") != std::string::npos);
  CHECK(last.find("next poll in 15s") != std::string::npos);
  std::fclose(file);
}

TEST_CASE("progress printer: TERM=dumb moves no cursor, prints plain lines now and then, no colour") {
  const char* saved = std::getenv("TERM");
  const std::string saved_term = saved != nullptr ? saved : "";
  ::setenv("TERM", "dumb", 1);
  std::FILE* file = std::tmpfile();
  REQUIRE(file != nullptr);
  auto steady = std::chrono::steady_clock::time_point{};
  {
    output::ProgressPrinter printer(file, output::ProgressStyle::live, true, [&steady] { return steady; });
    printer.set_columns_source([] { return std::size_t{80}; });
    engine::Progress p = live_midway_progress();
    for (int second = 0; second < 25; ++second) {
      printer.on_progress(p);
      steady += 1s;
    }
    printer.on_warning("a warning");
    printer.finish();
  }
  if (saved != nullptr) {
    ::setenv("TERM", saved_term.c_str(), 1);
  } else {
    ::unsetenv("TERM");
  }
  const std::string text = live_read_back(file);
  std::fclose(file);
  CHECK(text.find('\r') == std::string::npos);
  CHECK(text.find('\x1b') == std::string::npos);
  std::size_t progress_lines = 0;
  const std::string count = "18/40 scored";
  for (std::size_t at = text.find(count); at != std::string::npos; at = text.find(count, at + 1)) {
    ++progress_lines;
  }
  CHECK(progress_lines == 3);  // at 0, 10 and 20 seconds
  CHECK(text.find("roster-enrich: a warning\n") != std::string::npos);
}

TEST_SUITE("summary with providers") {
  TEST_CASE("summary: CreatorAudit's counts; without CreatorScore no credits or scores") {
    output::RunSummary summary;
    summary.rows = 10;
    summary.unique = 9;
    summary.outcome = "completed";
    engine::ProviderProgress audit;
    audit.name = "creatoraudit";
    audit.covered = 7;
    audit.done = 6;
    audit.failed = 1;
    audit.waiting = 1;
    audit.not_covered = 2;
    summary.progress.providers.push_back(audit);

    summary.creatorscore_ran = false;
    const std::string alone = output::summary_text(summary);
    CHECK(alone.find("  audit results       5/7\n") != std::string::npos);
    CHECK(alone.find("  audit waiting       1\n") != std::string::npos);
    CHECK(alone.find("  audit not covered   2\n") != std::string::npos);
    CHECK(alone.find("credits spent") == std::string::npos);
    CHECK(alone.find("scored") == std::string::npos);

    summary.creatorscore_ran = true;
    const std::string both = output::summary_text(summary);
    CHECK(both.find("credits spent") != std::string::npos);
    CHECK(both.find("credits spent") < both.find("audit results"));
    CHECK(both.find("audit results") < both.find("elapsed"));
  }
}
