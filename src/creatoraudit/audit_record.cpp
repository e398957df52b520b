#include "creatoraudit/audit_record.hpp"

#include <array>
#include <utility>

namespace creatoraudit {

namespace {

constexpr std::array<std::pair<AuditStatus, std::string_view>, 7> k_status_names = {{
    {AuditStatus::pending, "pending"},
    {AuditStatus::metrics, "metrics"},
    {AuditStatus::not_covered, "not_covered"},
    {AuditStatus::not_tracked, "not_tracked"},
    {AuditStatus::quota_exceeded, "quota_exceeded"},
    {AuditStatus::error, "error"},
    {AuditStatus::invalid, "invalid"},
}};

// ProviderRecord::detail holds what has no column of its own, one `name=value` a line; neither a
// timestamp nor a period can contain a line break.
constexpr std::string_view k_scrape_field = "last_scrape_time=";
constexpr std::string_view k_period_field = "period=";

std::string detail_of(const AuditRecord& record) {
  std::string detail;
  if (!record.last_scrape_time.empty()) {
    detail.append(k_scrape_field).append(record.last_scrape_time).append("\n");
  }
  if (!record.period.empty()) {
    detail.append(k_period_field).append(record.period).append("\n");
  }
  return detail;
}

void read_detail(std::string_view detail, AuditRecord& record) {
  while (!detail.empty()) {
    const auto end = detail.find('\n');
    const std::string_view line = detail.substr(0, end);
    if (line.starts_with(k_scrape_field)) {
      record.last_scrape_time = std::string(line.substr(k_scrape_field.size()));
    } else if (line.starts_with(k_period_field)) {
      record.period = std::string(line.substr(k_period_field.size()));
    }
    detail = end == std::string_view::npos ? std::string_view{} : detail.substr(end + 1);
  }
}

}  // namespace

std::string_view audit_status_name(AuditStatus status) {
  for (const auto& [value, name] : k_status_names) {
    if (value == status) {
      return name;
    }
  }
  return "pending";
}

std::optional<AuditStatus> parse_audit_status(std::string_view name) {
  for (const auto& [value, text] : k_status_names) {
    if (text == name) {
      return value;
    }
  }
  return std::nullopt;
}

state::ProviderRecord to_stored(const AuditRecord& record) {
  state::ProviderRecord stored;
  stored.index = record.index;
  stored.platform = record.platform;
  stored.handle = record.handle;
  stored.status = std::string(audit_status_name(record.status));
  stored.external_id = record.account_id;
  stored.payload = record.metrics_json;
  stored.error = record.error;
  stored.idempotency_key = record.idempotency_key;
  stored.etag = record.etag;
  stored.detail = detail_of(record);
  stored.cost = record.tracked_anew ? 1 : 0;  // one account of the plan's quota
  return stored;
}

AuditRecord from_stored(const state::ProviderRecord& stored) {
  AuditRecord record;
  record.index = stored.index;
  record.platform = stored.platform;
  record.handle = stored.handle;
  // A status this version does not know (a newer file) is worked on again rather than trusted.
  record.status = parse_audit_status(stored.status).value_or(AuditStatus::pending);
  record.account_id = stored.external_id;
  record.metrics_json = stored.payload;
  record.error = stored.error;
  record.idempotency_key = stored.idempotency_key;
  record.etag = stored.etag;
  record.tracked_anew = stored.cost > 0;
  read_detail(stored.detail, record);
  return record;
}

}  // namespace creatoraudit
