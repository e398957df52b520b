#pragma once

// One pair of functions per command: `add_*` declares its flags on the CLI11 app and fills a
// plain options struct; `run_*` wires reader, client, store and printer and returns the exit code.
// CLI11 types stay inside cli/.

#include <optional>
#include <string>
#include <vector>

#include "cli/global_options.hpp"
#include "cli/providers.hpp"
#include "core/exit_code.hpp"

namespace CLI {
class App;
}

namespace cli {

// Options that read a roster (`run`, `quote`).
struct RosterOptions {
  std::string roster;  // path or `-`
  std::string delimiter;
  std::string platform_column;
  std::string handle_column;
  std::string url_column;
  std::string platform;
};

struct AccountOptions {
  AuditConnectionOptions audit;
  bool json = false;
};
CLI::App* add_account_command(CLI::App& app, AccountOptions& options);
core::ExitCode run_account(const AccountOptions& options, const GlobalOptions& global);

struct QuoteOptions {
  RosterOptions roster;
  ProviderSet providers;
  AuditConnectionOptions audit;
  bool json = false;
};
CLI::App* add_quote_command(CLI::App& app, QuoteOptions& options);
core::ExitCode run_quote(const QuoteOptions& options, const GlobalOptions& global);

struct RunOptions {
  RosterOptions roster;
  std::string output = "-";
  std::string format;
  std::string state;
  bool restart = false;
  int batch_size = 100;
  std::string poll_interval = "60s";
  std::string slow_poll_interval = "5m";
  std::string slow_after = "30m";
  std::optional<long long> max_credits;
  std::string deadline;
  std::vector<std::string> include;
  bool no_formula_guard = false;
  // CreatorAudit (the man page's CreatorAudit section).
  ProviderSet providers;  // --providers, ROSTER_ENRICH_PROVIDERS
  AuditConnectionOptions audit;
  creatoraudit::Period audit_period = creatoraudit::Period::days_30;
  AuditTrack audit_track = AuditTrack::track_new;
  std::optional<long long> audit_max_new;  // unset: the plan's quota is the limit
  bool bom = false;    // --bom: the CSV output begins with a BOM even when the roster did not
  std::string report;  // --report FILE: `report`'s page of the output, at the end
  std::vector<std::string> argv;  // the command line, to print the resume command
};
CLI::App* add_run_command(CLI::App& app, RunOptions& options);
core::ExitCode run_run(const RunOptions& options, const GlobalOptions& global);

struct StatusOptions {
  std::string roster;  // the roster the run was started with; or
  std::string state;   // --state FILE
  bool json = false;
};
CLI::App* add_status_command(CLI::App& app, StatusOptions& options);
core::ExitCode run_status(const StatusOptions& options, const GlobalOptions& global);

enum class LookupProvider { creatorscore, creatoraudit };

struct LookupOptions {
  LookupProvider provider = LookupProvider::creatorscore;
  AuditConnectionOptions audit;
  creatoraudit::Period audit_period = creatoraudit::Period::days_30;
  std::string platform;
  std::string handle;
  std::vector<std::string> include;
  bool wait = false;
  bool json = false;
  std::string poll_interval = "60s";
};
CLI::App* add_lookup_command(CLI::App& app, LookupOptions& options);
core::ExitCode run_lookup(const LookupOptions& options, const GlobalOptions& global);
// `lookup --provider creatoraudit` (cli/lookup_audit.cpp).
core::ExitCode run_audit_lookup(const LookupOptions& options, const GlobalOptions& global);

struct ReportOptions {
  std::string enriched;  // what `run` wrote, or `-`
  std::string output = "-";
  std::string compare;
  std::string title;
};
CLI::App* add_report_command(CLI::App& app, ReportOptions& options);
core::ExitCode run_report(const ReportOptions& options, const GlobalOptions& global);
// The page of `report` (and `run --report`): throws core::Fatal with the exit code on failure.
core::ExitCode write_report(const ReportOptions& options);

// Adds --delimiter, --platform-column, --handle-column, --url-column, --platform.
void add_roster_options(CLI::App& command, RosterOptions& options);

}  // namespace cli
