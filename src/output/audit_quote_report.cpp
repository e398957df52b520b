#include "output/audit_quote_report.hpp"

#include <nlohmann/json.hpp>

namespace output {

std::string audit_quote_text(const AuditQuote& quote) {
  std::string out = "\ncreatoraudit (instagram and tiktok)\n";
  out += "  lookups          " + std::to_string(quote.covered()) + " (instagram " +
         std::to_string(quote.instagram) + ", tiktok " + std::to_string(quote.tiktok) + ")";
  out += quote.not_covered > 0
             ? "; " + std::to_string(quote.not_covered) + " on other platforms, not covered\n"
             : "\n";
  if (quote.already_tracked) {
    out += "  already tracked  " + std::to_string(*quote.already_tracked) + " (no quota)\n";
    out += "  to track anew    " + std::to_string(quote.covered() - *quote.already_tracked) +
           " (each takes one account of the plan's quota)\n";
  } else {
    out += "  already tracked  unknown: " + quote.tracked_note + "\n";
    out += "  to track anew    at most " + std::to_string(quote.covered()) +
           " (each takes one account of the plan's quota)\n";
  }
  return out;
}

std::string quote_json_with_audit(const std::string& report_json, const AuditQuote& quote) {
  nlohmann::ordered_json document = nlohmann::ordered_json::parse(report_json);
  const bool known = quote.already_tracked.has_value();
  document["creatoraudit"] = {
      {"instagram", quote.instagram},
      {"tiktok", quote.tiktok},
      {"not_covered", quote.not_covered},
      {"already_tracked",
       known ? nlohmann::ordered_json(*quote.already_tracked) : nlohmann::ordered_json(nullptr)},
      {"to_track", known ? nlohmann::ordered_json(quote.covered() - *quote.already_tracked)
                         : nlohmann::ordered_json(nullptr)},
      {"max_to_track", quote.covered()},
      {"note", known ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(quote.tracked_note)},
  };
  return document.dump(2) + "\n";
}

}  // namespace output
