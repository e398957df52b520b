// `roster-enrich status`: a run's progress read from its state file, offline. No request is made
// and no key is read; the file is opened read-only without the lock, so it works while a `run`
// holds it (state/status_report.hpp).

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/api_session.hpp"
#include "cli/commands.hpp"
#include "cli/state_file.hpp"
#include "output/status_view.hpp"
#include "roster/roster.hpp"
#include "state/status_report.hpp"
#include "util/clock.hpp"

namespace cli {

namespace {

constexpr const char* k_status_description =
    R"(Show a run's progress from its state file, offline: no request, no key needed.

Examples:
  roster-enrich status roster.csv                   the run of roster.csv (same base URL as the run)
  roster-enrich status --state nightly.db           the run in that state file
  roster-enrich status roster.csv --json | jq .counts.pending
  watch -n 60 roster-enrich status roster.csv       while a run works on it (status never blocks it)

Shows counts by status, credits spent and refunded, the oldest pending job's age, the latest eta,
when the run started, and whether a process is working on it now (from the state file's lock: a
run with no end recorded and no process on it was killed; the same `run` command resumes it).
Exit 0 when shown; 66 when there is no state file (run `roster-enrich run` first); 73 when the
file is not a readable roster-enrich state file.)";

// What to do when the state file holds nothing to show: start the run it would describe.
std::string start_a_run_hint(const StatusOptions& options, const std::string& path) {
  if (!options.roster.empty()) {
    return "run `roster-enrich run " + options.roster + "` first";
  }
  return "check the path, or start a run with `roster-enrich run ROSTER --state " + path + "`";
}

// A roster `run` spooled (standard input, a pipe) is known by its content: read it to name the
// same state file. Empty for a roster file (and with --state, which names the file itself).
std::string spooled_roster_digest(const std::string& roster) {
  if (roster.empty() || !roster::needs_spooling(roster)) {
    return {};
  }
  auto digest = roster::content_digest(roster, roster == "-" ? "<stdin>" : roster);
  if (!digest) {
    throw core::Fatal(digest.error().code, digest.error().message);
  }
  return *digest;
}

}  // namespace

CLI::App* add_status_command(CLI::App& app, StatusOptions& options) {
  CLI::App* command = app.add_subcommand("status", "show a run's progress from its state file, offline");
  command->description(k_status_description);
  command->footer(
      "Exit codes: 0 a run was shown, 64 usage, 66 no state file (or no run in it),\n"
      "73 not a readable roster-enrich state file.");
  CLI::Option* roster =
      command->add_option("ROSTER", options.roster, "the roster the run was started with (`-` = standard input)");
  command->add_option("--state", options.state, "the state file (instead of the default derived from ROSTER and URL)")
      ->excludes(roster);
  command->add_flag("--json", options.json, "print JSON for scripts");
  return command;
}

core::ExitCode run_status(const StatusOptions& options, const GlobalOptions& global) {
  if (options.roster.empty() && options.state.empty()) {
    throw core::Fatal(core::ExitCode::usage,
                      "status needs the ROSTER the run was started with, or --state FILE; see `roster-enrich status "
                      "--help`");
  }
  // The same file `run` would use for this roster and base URL; the URL is only part of the
  // file's name here (nothing is sent), so the plain-http check of resolve_base_url does not apply.
  const std::string base_url = configured_base_url(global);
  const std::string path =
      resolve_state_path(options.state, options.roster, base_url, spooled_roster_digest(options.roster));
  const util::RealClock clock(resolve_time_scale());
  const util::TimePoint now = clock.now();

  auto report = state::load_status_report(path, now);
  if (!report) {
    const state::StoreError& error = report.error();
    // Nothing to read is the status command's "input cannot be opened" (66, as for a missing
    // roster); a file that is there but unusable is a state file problem (73, as `run` says).
    if (error.kind == state::StoreError::Kind::missing) {
      const std::string where = options.roster.empty()
                                    ? "no state file at " + path
                                    : "no state file for " + options.roster + " at " + path +
                                          " (the default for this roster and base URL " + base_url + ")";
      throw core::Fatal(core::ExitCode::roster_unreadable, where + ": " + start_a_run_hint(options, path) +
                                                               (options.roster.empty() ? "" : ", or pass --state FILE"));
    }
    if (error.kind == state::StoreError::Kind::no_run) {
      throw core::Fatal(core::ExitCode::roster_unreadable,
                        "the state file " + path + " holds no run yet: " + start_a_run_hint(options, path));
    }
    throw core::Fatal(error.code, error.message);
  }
  const std::string text = options.json ? output::status_json(*report, now) : output::status_text(*report, now);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return core::ExitCode::ok;
}

}  // namespace cli
