#pragma once

// Progress on stderr (PRODUCT.md, "Progress and summary"): one live line on a terminal, redrawn
// at most 10 times a second and cut to the terminal's width; timestamped log lines per batch and
// poll round elsewhere, with no control characters; or one JSON object per event. stdout is never
// touched. Under TERM=dumb the live line moves no cursor: a plain line every few seconds instead.

#include <chrono>
#include <cstdio>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/observer.hpp"

namespace output {

enum class ProgressStyle { live, log, json, quiet };

// What the live line shows besides the engine's counts, in API time (like Progress::elapsed).
struct LiveExtras {
  std::optional<util::Duration> eta;           // the whole run's, when it can be estimated
  std::optional<util::Duration> next_poll_in;  // the countdown to the next poll request
  bool next_poll_known = false;                // a poll is scheduled (countdown unknown: "soon")
};

// The live line at most `max_columns` wide: fields are kept most useful first (the scored/total
// count, ETA, countdown, failed, in flight, credits, bar, elapsed, cached, balance) while they fit;
// a width too narrow even for the count cuts it. ASCII only, so bytes are columns.
std::string live_line(const engine::Progress& progress, const LiveExtras& extras, std::size_t max_columns);

struct RunSummary {
  std::size_t rows = 0;
  std::size_t invalid_rows = 0;
  std::size_t unique = 0;
  engine::Progress progress;
  std::string outcome;         // completed, deadline reached, interrupted, ...
  std::string resume_command;  // empty when nothing is left to resume
  std::vector<std::string> notes;
  // False when CreatorScore was not among --providers: its lines (credits, scores) are left out.
  bool creatorscore_ran = true;
};

class ProgressPrinter final : public engine::Observer {
 public:
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;
  using ApiNow = std::function<util::TimePoint()>;
  using Columns = std::function<std::size_t()>;

  // `color`: the live line may use colour (a terminal without NO_COLOR). `now` is injectable so
  // the redraw limit is testable.
  // TERM=dumb is read here: the live style then prints plain lines, without colour.
  ProgressPrinter(std::FILE* out, ProgressStyle style, bool color, SteadyNow now = std::chrono::steady_clock::now);

  // The engine's clock, for the countdown to the next poll; without it the line says "soon".
  void set_api_clock(ApiNow now) { m_api_now = std::move(now); }
  // The terminal's width now; by default `out`'s window size, else $COLUMNS, else 80.
  void set_columns_source(Columns columns) { m_columns = std::move(columns); }

  void on_batch(const engine::BatchEvent& event, const engine::Progress& progress) override;
  void on_poll_round(const engine::PollEvent& event, const engine::Progress& progress) override;
  void on_progress(const engine::Progress& progress) override;
  void on_warning(const std::string& message) override;
  // A warning JSON logs also carry as a `code` and figures (e.g. `retry_after_ms`), for machines.
  void on_coded_warning(const std::string& message, const std::string& code,
                        const std::vector<std::pair<std::string, std::int64_t>>& figures);

  // Clears the live line before anything else is printed.
  void finish();
  void print_summary(const RunSummary& summary);

  int redraws() const { return m_redraws; }

 private:
  void log_line(const std::string& text);
  void draw(const engine::Progress& progress);
  void clear_live_line();
  LiveExtras extras_for(const engine::Progress& progress);
  std::size_t columns() const;

  std::FILE* m_out;
  ProgressStyle m_style;
  bool m_color;
  bool m_dumb = false;  // TERM=dumb: no cursor movement, a plain line every few seconds
  SteadyNow m_now;
  ApiNow m_api_now;
  Columns m_columns;
  std::chrono::steady_clock::time_point m_last_draw{};
  bool m_line_shown = false;
  int m_redraws = 0;
  // The ETA's rate: lookups finished by the API since the first round of results was seen (the
  // first round only says how long a job takes, not how fast the rest follow).
  std::optional<std::size_t> m_finished_at_start;
  std::optional<std::pair<std::size_t, util::Duration>> m_first_round;
};

// The summary as text lines (also used by tests).
std::string summary_text(const RunSummary& summary);
std::string summary_json(const RunSummary& summary);

}  // namespace output
