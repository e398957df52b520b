#include "creatoraudit/audit_record.hpp"

namespace creatoraudit {

namespace {

constexpr AuditStatus k_statuses[] = {
    AuditStatus::pending,        AuditStatus::metrics, AuditStatus::not_covered, AuditStatus::not_tracked,
    AuditStatus::quota_exceeded, AuditStatus::error,   AuditStatus::invalid};

}  // namespace

std::string_view audit_status_name(AuditStatus status) {
  switch (status) {
    case AuditStatus::pending:
      return "pending";
    case AuditStatus::metrics:
      return "metrics";
    case AuditStatus::not_covered:
      return "not_covered";
    case AuditStatus::not_tracked:
      return "not_tracked";
    case AuditStatus::quota_exceeded:
      return "quota_exceeded";
    case AuditStatus::error:
      return "error";
    case AuditStatus::invalid:
      return "invalid";
  }
  return "error";
}

std::optional<AuditStatus> parse_audit_status(std::string_view name) {
  for (const AuditStatus status : k_statuses) {
    if (name == audit_status_name(status)) {
      return status;
    }
  }
  return std::nullopt;
}

}  // namespace creatoraudit
