// `roster-enrich quote`: read and check the roster; worst-case credits per platform vs the
// balance. Spends nothing: the only request is one GET /account, and only when a key is set.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/api_session.hpp"
#include "cli/audit_session.hpp"
#include "cli/commands.hpp"
#include "cli/roster_input.hpp"
#include "cli/signals.hpp"
#include <unordered_set>

#include "creatoraudit/client.hpp"
#include "creatorscore/client.hpp"
#include "output/audit_quote_report.hpp"
#include "output/quote_report.hpp"
#include "util/text.hpp"

namespace cli {

namespace {

constexpr const char* k_quote_description = R"(Read and check a roster; show what scoring it would cost at worst. Spends nothing.

Examples:
  roster-enrich quote roster.csv
  roster-enrich quote roster.csv --json | jq .worst_case_credits
  roster-enrich quote links.csv --url-column "Profile link"

Without a key it prints everything but the balance. Exit 0; 65 for an unusable roster, 66 when it
cannot be opened.

With --providers creatorscore,creatoraudit (or creatoraudit alone) it also counts the instagram and
tiktok lookups CreatorAudit would read and, with CREATORAUDIT_API_KEY or --audit-key-file, how many
the organization tracks already (GET /accounts per platform, no quota) and how many a run would
track anew, each taking one account of the plan's quota.)";

// The roster's instagram and tiktok lookups, and with a key the ones CreatorAudit tracks already
// (matched as the API matches usernames, case-insensitively).
output::AuditQuote audit_quote(const roster::RosterIndex& index, const QuoteOptions& options,
                               const GlobalOptions& global) {
  output::AuditQuote quote;
  for (const roster::UniqueLookup& lookup : index.lookups) {
    switch (lookup.platform()) {
      case core::Platform::instagram: ++quote.instagram; break;
      case core::Platform::tiktok: ++quote.tiktok; break;
      default: ++quote.not_covered; break;
    }
  }
  const std::string base_url = resolve_audit_base_url(options.audit, global);
  std::string key = read_audit_key(options.audit);
  if (key.empty()) {
    quote.tracked_note = "no CreatorAudit key: set CREATORAUDIT_API_KEY to compare with the accounts tracked";
    return quote;
  }
  const std::atomic<bool>& stop_flag = install_stop_handlers();
  AuditSession session(global, base_url, std::move(key), &stop_flag);
  std::size_t tracked = 0;
  for (const core::Platform platform : {core::Platform::instagram, core::Platform::tiktok}) {
    if ((platform == core::Platform::instagram ? quote.instagram : quote.tiktok) == 0) {
      continue;  // no request for a platform the roster does not name
    }
    auto accounts = session.api().list_accounts(platform);
    if (!accounts) {
      throw audit_fatal_from(accounts.error());
    }
    std::unordered_set<std::string> usernames;
    for (const creatoraudit::Account& account : *accounts) {
      usernames.insert(util::to_lower(account.username));
    }
    for (const roster::UniqueLookup& lookup : index.lookups) {
      if (lookup.platform() == platform && usernames.count(util::to_lower(lookup.handle())) > 0) {
        ++tracked;
      }
    }
  }
  quote.already_tracked = tracked;
  return quote;
}

}  // namespace

CLI::App* add_quote_command(CLI::App& app, QuoteOptions& options) {
  CLI::App* command = app.add_subcommand("quote", "read and check the roster; worst-case credits vs balance");
  command->description(k_quote_description);
  command->footer(
      "Exit codes: 0 the roster was read, 64 usage, 65 roster unusable, 66 cannot open roster,\n"
      "69 API unavailable, 77 bad key (only with a key: without one, the balance is left out).");
  add_roster_options(*command, options.roster);
  command->add_flag("--json", options.json, "print JSON for scripts");
  add_providers_option(*command, options.providers);
  add_audit_connection_options(*command, options.audit);
  return command;
}

core::ExitCode run_quote(const QuoteOptions& options, const GlobalOptions& global) {
  const LoadedRoster loaded = load_roster(options.roster);
  if (const auto unusable = roster::unusable_error(loaded.index)) {
    // Still show why each row is invalid, then fail: the roster cannot be run as it is.
    const output::QuoteReport report =
        output::make_quote(loaded.index, options.roster.roster, creatorscore::Pricing::vendor_table());
    const std::string text = options.json ? output::quote_json(report) : output::quote_text(report);
    std::fwrite(text.data(), 1, text.size(), stdout);
    throw core::Fatal(unusable->code, unusable->message);
  }

  creatorscore::Pricing pricing = creatorscore::Pricing::vendor_table();
  std::optional<std::int64_t> balance;
  std::string balance_note;
  const std::string base_url = resolve_base_url(global);
  const std::string key = options.providers.creatorscore ? read_api_key(global) : std::string();
  if (!options.providers.creatorscore) {
    balance_note = "CreatorScore is not among --providers";
  } else if (key.empty()) {
    balance_note = "no API key: set CREATORSCORE_API_KEY to compare with the balance";
  } else {
    const std::atomic<bool>& stop_flag = install_stop_handlers();
    ApiSession session(global, base_url, key, &stop_flag);
    auto account = session.api().account();
    if (!account) {
      throw fatal_from(account.error());
    }
    pricing = account->pricing;
    balance = account->balance;
  }
  output::QuoteReport report = output::make_quote(loaded.index, options.roster.roster, pricing);
  report.balance = balance;
  report.balance_note = balance_note;
  std::string text = options.json ? output::quote_json(report) : output::quote_text(report);
  if (options.providers.creatoraudit) {
    const output::AuditQuote audit = audit_quote(loaded.index, options, global);
    text = options.json ? output::quote_json_with_audit(text, audit) : text + output::audit_quote_text(audit);
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return core::ExitCode::ok;
}

}  // namespace cli
