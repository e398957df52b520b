// `roster-enrich account`: check the key; show tenant, balance and the pricing table.

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>

#include "cli/api_session.hpp"
#include "cli/audit_session.hpp"
#include "cli/commands.hpp"
#include "cli/signals.hpp"
#include "creatoraudit/client.hpp"
#include "creatoraudit/header_pacer.hpp"
#include "creatorscore/client.hpp"
#include "output/account_report.hpp"
#include "output/audit_account_report.hpp"
#include "util/clock.hpp"

namespace cli {

namespace {

constexpr const char* k_account_description = R"(Check the keys; show the tenant, the key's label, the balance and the prices.

Examples:
  roster-enrich account
  roster-enrich account --json | jq .balance
  roster-enrich account --api-key-file ~/.config/creatorscore/key
  CREATORAUDIT_API_KEY=... roster-enrich account   # also CreatorAudit: organization, key, rate limit

Shows each provider whose key is set (CreatorScore: CREATORSCORE_API_KEY or --api-key-file;
CreatorAudit: CREATORAUDIT_API_KEY or --audit-key-file). CreatorAudit costs two requests
(GET /whoami, GET /meta) and no quota. Exit 0 when every key set works, 77 when none is set or
one is rejected (naming the provider), 69 when an API stays unavailable.)";

// GET /whoami and GET /meta; the rate limit as their X-RateLimit-* headers taught the pacer.
output::AuditAccountReport audit_account(const AccountOptions& options, const GlobalOptions& global,
                                         std::string key, const std::atomic<bool>& stop_flag) {
  AuditSession session(global, resolve_audit_base_url(options.audit, global), std::move(key), &stop_flag);
  auto whoami = session.api().whoami();
  if (!whoami) {
    throw audit_fatal_from(whoami.error());
  }
  auto meta = session.api().meta();
  if (!meta) {
    throw audit_fatal_from(meta.error());
  }
  output::AuditAccountReport report;
  report.organization_id = whoami->organization_id;
  report.key_name = whoami->api_key_name;
  report.api_version = meta->version;
  const creatoraudit::LearntLimit& learnt = session.pacer().learnt();
  report.rate_limit = learnt.limit;
  report.remaining = learnt.remaining;
  if (learnt.reset_at) {
    const auto left = std::chrono::duration_cast<std::chrono::seconds>(*learnt.reset_at - session.clock().now());
    report.reset_in_seconds = std::max<long long>(0, left.count());
  }
  return report;
}

}  // namespace

CLI::App* add_account_command(CLI::App& app, AccountOptions& options) {
  CLI::App* command = app.add_subcommand("account", "check the key; show tenant, balance and the pricing table");
  command->description(k_account_description);
  command->footer("Exit codes: 0 the key works, 64 usage, 69 API unavailable, 77 missing or rejected key.");
  command->add_flag("--json", options.json, "print JSON for scripts");
  add_audit_connection_options(*command, options.audit);
  return command;
}

core::ExitCode run_account(const AccountOptions& options, const GlobalOptions& global) {
  const std::atomic<bool>& stop_flag = install_stop_handlers();
  std::string audit_key = read_audit_key(options.audit);
  std::string creatorscore_key = read_api_key(global);
  // Only CreatorAudit's key set: CreatorScore is not in use here (no key is no error then).
  std::string creatorscore_text;
  if (!creatorscore_key.empty() || audit_key.empty()) {
    const std::string base_url = resolve_base_url(global);
    ApiSession session(global, base_url, std::move(creatorscore_key), &stop_flag);
    auto account = session.api().account();
    if (!account) {
      throw fatal_from(account.error());
    }
    creatorscore_text = options.json ? output::account_json(*account) : output::account_text(*account);
  }
  std::string text = creatorscore_text;
  if (!audit_key.empty()) {
    const output::AuditAccountReport audit = audit_account(options, global, std::move(audit_key), stop_flag);
    if (options.json) {
      text = creatorscore_text.empty() ? output::audit_account_json(audit)
                                       : output::account_json_with_audit(creatorscore_text, audit);
    } else {
      text += (creatorscore_text.empty() ? "" : "\n") + output::audit_account_text(audit);
    }
  }
  std::fwrite(text.data(), 1, text.size(), stdout);
  return core::ExitCode::ok;
}

}  // namespace cli
