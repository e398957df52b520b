#include "cli/options_fingerprint.hpp"

#include <algorithm>
#include <set>

#include "cli/commands.hpp"
#include "creatoraudit/audit_record.hpp"
#include "state/run_info.hpp"

namespace cli {

namespace {

std::string escape_value(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '%') {
      out += "%25";
    } else if (c == ';') {
      out += "%3B";
    } else {
      out += c;
    }
  }
  return out;
}

std::string unescape_value(std::string_view value) {
  std::string out;
  for (std::size_t i = 0; i < value.size(); ++i) {
    if (value.substr(i, 3) == "%25") {
      out += '%';
      i += 2;
    } else if (value.substr(i, 3) == "%3B") {
      out += ';';
      i += 2;
    } else {
      out += value[i];
    }
  }
  return out;
}

// The flag a fingerprint option comes from, for the message.
std::string flag_of(const FingerprintEntry& entry) {
  if (entry.provider == state::k_creatorscore && entry.option == "include") {
    return "--include";
  }
  if (entry.provider == "creatoraudit") {
    return "--audit-" + entry.option;
  }
  return "the " + entry.provider + " option " + entry.option;
}

// "--include a,b", or "without --include" when it was not given.
std::string as_given(const std::string& flag, const std::string& value) {
  return value.empty() ? "without " + flag : flag + " " + value;
}

std::string phrase_with(const std::string& flag, const std::string& value) {
  return value.empty() ? as_given(flag, value) : "with " + as_given(flag, value);
}

bool names_provider(const std::vector<FingerprintEntry>& entries, const std::string& provider) {
  return std::any_of(entries.begin(), entries.end(),
                     [&](const FingerprintEntry& entry) { return entry.provider == provider; });
}

}  // namespace

std::string format_fingerprint(const std::vector<FingerprintEntry>& entries) {
  std::string out;
  for (const FingerprintEntry& entry : entries) {
    out += (out.empty() ? "" : ";") + entry.provider + ":" + entry.option + "=" + escape_value(entry.value);
  }
  return out;
}

std::vector<FingerprintEntry> parse_fingerprint(std::string_view fingerprint) {
  std::vector<FingerprintEntry> entries;
  while (!fingerprint.empty()) {
    const std::size_t end = std::min(fingerprint.find(';'), fingerprint.size());
    const std::string_view text = fingerprint.substr(0, end);
    fingerprint.remove_prefix(std::min(end + 1, fingerprint.size()));
    const std::size_t colon = text.find(':');
    const std::size_t equals = text.find('=');
    if (colon == std::string_view::npos || equals == std::string_view::npos || colon == 0 ||
        equals < colon + 2) {
      continue;
    }
    entries.push_back(FingerprintEntry{std::string(text.substr(0, colon)),
                                       std::string(text.substr(colon + 1, equals - colon - 1)),
                                       unescape_value(text.substr(equals + 1))});
  }
  return entries;
}

std::string options_fingerprint(const RunOptions& options) {
  const std::set<std::string> include(options.include.begin(), options.include.end());
  std::string fields;
  for (const std::string& field : include) {
    fields += (fields.empty() ? "" : ",") + field;
  }
  std::vector<FingerprintEntry> entries;
  if (options.providers.creatorscore) {
    entries.push_back({std::string(state::k_creatorscore), "include", fields});
  }
  if (options.providers.creatoraudit) {
    const std::string audit(creatoraudit::k_provider_name);
    entries.push_back({audit, "period", std::string(creatoraudit::period_name(options.audit_period))});
    entries.push_back({audit, "track", options.audit_track == AuditTrack::existing_only ? "existing" : "new"});
  }
  return format_fingerprint(entries);
}

std::optional<std::string> fingerprint_difference(std::string_view stored, std::string_view given,
                                                  const std::string& state_path) {
  const std::vector<FingerprintEntry> was = parse_fingerprint(stored);
  for (const FingerprintEntry& now : parse_fingerprint(given)) {
    const auto before = std::find_if(was.begin(), was.end(), [&](const FingerprintEntry& entry) {
      return entry.provider == now.provider && entry.option == now.option;
    });
    if (before == was.end() || before->value == now.value) {
      continue;
    }
    const std::string flag = flag_of(now);
    return "the run in " + state_path + " was started " + phrase_with(flag, before->value) + ", not " +
           as_given(flag, now.value) + "; run again " + phrase_with(flag, before->value) +
           ", or pass --restart to start afresh with these options";
  }
  return std::nullopt;
}

std::string merged_fingerprint(std::string_view stored, std::string_view given) {
  std::vector<FingerprintEntry> merged = parse_fingerprint(given);
  const std::vector<FingerprintEntry> now = merged;
  for (const FingerprintEntry& entry : parse_fingerprint(stored)) {
    if (!names_provider(now, entry.provider)) {
      merged.push_back(entry);
    }
  }
  return format_fingerprint(merged);
}

}  // namespace cli
