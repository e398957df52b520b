#include "output/progress_printer.hpp"

#include <ctime>
#include <nlohmann/json.hpp>

#include "util/duration.hpp"

namespace output {

namespace {

using nlohmann::ordered_json;

constexpr auto k_min_redraw_gap = std::chrono::milliseconds(100);  // at most 10 redraws a second

std::string timestamp() {
  const std::time_t now = std::time(nullptr);
  std::tm local{};
  localtime_r(&now, &local);
  char buffer[40];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%dT%H:%M:%S%z", &local);
  return buffer;
}

// Log lines carry no control characters at all: anything below 0x20 (and DEL) becomes a space.
std::string printable(std::string text) {
  for (char& c : text) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
      c = ' ';
    }
  }
  return text;
}

std::string counts(const engine::Progress& p) {
  return std::to_string(p.scored + p.cached) + "/" + std::to_string(p.unique) + " scored (" +
         std::to_string(p.cached) + " cached), " + std::to_string(p.in_flight) + " in flight, " +
         std::to_string(p.failed) + " failed, " + std::to_string(p.credits_spent) + " credits spent" +
         (p.balance ? ", balance " + std::to_string(*p.balance) : "");
}

ordered_json progress_json(const engine::Progress& p) {
  return {{"unique", p.unique},       {"cached", p.cached},
          {"scored", p.scored},       {"failed", p.failed},
          {"not_found", p.not_found}, {"errors", p.errors},
          {"in_flight", p.in_flight}, {"unsubmitted", p.unsubmitted},
          {"skipped", p.skipped},     {"credits_spent", p.credits_spent},
          {"credits_refunded", p.credits_refunded}, {"balance", p.balance ? ordered_json(*p.balance) : ordered_json()},
          {"requests", p.requests},   {"rate_limit_waits", p.rate_limit_waits},
          {"elapsed_ms", p.elapsed.count()}};
}

}  // namespace

ProgressPrinter::ProgressPrinter(std::FILE* out, ProgressStyle style, bool color, SteadyNow now)
    : m_out(out), m_style(style), m_color(color), m_now(std::move(now)) {}

void ProgressPrinter::log_line(const std::string& text) {
  std::fprintf(m_out, "%s %s\n", timestamp().c_str(), printable(text).c_str());
  std::fflush(m_out);
}

void ProgressPrinter::on_batch(const engine::BatchEvent& event, const engine::Progress& progress) {
  const std::string text = "submitted " + std::to_string(event.submitted) + ": " + std::to_string(event.cached) +
                           " cached, " + std::to_string(event.queued) + " queued (" +
                           std::to_string(event.deduplicated) + " already in flight), " +
                           std::to_string(event.errors) + " errors, " + std::to_string(event.credits_spent) +
                           " credits; " + counts(progress);
  if (m_style == ProgressStyle::log) {
    log_line(text);
  } else if (m_style == ProgressStyle::json) {
    ordered_json line = {{"ts", timestamp()}, {"event", "batch"},        {"submitted", event.submitted},
                         {"cached", event.cached}, {"queued", event.queued}, {"deduplicated", event.deduplicated},
                         {"errors", event.errors}, {"credits", event.credits_spent}, {"progress", progress_json(progress)}};
    std::fprintf(m_out, "%s\n", line.dump().c_str());
    std::fflush(m_out);
  } else if (m_style == ProgressStyle::live) {
    draw(progress);
  }
}

void ProgressPrinter::on_poll_round(const engine::PollEvent& event, const engine::Progress& progress) {
  const std::string text = "polled " + std::to_string(event.polled) + " jobs: " + std::to_string(event.done) +
                           " done, " + std::to_string(event.failed) + " failed, " + std::to_string(event.not_found) +
                           " not found, " + std::to_string(event.still_in_flight) + " still running; " +
                           counts(progress);
  if (m_style == ProgressStyle::log) {
    log_line(text);
  } else if (m_style == ProgressStyle::json) {
    ordered_json line = {{"ts", timestamp()},         {"event", "poll"},           {"polled", event.polled},
                         {"done", event.done},         {"failed", event.failed},    {"not_found", event.not_found},
                         {"in_flight", event.still_in_flight}, {"progress", progress_json(progress)}};
    std::fprintf(m_out, "%s\n", line.dump().c_str());
    std::fflush(m_out);
  } else if (m_style == ProgressStyle::live) {
    draw(progress);
  }
}

void ProgressPrinter::on_progress(const engine::Progress& progress) {
  if (m_style == ProgressStyle::live) {
    draw(progress);
  }
}

void ProgressPrinter::on_warning(const std::string& message) { on_coded_warning(message, "", {}); }

void ProgressPrinter::on_coded_warning(const std::string& message, const std::string& code,
                                       const std::vector<std::pair<std::string, std::int64_t>>& figures) {
  if (m_style == ProgressStyle::quiet) {
    return;
  }
  if (m_style == ProgressStyle::json) {
    ordered_json line = {{"ts", timestamp()}, {"event", "warning"}};
    if (!code.empty()) {
      line["code"] = code;
    }
    line["message"] = message;
    for (const auto& [name, value] : figures) {
      line[name] = value;
    }
    std::fprintf(m_out, "%s\n", line.dump().c_str());
  } else if (m_style == ProgressStyle::live) {
    clear_live_line();
    std::fprintf(m_out, "roster-enrich: %s\n", message.c_str());
  } else {
    log_line("warning: " + message);
  }
  std::fflush(m_out);
}

