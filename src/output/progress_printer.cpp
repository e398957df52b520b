#include "output/progress_printer.hpp"

#include <algorithm>
#include <csignal>
#include <cstdlib>
#include <ctime>
#include <string_view>
#include <nlohmann/json.hpp>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/duration.hpp"

namespace output {

namespace {

using nlohmann::ordered_json;

constexpr auto k_min_redraw_gap = std::chrono::milliseconds(100);  // at most 10 redraws a second
// TERM=dumb: a plain progress line this often (real time), as a log would, since it cannot redraw.
constexpr auto k_dumb_line_gap = std::chrono::seconds(10);
constexpr std::size_t k_default_columns = 80;  // not a terminal, or one that does not say

// Set by SIGWINCH: the next update redraws at once, at the new width, whatever the redraw limit.
volatile std::sig_atomic_t g_live_resized = 0;

extern "C" void on_live_resize(int /*signal_number*/) { g_live_resized = 1; }

void install_live_resize_handler() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_live_resize;
    action.sa_flags = SA_RESTART;  // a read or write in progress goes on
    sigemptyset(&action.sa_mask);
    sigaction(SIGWINCH, &action, nullptr);
    return true;
  }();
  (void)installed;
}

bool term_is_dumb() {
  const char* term = std::getenv("TERM");
  return term != nullptr && std::string_view(term) == "dumb";
}

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
    : m_out(out), m_style(style), m_color(color), m_now(std::move(now)) {
  if (m_style == ProgressStyle::live) {
    m_dumb = term_is_dumb();
    m_color = m_color && !m_dumb;
    if (!m_dumb) {
      install_live_resize_handler();
    }
  }
}

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

std::size_t ProgressPrinter::columns() const {
  if (m_columns) {
    return m_columns();
  }
  struct winsize size {};
  if (::ioctl(fileno(m_out), TIOCGWINSZ, &size) == 0 && size.ws_col > 0) {
    return size.ws_col;
  }
  if (const char* env = std::getenv("COLUMNS"); env != nullptr) {
    const long value = std::strtol(env, nullptr, 10);
    if (value > 0 && value < 100000) {
      return static_cast<std::size_t>(value);
    }
  }
  return k_default_columns;
}

LiveExtras ProgressPrinter::extras_for(const engine::Progress& p) {
  LiveExtras extras;
  extras.next_poll_known = p.next_poll.has_value();
  if (p.next_poll && m_api_now) {
    extras.next_poll_in = std::max(util::Duration(0), *p.next_poll - m_api_now());
  }
  const std::size_t finished = p.scored + p.failed + p.not_found + p.errors;
  if (!m_finished_at_start) {
    m_finished_at_start = finished;  // a resumed run's earlier results say nothing about this one's pace
  }
  if (!m_first_round && finished > *m_finished_at_start) {
    m_first_round = std::make_pair(finished, p.elapsed);
  }
  const std::size_t settled = p.done() + p.skipped;
  const std::size_t left = p.unique > settled ? p.unique - settled : 0;
  if (left == 0 || !m_first_round) {
    return extras;
  }
  const auto [first_count, first_at] = *m_first_round;
  if (finished > first_count && p.elapsed > first_at) {
    const double per_lookup_ms =
        static_cast<double>((p.elapsed - first_at).count()) / static_cast<double>(finished - first_count);
    util::Duration eta(static_cast<util::Duration::rep>(per_lookup_ms * static_cast<double>(left)));
    if (extras.next_poll_in) {
      eta = std::max(eta, *extras.next_poll_in);  // nothing can end before the next poll says so
    }
    extras.eta = eta;
  }
  return extras;
}

