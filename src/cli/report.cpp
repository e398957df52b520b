// `roster-enrich report`: one self-contained HTML page from what `run` wrote, offline (no key, no
// request). The reading is report/enriched_file.hpp, the figures report/report_model.hpp, the page
// report/html_report.hpp.

#include <CLI/CLI.hpp>
#include <chrono>
#include <ctime>
#include <random>

#include "cli/commands.hpp"
#include "report/enriched_file.hpp"
#include "report/html_report.hpp"
#include "util/atomic_file.hpp"

namespace cli {

namespace {

constexpr const char* k_report_description =
    R"(Write a self-contained HTML report of an enriched roster, offline: no request, no key needed.

Examples:
  roster-enrich report enriched.csv -o report.html
  roster-enrich report this-week.json --compare last-week.json -o changes.html --title "Acme roster"
  roster-enrich run roster.csv -o enriched.csv --report report.html   the same at the end of a run

ENRICHED is what `run` wrote: CSV, JSON or JSON Lines, any layout, with or without the audit_*
columns. The page shows the headline counts, tier distribution, score histogram, knockouts with the
creators behind them, scores by platform, the ten best and worst and every creator; with CreatorAudit
metrics, engagement rate against score in four quadrants; with --compare, what changed. It loads
nothing from anywhere (a Content-Security-Policy forbids it), reads without JavaScript and prints on A4.
Exit 0 when written; 64 usage; 65 not an output of `run`; 66 cannot open it; 73 cannot write.)";

std::string utc_now() {
  const std::time_t now = std::chrono::system_clock::to_time_t(std::chrono::system_clock::now());
  std::tm parts{};
  gmtime_r(&now, &parts);
  char buffer[32];
  std::strftime(buffer, sizeof buffer, "%Y-%m-%d %H:%M UTC", &parts);
  return buffer;
}

// A fresh nonce for the page's one script: with it in the policy, no injected inline script or
// event handler runs even if some text escaped the escaping.
std::string script_nonce() {
  std::random_device random;
  static constexpr char k_hex[] = "0123456789abcdef";
  std::string nonce;
  for (int i = 0; i < 32; ++i) {
    nonce += k_hex[random() % 16];
  }
  return nonce;
}

std::string base_name(const std::string& path) {
  const auto slash = path.find_last_of('/');
  return slash == std::string::npos ? path : path.substr(slash + 1);
}

report::Enriched read_or_fail(const std::string& path) {
  auto enriched = report::read_enriched(path);
  if (!enriched) {
    throw core::Fatal(enriched.error().code, enriched.error().message);
  }
  return std::move(enriched).value();
}

}  // namespace

CLI::App* add_report_command(CLI::App& app, ReportOptions& options) {
  CLI::App* command = app.add_subcommand("report", "write an HTML report of an enriched roster, offline");
  command->description(k_report_description);
  command->footer(
      "Exit codes: 0 written, 64 usage, 65 not an output of `run`, 66 cannot open, 73 cannot write.");
  command->add_option("ENRICHED", options.enriched, "what `run` wrote (`-` = standard input)")->required();
  command->add_option("-o,--output", options.output, "the HTML file (`-` = stdout)")->option_text("FILE");
  command
      ->add_option("--compare", options.compare,
                   "an earlier output of `run` for the same roster: show changes")
      ->option_text("PREVIOUS");
  command->add_option("--title", options.title, "the page's title (default: Roster report)")
      ->option_text("TEXT");
  return command;
}

core::ExitCode write_report(const ReportOptions& options) {
  const report::Enriched current = read_or_fail(options.enriched);
  std::optional<report::Enriched> previous;
  if (!options.compare.empty()) {
    previous = read_or_fail(options.compare);
  }
  report::HtmlOptions html;
  html.title = options.title;
  // File names without their folders: the page is forwarded, the local paths are nobody's business.
  html.source = options.enriched == "-" ? "standard input" : base_name(options.enriched);
  html.previous = options.compare.empty() ? "" : base_name(options.compare);
  html.generated_at = utc_now();
  html.script_nonce = script_nonce();
  const std::string page = report::render_html(current, previous ? &*previous : nullptr, html);
  auto file = util::AtomicFile::create(options.output);
  if (!file) {
    throw core::Fatal(core::ExitCode::cannot_write, file.error());
  }
  file->write(page);
  if (auto committed = file->commit(); !committed) {
    throw core::Fatal(core::ExitCode::cannot_write, committed.error());
  }
  return core::ExitCode::ok;
}

core::ExitCode run_report(const ReportOptions& options, const GlobalOptions&) {
  return write_report(options);
}

}  // namespace cli
