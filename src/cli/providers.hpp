#pragma once

// Which providers a command uses (--providers / ROSTER_ENRICH_PROVIDERS, lookup's --provider) and
// the CreatorAudit options of `run` (--audit-period, --audit-track, --audit-max-new), parsed and
// checked before anything is read or sent. The man page lists them (OPTIONS, CreatorAudit).

#include <optional>
#include <string>
#include <string_view>

#include "creatoraudit/types.hpp"
#include "util/expected.hpp"

namespace CLI {
class App;
class Option;
}  // namespace CLI

namespace cli {

struct ProviderSet {
  bool creatorscore = true;
  bool creatoraudit = false;
  bool operator==(const ProviderSet&) const = default;
};

inline constexpr const char* k_providers_env = "ROSTER_ENRICH_PROVIDERS";

// "creatorscore,creatoraudit": names separated by commas, white space around them and empty items
// ignored, a name given twice counted once. An unknown name, or a list with no name at all, is
// the error line (with a did-you-mean for a near miss), for exit 64.
util::Expected<ProviderSet, std::string> parse_providers(std::string_view list);

// "creatorscore" or "creatoraudit", or "creatorscore,creatoraudit".
std::string providers_text(const ProviderSet& providers);

// --audit-track
enum class AuditTrack { track_new, existing_only };

// Where CreatorAudit is, and its key: per command, as --api-key-file and --base-url are for
// CreatorScore (both empty: CREATORAUDIT_API_KEY and CREATORAUDIT_BASE_URL, else the default).
struct AuditConnectionOptions {
  std::string key_file;  // --audit-key-file FILE, `-` = stdin
  std::string base_url;  // --audit-base-url URL
};

// Adds --audit-key-file and --audit-base-url.
void add_audit_connection_options(CLI::App& command, AuditConnectionOptions& options);

// Adds --providers LIST (also from ROSTER_ENRICH_PROVIDERS), checked while parsing.
CLI::Option* add_providers_option(CLI::App& command, ProviderSet& providers);

// Adds --audit-period 7d|30d|90d.
CLI::Option* add_audit_period_option(CLI::App& command, creatoraudit::Period& period);

struct RunOptions;
// Adds `run`'s --providers, --audit-key-file, --audit-base-url, --audit-period, --audit-track and
// --audit-max-new.
void add_run_audit_options(CLI::App& command, RunOptions& options);

}  // namespace cli
