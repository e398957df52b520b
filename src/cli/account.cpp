// `roster-enrich account`: check the key; show tenant, balance and the pricing table.

#include <CLI/CLI.hpp>
#include <cstdio>

#include "cli/api_session.hpp"
#include "cli/commands.hpp"
#include "cli/signals.hpp"
#include "creatorscore/client.hpp"
#include "output/account_report.hpp"

namespace cli {

namespace {

constexpr const char* k_account_description = R"(Check the key; show the tenant, the key's label, the balance and the prices.

Examples:
  roster-enrich account
  roster-enrich account --json | jq .balance
  roster-enrich account --api-key-file ~/.config/creatorscore/key

Exit 0 when the key works, 77 when it is missing or rejected, 69 when the API stays unavailable.)";

}  // namespace

CLI::App* add_account_command(CLI::App& app, AccountOptions& options) {
  CLI::App* command = app.add_subcommand("account", "check the key; show tenant, balance and the pricing table");
  command->description(k_account_description);
  command->footer("Exit codes: 0 the key works, 64 usage, 69 API unavailable, 77 missing or rejected key.");
  command->add_flag("--json", options.json, "print JSON for scripts");
  return command;
}

core::ExitCode run_account(const AccountOptions& options, const GlobalOptions& global) {
  const std::atomic<bool>& stop_flag = install_stop_handlers();
  const std::string base_url = resolve_base_url(global);
  ApiSession session(global, base_url, read_api_key(global), &stop_flag);
  auto account = session.api().account();
  if (!account) {
    throw fatal_from(account.error());
  }
  const std::string text = options.json ? output::account_json(*account) : output::account_text(*account);
  std::fwrite(text.data(), 1, text.size(), stdout);
  return core::ExitCode::ok;
}

}  // namespace cli
