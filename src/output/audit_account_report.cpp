#include "output/audit_account_report.hpp"

#include <nlohmann/json.hpp>

#include "util/text.hpp"

namespace output {

namespace {

nlohmann::ordered_json audit_document(const AuditAccountReport& report) {
  const auto number_or_null = [](const std::optional<long long>& value) {
    return value ? nlohmann::ordered_json(*value) : nlohmann::ordered_json(nullptr);
  };
  return {
      {"organization_id", report.organization_id},
      {"key_name", report.key_name},
      {"api_version", report.api_version},
      {"rate_limit",
       {{"limit", number_or_null(report.rate_limit)},
        {"remaining", number_or_null(report.remaining)},
        {"reset_in_seconds", number_or_null(report.reset_in_seconds)}}},
  };
}

}  // namespace

std::string audit_account_text(const AuditAccountReport& report) {
  std::string out = "creatoraudit\n";
  out += "  organization  " + util::one_line(report.organization_id, 120) + "\n";
  out += "  key           " +
         (report.key_name.empty() ? std::string("(no name)") : util::one_line(report.key_name, 120)) + "\n";
  out += "  API version   " +
         (report.api_version.empty() ? std::string("(unknown)") : util::one_line(report.api_version, 60)) +
         "\n";
  if (report.rate_limit) {
    out += "  rate limit    " + std::to_string(*report.rate_limit) + " requests per window";
    if (report.remaining) {
      out += ", " + std::to_string(*report.remaining) + " left";
    }
    if (report.reset_in_seconds) {
      out += ", room again in " + std::to_string(*report.reset_in_seconds) + "s";
    }
    out += " (from the X-RateLimit headers)\n";
  } else {
    out += "  rate limit    not announced (no X-RateLimit headers): one request at a time\n";
  }
  return out;
}

std::string audit_account_json(const AuditAccountReport& report) {
  return nlohmann::ordered_json{{"creatoraudit", audit_document(report)}}.dump(2) + "\n";
}

std::string account_json_with_audit(const std::string& creatorscore_json, const AuditAccountReport& report) {
  nlohmann::ordered_json document = nlohmann::ordered_json::parse(creatorscore_json);
  document["creatoraudit"] = audit_document(report);
  return document.dump(2) + "\n";
}

}  // namespace output
