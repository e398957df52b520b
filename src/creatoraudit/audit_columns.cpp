#include "creatoraudit/audit_columns.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

#include "creatoraudit/decode.hpp"

namespace creatoraudit {

namespace {

using output::Cell;

const std::vector<std::string> k_fixed_columns = {"audit_status", "audit_error", "audit_account_id",
                                                  "audit_last_scrape_time", "audit_period"};

// The metrics of a stored item, decoded as the API's answer was (creatoraudit/decode.hpp): names
// already fit for columns, numbers kept as the API wrote them. None when the record holds no item.
std::vector<Metric> metrics_of(const AuditRecord& record) {
  if (record.metrics_json.empty()) {
    return {};
  }
  auto page = decode_metrics("{\"data\":[" + record.metrics_json + "]}");
  if (!page || page->items.empty()) {
    return {};
  }
  return std::move(page->items.front().metrics);
}

// What the columns are made from: the record of a placed lookup, or what stands for one that has
// none (an invalid cell, or one the roster index does not know).
AuditRecord stand_in(AuditStatus status, std::string error) {
  AuditRecord record;
  record.status = status;
  record.error = std::move(error);
  return record;
}

const AuditRecord* record_of(const std::vector<AuditRecord>& records, const roster::CellLookup& cell,
                             std::optional<std::size_t> lookup, AuditRecord& stand_in_record) {
  if (!cell.valid()) {
    stand_in_record = stand_in(AuditStatus::invalid, cell.invalid_reason);
    return &stand_in_record;
  }
  if (!lookup || *lookup >= records.size()) {
    stand_in_record = stand_in(AuditStatus::error, "not in the roster index");
    return &stand_in_record;
  }
  return &records[*lookup];
}

}  // namespace

AuditColumns::AuditColumns(const std::vector<AuditRecord>& records) : m_records(records) {
  for (const AuditRecord& record : records) {
    for (Metric& metric : metrics_of(record)) {
      if (m_metric_column.emplace(metric.name, m_metrics.size()).second) {
        m_metrics.push_back(std::move(metric.name));
      }
    }
  }
}

std::vector<std::string> AuditColumns::columns() const {
  std::vector<std::string> columns = k_fixed_columns;
  for (const std::string& metric : m_metrics) {
    columns.push_back("audit_" + metric);
  }
  return columns;
}

// Our status is text like any other; API numbers are number cells (never guarded), API strings
// text cells the writer guards.
std::vector<Cell> AuditColumns::cells(const roster::CellLookup& cell,
                                      std::optional<std::size_t> lookup) const {
  AuditRecord stand_in_record;
  const AuditRecord& record = *record_of(m_records, cell, lookup, stand_in_record);
  std::vector<Cell> cells(k_fixed_columns.size() + m_metrics.size());
  cells[0] = Cell::text(std::string(audit_status_name(record.status)));
  cells[1] = Cell::text(record.error);
  cells[2] = Cell::text(record.account_id);
  cells[3] = Cell::text(record.last_scrape_time);
  if (record.metrics_json.empty()) {
    return cells;  // no period without metrics
  }
  cells[4] = Cell::text(record.period);
  for (Metric& metric : metrics_of(record)) {
    const auto column = m_metric_column.find(metric.name);
    if (column == m_metric_column.end()) {
      continue;  // a record changed since the group was made; it has no column
    }
    Cell& target = cells[k_fixed_columns.size() + column->second];
    switch (metric.value.kind) {
      case MetricValue::Kind::number:
        target = Cell::number(std::move(metric.value.text));
        break;
      case MetricValue::Kind::text:
        target = Cell::text(std::move(metric.value.text));
        break;
      case MetricValue::Kind::empty:
        break;
    }
  }
  return cells;
}

std::vector<Cell> AuditColumns::cells_of_unnamed_row() const {
  std::vector<Cell> cells(k_fixed_columns.size() + m_metrics.size());
  cells.front() = Cell::text(std::string(audit_status_name(AuditStatus::invalid)));
  return cells;
}

// `metrics` is the item re-serialised in its own key order (one line, whatever the state held),
// null when the record has none or it is not a JSON object.
std::string AuditColumns::json_members(const roster::CellLookup& cell,
                                       std::optional<std::size_t> lookup) const {
  AuditRecord stand_in_record;
  const AuditRecord& record = *record_of(m_records, cell, lookup, stand_in_record);
  const bool has_metrics = !record.metrics_json.empty();
  std::string text = "\"audit\":{\"status\":";
  output::append_json_string(text, audit_status_name(record.status));
  text += ",\"error\":";
  output::append_json_string_or_null(text, record.error);
  text += ",\"account_id\":";
  output::append_json_string_or_null(text, record.account_id);
  text += ",\"last_scrape_time\":";
  output::append_json_string_or_null(text, record.last_scrape_time);
  text += ",\"period\":";
  output::append_json_string_or_null(text,
                                     has_metrics ? std::string_view(record.period) : std::string_view());
  text += ",\"metrics\":";
  const auto item = has_metrics ? nlohmann::ordered_json::parse(record.metrics_json, nullptr, false)
                                : nlohmann::ordered_json();
  text +=
      item.is_object() ? item.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace) : "null";
  return text + "}";
}

}  // namespace creatoraudit