void ProgressPrinter::draw(const engine::Progress& p) {
  const auto now = m_now();
  if (m_line_shown && now - m_last_draw < k_min_redraw_gap) {
    return;
  }
  m_last_draw = now;
  ++m_redraws;
  const std::size_t done = p.done();
  constexpr int k_bar = 20;
  const int filled = p.unique == 0 ? k_bar : static_cast<int>(done * k_bar / p.unique);
  std::string bar(static_cast<std::size_t>(filled), '#');
  bar += std::string(static_cast<std::size_t>(k_bar - filled), '.');
  std::string line = "[" + bar + "] " + std::to_string(p.scored + p.cached) + "/" + std::to_string(p.unique) +
                     " scored, " + std::to_string(p.cached) + " cached, " + std::to_string(p.in_flight) +
                     " in flight, " + std::to_string(p.failed) + " failed, " + std::to_string(p.credits_spent) +
                     " cr" + (p.balance ? " (" + std::to_string(*p.balance) + " left)" : "");
  if (p.next_poll) {
    line += ", next poll soon";
  }
  line += ", " + util::format_whole_seconds(p.elapsed);
  const char* start = m_color ? "\x1b[36m" : "";
  const char* end = m_color ? "\x1b[0m" : "";
  std::fprintf(m_out, "\r\x1b[2K%s%s%s", start, line.c_str(), end);
  std::fflush(m_out);
  m_line_shown = true;
}

void ProgressPrinter::clear_live_line() {
  if (m_line_shown) {
    std::fprintf(m_out, "\r\x1b[2K");
    m_line_shown = false;
  }
}

void ProgressPrinter::finish() {
  if (m_style == ProgressStyle::live) {
    clear_live_line();
    std::fflush(m_out);
  }
}

void ProgressPrinter::print_summary(const RunSummary& summary) {
  if (m_style == ProgressStyle::quiet) {
    if (!summary.resume_command.empty()) {
      std::fprintf(m_out, "roster-enrich: incomplete; resume with: %s\n", summary.resume_command.c_str());
    }
    return;
  }
  finish();
  const std::string text = m_style == ProgressStyle::json ? summary_json(summary) : summary_text(summary);
  std::fputs(text.c_str(), m_out);
  std::fflush(m_out);
}

std::string summary_text(const RunSummary& s) {
  const engine::Progress& p = s.progress;
  std::string out = "roster-enrich: " + s.outcome + "\n";
  const auto line = [&](const std::string& label, const std::string& value) {
    std::string padded = "  " + label;
    padded.resize(22, ' ');
    out += padded + value + "\n";
  };
  line("rows read", std::to_string(s.rows));
  line("invalid rows", std::to_string(s.invalid_rows));
  line("unique lookups", std::to_string(s.unique));
  line("cached (free)", std::to_string(p.cached));
  line("scored", std::to_string(p.scored));
  line("failed", std::to_string(p.failed) + (p.not_found ? " (+" + std::to_string(p.not_found) + " not found)" : ""));
  line("errors", std::to_string(p.errors));
  line("pending", std::to_string(p.in_flight + p.unsubmitted));
  line("skipped", std::to_string(p.skipped));
  std::string per_platform;
  for (const auto& [platform, credits] : p.credits_by_platform) {
    if (credits != 0) {
      per_platform += (per_platform.empty() ? "" : ", ") + std::string(core::platform_name(platform)) + " " +
                      std::to_string(credits);
    }
  }
  line("credits spent", std::to_string(p.credits_spent) + (per_platform.empty() ? "" : " (" + per_platform + ")"));
  line("credits refunded", std::to_string(p.credits_refunded));
  line("balance left", p.balance ? std::to_string(*p.balance) : "unknown");
  line("requests made", std::to_string(p.requests));
  line("rate-limit waits", std::to_string(p.rate_limit_waits));
  line("elapsed", util::format_whole_seconds(p.elapsed));
  for (const std::string& note : s.notes) {
    out += "  note: " + note + "\n";
  }
  if (!s.resume_command.empty()) {
    out += "  resume with: " + s.resume_command + "\n";
  }
  return out;
}

std::string summary_json(const RunSummary& s) {
  ordered_json credits = ordered_json::object();
  for (const auto& [platform, amount] : s.progress.credits_by_platform) {
    credits[std::string(core::platform_name(platform))] = amount;
  }
  ordered_json document = {{"ts", timestamp()},
                           {"event", "summary"},
                           {"outcome", s.outcome},
                           {"rows", s.rows},
                           {"invalid_rows", s.invalid_rows},
                           {"unique", s.unique},
                           {"progress", progress_json(s.progress)},
                           {"credits_by_platform", credits},
                           {"notes", s.notes},
                           {"resume_command", s.resume_command.empty() ? ordered_json() : ordered_json(s.resume_command)}};
  return document.dump() + "\n";
}

}  // namespace output
