#pragma once

// RunInfo::options_fingerprint: the options a run was started with that change what a lookup's
// result means, per provider, so that a resume with other ones is refused rather than mixing two
// kinds of result in one output (man page, "State files"). Today CreatorScore's --include; the
// CreatorAudit options (--audit-period, --audit-track) slot in through options_fingerprint().
//
// Stored as `provider:option=value` entries joined by ';', e.g.
// "creatorscore:include=narrative,risk_flags;creatoraudit:period=30d;creatoraudit:track=new"
// (';' and '%' in a value are written %3B and %25).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cli {

struct RunOptions;

struct FingerprintEntry {
  std::string provider;
  std::string option;
  std::string value;
  bool operator==(const FingerprintEntry&) const = default;
};

std::string format_fingerprint(const std::vector<FingerprintEntry>& entries);
// Entries that do not read as `provider:option=value` are left out.
std::vector<FingerprintEntry> parse_fingerprint(std::string_view fingerprint);

// The fingerprint of these options: every provider the run uses, with each of its options that
// changes what a result means (--include sorted, without repeats).
std::string options_fingerprint(const RunOptions& options);

// One line saying how `given` differs from the `stored` fingerprint of the run in `state_path`,
// naming the flag and what to do; nullopt when they match. Only options of providers (and options)
// both name are compared: a provider the run did not have joins it, and an empty `stored` (a run
// made before fingerprints were stored) matches anything.
std::optional<std::string> fingerprint_difference(std::string_view stored, std::string_view given,
                                                  const std::string& state_path);

// What the run's fingerprint becomes once resumed with `given`: its entries, then the stored
// entries of providers `given` does not name (their records stay in the run).
std::string merged_fingerprint(std::string_view stored, std::string_view given);

}  // namespace cli
