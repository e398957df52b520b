// `roster-enrich quote`: read and check the roster; worst-case credits per platform vs the
// balance. Spends nothing: the only request is one GET /account, and only when a key is set.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/api_session.hpp"
#include "cli/commands.hpp"
#include "cli/roster_input.hpp"
#include "cli/signals.hpp"
#include "creatorscore/client.hpp"
#include "output/quote_report.hpp"

namespace cli {

namespace {

constexpr const char* k_quote_description = R"(Read and check a roster; show what scoring it would cost at worst. Spends nothing.

Examples:
  roster-enrich quote roster.csv
  roster-enrich quote roster.csv --json | jq .worst_case_credits
  roster-enrich quote links.csv --url-column "Profile link"

Without a key it prints everything but the balance. Exit 0; 65 for an unusable roster, 66 when it
cannot be opened.)";

}  // namespace

CLI::App* add_quote_command(CLI::App& app, QuoteOptions& options) {
  CLI::App* command = app.add_subcommand("quote", "read and check the roster; worst-case credits vs balance");
  command->description(k_quote_description);
  command->footer(
      "Exit codes: 0 the roster was read, 64 usage, 65 roster unusable, 66 cannot open roster,\n"
      "69 API unavailable, 77 bad key (only with a key: without one, the balance is left out).");
  add_roster_options(*command, options.roster);
  command->add_flag("--json", options.json, "print JSON for scripts");
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
  const std::string key = read_api_key(global);
  if (key.empty()) {
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
  const std::string text = options.json ? output::quote_json(report) : output::quote_text(report);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return core::ExitCode::ok;
}

}  // namespace cli
