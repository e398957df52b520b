#include "cli/providers.hpp"

#include <CLI/CLI.hpp>
#include <map>
#include <vector>

#include "cli/commands.hpp"
#include "cli/usage_errors.hpp"
#include "util/text.hpp"

namespace cli {

namespace {

const std::vector<std::string>& provider_names() {
  static const std::vector<std::string> names{"creatorscore", "creatoraudit"};
  return names;
}

}  // namespace

util::Expected<ProviderSet, std::string> parse_providers(std::string_view list) {
  ProviderSet providers{false, false};
  bool any = false;
  std::size_t start = 0;
  while (start <= list.size()) {
    const std::size_t comma = std::min(list.find(',', start), list.size());
    const std::string name(util::trim(list.substr(start, comma - start)));
    start = comma + 1;
    if (name.empty()) {
      continue;
    }
    if (name == "creatorscore") {
      providers.creatorscore = true;
    } else if (name == "creatoraudit") {
      providers.creatoraudit = true;
    } else {
      const std::string guess = nearest_word(name, provider_names());
      const std::string shown = safe_to_echo(name) ? " '" + name + "'" : "";
      return util::unexpected(
          "--providers: unknown provider" + shown + (guess.empty() ? "" : "; did you mean '" + guess + "'?") +
          (guess.empty() ? "; give creatorscore, creatoraudit or both, comma-separated" : ""));
    }
    any = true;
  }
  if (!any) {
    return util::unexpected(std::string(
        "--providers: no provider named; give creatorscore, creatoraudit or both, comma-separated"));
  }
  return providers;
}

std::string providers_text(const ProviderSet& providers) {
  std::string text = providers.creatorscore ? "creatorscore" : "";
  if (providers.creatoraudit) {
    text += text.empty() ? "creatoraudit" : ",creatoraudit";
  }
  return text;
}

void add_audit_connection_options(CLI::App& command, AuditConnectionOptions& options) {
  command.add_option("--audit-key-file", options.key_file,
                     "read the CreatorAudit key from FILE (`-` = stdin) instead of $CREATORAUDIT_API_KEY");
  command.add_option(
      "--audit-base-url", options.base_url,
      "CreatorAudit base URL (default: $CREATORAUDIT_BASE_URL, else https://api.creatoraudit.com/v2)");
}

CLI::Option* add_providers_option(CLI::App& command, ProviderSet& providers) {
  return command
      .add_option_function<std::string>(
          "--providers", [&providers](const std::string& list) { providers = *parse_providers(list); },
          "comma list of creatorscore, creatoraudit (default: $ROSTER_ENRICH_PROVIDERS, else creatorscore)")
      ->envname(k_providers_env)
      ->check(CLI::Validator(
          [](std::string& list) -> std::string {
            const auto parsed = parse_providers(list);
            // CLI11 puts the option's name before the text itself.
            return parsed ? std::string() : parsed.error().substr(std::string_view("--providers: ").size());
          },
          ""))
      ->option_text("LIST");
}

CLI::Option* add_audit_period_option(CLI::App& command, creatoraudit::Period& period) {
  return command.add_option("--audit-period", period, "the CreatorAudit metrics window (default 30d)")
      ->transform(CLI::CheckedTransformer(
          std::map<std::string, creatoraudit::Period>{{"7d", creatoraudit::Period::days_7},
                                                      {"30d", creatoraudit::Period::days_30},
                                                      {"90d", creatoraudit::Period::days_90}}))
      ->transform(one_of({"7d", "30d", "90d"}))
      ->option_text("7d|30d|90d");
}

void add_run_audit_options(CLI::App& command, RunOptions& options) {
  add_providers_option(command, options.providers);
  add_audit_connection_options(command, options.audit);
  add_audit_period_option(command, options.audit_period);
  command
      .add_option("--audit-track", options.audit_track,
                  "new: track lookups CreatorAudit does not track yet (one quota account each); existing: "
                  "read only accounts already tracked (default new)")
      ->transform(CLI::CheckedTransformer(std::map<std::string, AuditTrack>{
          {"new", AuditTrack::track_new}, {"existing", AuditTrack::existing_only}}))
      ->transform(one_of({"new", "existing"}))
      ->option_text("new|existing");
  command
      .add_option("--audit-max-new", options.audit_max_new,
                  "track at most N new CreatorAudit accounts in this invocation (default: the plan's quota)")
      ->check(whole_number_in(0, 1'000'000'000'000LL));
}

}  // namespace cli
