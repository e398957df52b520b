#pragma once

// Progress on stderr (PRODUCT.md, "Progress and summary"): one live line on a terminal, redrawn
// at most 10 times a second; timestamped log lines per batch and poll round elsewhere, with no
// control characters; or one JSON object per event. stdout is never touched.

#include <chrono>
#include <cstdio>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include "engine/observer.hpp"

namespace output {

enum class ProgressStyle { live, log, json, quiet };

struct RunSummary {
  std::size_t rows = 0;
  std::size_t invalid_rows = 0;
  std::size_t unique = 0;
  engine::Progress progress;
  std::string outcome;         // completed, deadline reached, interrupted, ...
  std::string resume_command;  // empty when nothing is left to resume
  std::vector<std::string> notes;
};

class ProgressPrinter final : public engine::Observer {
 public:
  using SteadyNow = std::function<std::chrono::steady_clock::time_point()>;

  // `color`: the live line may use colour (a terminal without NO_COLOR). `now` is injectable so
  // the redraw limit is testable.
  ProgressPrinter(std::FILE* out, ProgressStyle style, bool color, SteadyNow now = std::chrono::steady_clock::now);

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

  std::FILE* m_out;
  ProgressStyle m_style;
  bool m_color;
  SteadyNow m_now;
  std::chrono::steady_clock::time_point m_last_draw{};
  bool m_line_shown = false;
  int m_redraws = 0;
};

// The summary as text lines (also used by tests).
std::string summary_text(const RunSummary& summary);
std::string summary_json(const RunSummary& summary);

}  // namespace output
