#pragma once

// CreatorAudit's columns of the enriched roster (PRODUCT.md's CreatorAudit section, the man page's
// OUTPUT): audit_status, audit_error, audit_account_id, audit_last_scrape_time, audit_period, then
// audit_<metric> for every metric the run's records hold, in the order first seen (records in
// roster order, metrics in the order the API sent them). JSON: an `audit` object with the same
// fields and `metrics`, the item as the API sent it (null without one).

#include <cstddef>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "creatoraudit/audit_record.hpp"
#include "output/column_group.hpp"

namespace creatoraudit {

class AuditColumns final : public output::ColumnGroup {
 public:
  // `records` by roster lookup index (roster::RosterIndex::lookups); they must outlive the group.
  // Decodes every record's metrics once, to learn the metric columns.
  explicit AuditColumns(const std::vector<AuditRecord>& records);

  std::vector<std::string> columns() const override;
  std::string collision_prefix() const override { return "ca_"; }
  std::vector<output::Cell> cells(const roster::CellLookup& cell,
                                  std::optional<std::size_t> lookup) const override;
  std::vector<output::Cell> cells_of_unnamed_row() const override;
  std::string json_members(const roster::CellLookup& cell, std::optional<std::size_t> lookup) const override;

 private:
  const std::vector<AuditRecord>& m_records;
  std::vector<std::string> m_metrics;                            // metric names, first seen first
  std::unordered_map<std::string, std::size_t> m_metric_column;  // name -> place in m_metrics
};

}  // namespace creatoraudit
