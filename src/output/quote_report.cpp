#include "output/quote_report.hpp"

#include <algorithm>
#include <array>
#include <nlohmann/json.hpp>

namespace output {

namespace {

constexpr std::size_t slot(core::Platform platform) { return static_cast<std::size_t>(platform); }

constexpr std::size_t k_platform_slots = [] {
  std::size_t most = 0;
  for (const core::Platform platform : core::k_all_platforms) {
    most = std::max(most, slot(platform));
  }
  return most + 1;
}();

}  // namespace

QuoteReport make_quote(const roster::RosterIndex& index, const std::string& roster_name,
                       const creatorscore::Pricing& pricing) {
  QuoteReport report;
  report.roster = roster_name;
  report.layout = std::string(roster::layout_name(index.layout));
  report.delimiter = index.delimiter;
  report.rows = index.rows;
  report.invalid_rows = index.invalid_rows;
  report.unique = index.lookups.size();
  report.duplicates = index.duplicate_lookups;
  report.first_invalid = index.first_invalid;
  report.pricing_from_account = pricing.from_account;
  // Counted per platform first: map look-ups per lookup cost 3% of quote on a million-row roster.
  std::array<std::size_t, k_platform_slots> counts{};
  for (const roster::UniqueLookup& lookup : index.lookups) {
    ++counts[slot(lookup.platform())];
  }
  for (const core::Platform platform : core::k_all_platforms) {
    const std::size_t count = counts[slot(platform)];
    if (count == 0) {
      continue;
    }
    const auto credits = static_cast<std::int64_t>(count) * pricing.price(platform);
    report.unique_by_platform[platform] = count;
    report.worst_case_by_platform[platform] = credits;
    report.worst_case_total += credits;
  }
  return report;
}

std::string quote_text(const QuoteReport& report) {
  std::string out;
  const std::string delimiter = report.delimiter == '\t' ? "tab" : std::string(1, report.delimiter);
  out += "roster        " + report.roster + " (" + report.layout + " layout, delimiter " + delimiter + ")\n";
  out += "rows          " + std::to_string(report.rows) + "\n";
  out += "invalid rows  " + std::to_string(report.invalid_rows) + (report.invalid_rows ? " (never sent)" : "") + "\n";
  for (const roster::InvalidRow& row : report.first_invalid) {
    out += "  line " + std::to_string(row.line) + ": " + row.reason + "\n";
  }
  if (report.invalid_rows > report.first_invalid.size()) {
    out += "  ... and " + std::to_string(report.invalid_rows - report.first_invalid.size()) + " more\n";
  }
  out += "unique        " + std::to_string(report.unique) + " lookups (" + std::to_string(report.duplicates) +
         " duplicates looked up once)\n\n";
  out += "platform     lookups  worst case (credits)\n";
  for (const auto& [platform, count] : report.unique_by_platform) {
    std::string name(core::platform_name(platform));
    std::string line = "  " + name;
    line.resize(13, ' ');
    std::string lookups = std::to_string(count);
    line += std::string(lookups.size() < 8 ? 8 - lookups.size() : 0, ' ') + lookups;
    std::string credits = std::to_string(report.worst_case_by_platform.at(platform));
    line += std::string(credits.size() < 22 ? 22 - credits.size() : 0, ' ') + credits;
    out += line + "\n";
  }
  out += "total worst case: " + std::to_string(report.worst_case_total) +
         " credits, as if nothing were cached (cached scores are free)" +
         (report.pricing_from_account ? "" : "; prices from the vendor's published table") + "\n";
  if (report.balance) {
    out += "balance: " + std::to_string(*report.balance) + " credits: " +
           (*report.balance >= report.worst_case_total ? "covers the worst case\n"
                                                        : "does NOT cover the worst case (short by " +
                                                              std::to_string(report.worst_case_total - *report.balance) +
                                                              ")\n");
  } else {
    out += "balance: not checked (" + report.balance_note + ")\n";
  }
  return out;
}

std::string quote_json(const QuoteReport& report) {
  nlohmann::ordered_json invalid = nlohmann::ordered_json::array();
  for (const roster::InvalidRow& row : report.first_invalid) {
    invalid.push_back({{"line", row.line}, {"record", row.record}, {"reason", row.reason}});
  }
  nlohmann::ordered_json platforms = nlohmann::ordered_json::object();
  for (const auto& [platform, count] : report.unique_by_platform) {
    platforms[std::string(core::platform_name(platform))] = {
        {"lookups", count}, {"worst_case_credits", report.worst_case_by_platform.at(platform)}};
  }
  nlohmann::ordered_json document = {
      {"roster", report.roster},
      {"layout", report.layout},
      {"delimiter", std::string(1, report.delimiter)},
      {"rows", report.rows},
      {"invalid_rows", report.invalid_rows},
      {"first_invalid", invalid},
      {"unique_lookups", report.unique},
      {"duplicates", report.duplicates},
      {"platforms", platforms},
      {"worst_case_credits", report.worst_case_total},
      {"pricing_source", report.pricing_from_account ? "account" : "vendor_table"},
  };
  if (report.balance) {
    document["balance"] = *report.balance;
    document["balance_covers_worst_case"] = *report.balance >= report.worst_case_total;
  } else {
    document["balance"] = nullptr;
    document["balance_covers_worst_case"] = nullptr;
    document["balance_note"] = report.balance_note;
  }
  return document.dump(2) + "\n";
}

}  // namespace output