void ProgressPrinter::draw(const engine::Progress& p) {
  const auto now = m_now();
  if (m_dumb) {
    // No cursor movement at all: a whole line now and then, like a log without timestamps.
    if (m_redraws > 0 && now - m_last_draw < k_dumb_line_gap) {
      return;
    }
    m_last_draw = now;
    ++m_redraws;
    std::fprintf(m_out, "%s\n", live_line(p, extras_for(p), std::max<std::size_t>(columns(), 2) - 1).c_str());
    std::fflush(m_out);
    return;
  }
  const bool resized = g_live_resized != 0;
  if (m_line_shown && !resized && now - m_last_draw < k_min_redraw_gap) {
    return;
  }
  g_live_resized = 0;
  m_last_draw = now;
  ++m_redraws;
  // One column is left free: writing the last one makes some terminals wrap, and the next \r
  // would then redraw on a new row, leaving a copy behind.
  const std::string line = live_line(p, extras_for(p), std::max<std::size_t>(columns(), 2) - 1);
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

std::string live_line(const engine::Progress& p, const LiveExtras& extras, std::size_t max_columns) {
  struct Field {
    std::string text;
    int drop_rank;  // the highest is dropped first; 0 is never dropped
    bool joined_by_space = false;
  };
  constexpr int k_bar = 20;
  const std::size_t done = p.done();
  const int filled = p.unique == 0 ? k_bar : static_cast<int>(std::min(done, p.unique) * k_bar / p.unique);
  std::vector<Field> fields;
  fields.push_back({"[" + std::string(static_cast<std::size_t>(filled), '#') +
                        std::string(static_cast<std::size_t>(k_bar - filled), '.') + "]",
                    6});
  const std::string count = std::to_string(p.scored + p.cached) + "/" + std::to_string(p.unique);
  fields.push_back({count + " scored", 0, true});
  if (extras.eta) {
    fields.push_back({"ETA " + util::format_whole_seconds(*extras.eta), 1});
  }
  if (extras.next_poll_in) {
    fields.push_back({"next poll in " + util::format_whole_seconds(*extras.next_poll_in), 2});
  } else if (extras.next_poll_known) {
    fields.push_back({"next poll soon", 2});
  }
  fields.push_back({std::to_string(p.in_flight) + " in flight", 4});
  fields.push_back({std::to_string(p.failed) + " failed", 3});
  fields.push_back({std::to_string(p.cached) + " cached", 8});
  fields.push_back({std::to_string(p.credits_spent) + " cr", 5});
  if (p.balance) {
    fields.push_back({"(" + std::to_string(*p.balance) + " left)", 9, true});
  }
  fields.push_back({util::format_whole_seconds(p.elapsed), 7});

  // Fields are taken most useful first, each only if the line still fits, so a short field of
  // little use may still find room that a long, more useful one left.
  std::vector<bool> shown(fields.size(), false);
  const auto render = [&fields, &shown] {
    std::string line;
    for (std::size_t i = 0; i < fields.size(); ++i) {
      if (!shown[i]) {
        continue;
      }
      if (!line.empty()) {
        line += fields[i].joined_by_space ? " " : ", ";
      }
      line += fields[i].text;
    }
    return line;
  };
  std::vector<std::size_t> by_use(fields.size());
  for (std::size_t i = 0; i < by_use.size(); ++i) {
    by_use[i] = i;
  }
  const auto more_useful = [&fields](std::size_t a, std::size_t b) {
    return fields[a].drop_rank < fields[b].drop_rank;
  };
  std::stable_sort(by_use.begin(), by_use.end(), more_useful);
  for (const std::size_t i : by_use) {
    if (fields[i].drop_rank != 0 && fields[i].joined_by_space && !shown[i - 1]) {
      continue;  // the balance only beside the credits it qualifies
    }
    shown[i] = true;
    if (fields[i].drop_rank != 0 && render().size() > max_columns) {
      shown[i] = false;
    }
  }
  std::string line = render();
  if (line.size() > max_columns) {
    line.resize(max_columns);  // narrower than the count itself
  }
  return line;
}

namespace {

// CreatorScore's lines of the summary: what was scored, cached, failed, and what it cost.
template <typename Line>
void creatorscore_lines(const Line& line, const engine::Progress& p) {
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
}


}  // namespace

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
  // The other providers' counts (CreatorAudit's), before the elapsed time.
  const auto other_providers = [&] {
    for (const engine::ProviderProgress& provider : p.providers) {
      if (provider.name == "creatorscore") {
        continue;
      }
      // "audit …" as the output's audit_* columns say it; the label column is 20 wide.
      const std::string name = provider.name == "creatoraudit" ? "audit" : provider.name;
      line(name + " results", std::to_string(provider.done - std::min(provider.done, provider.failed)) + "/" +
                                  std::to_string(provider.covered));
      line(name + " waiting", std::to_string(provider.waiting));
      line(name + " failed", std::to_string(provider.failed));
      line(name + " not covered", std::to_string(provider.not_covered));
    }
  };
  if (s.creatorscore_ran) {
    creatorscore_lines(line, p);
  }
  other_providers();
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
  ordered_json providers = ordered_json::array();
  for (const engine::ProviderProgress& provider : s.progress.providers) {
    providers.push_back({{"name", provider.name}, {"covered", provider.covered}, {"done", provider.done},
                         {"waiting", provider.waiting}, {"failed", provider.failed},
                         {"not_covered", provider.not_covered}});
  }
  document["providers"] = std::move(providers);
  return document.dump() + "\n";
}

}  // namespace output
