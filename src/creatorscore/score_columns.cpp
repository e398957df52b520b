#include "creatorscore/score_columns.hpp"

#include <nlohmann/json.hpp>
#include <string_view>
#include <utility>

#include "core/lookup_status.hpp"
#include "output/json_text.hpp"
#include "util/text.hpp"

namespace creatorscore {

namespace {

using nlohmann::json;
using output::Cell;

const std::vector<std::string> k_base_columns = {"status",
                                                 "score",
                                                 "tier",
                                                 "content_risk",
                                                 "brand_safety",
                                                 "sentiment",
                                                 "authenticity",
                                                 "audience_quality",
                                                 "community_trust",
                                                 "roi_prediction",
                                                 "knockouts",
                                                 "display_name",
                                                 "followers",
                                                 "last_scored_at",
                                                 "public_profile_url",
                                                 "error",
                                                 "job_id"};

const std::vector<std::string> k_agent_columns = {"content_risk",  "brand_safety",     "sentiment",
                                                  "authenticity",  "audience_quality", "community_trust",
                                                  "roi_prediction"};

// What the columns are made from: the record of a placed lookup, or what stands for one that has
// none (an invalid cell, or one the roster index does not know).
struct Answer {
  core::LookupStatus status = core::LookupStatus::unsubmitted;
  std::string_view creator_json;  // verbatim payload, empty when there is none
  std::string_view error;
  std::string_view job_id;
};

Answer answer_of(const std::vector<state::LookupRecord>& records, const roster::CellLookup& cell,
                 std::optional<std::size_t> lookup) {
  if (!cell.valid()) {
    return Answer{core::LookupStatus::invalid, "", cell.invalid_reason, ""};
  }
  if (!lookup || *lookup >= records.size()) {
    return Answer{core::LookupStatus::error, "", "not in the roster index", ""};
  }
  const state::LookupRecord& record = records[*lookup];
  return Answer{record.status, record.creator_json, record.error, record.job_id};
}

json parse_creator(std::string_view creator_json) {
  return creator_json.empty() ? json() : json::parse(creator_json, nullptr, false);
}

// A cell of a numeric column (score, the agent scores, followers): a JSON number only. Anything
// else the API put there, a string above all ("85", "=1+1", "1e999"), is not written as a number
// nor run as a formula: the cell stays empty (the JSON output keeps the payload as sent).
Cell number_cell(const json& value) {
  return value.is_number() ? Cell::number(output::json_text(value)) : Cell();
}

// A cell of a text column: the API's value as text, guarded by the writer. A JSON number is
// written as itself: it cannot start a formula.
Cell text_cell(const json& value) {
  return value.is_number() ? Cell::number(output::json_text(value)) : Cell::text(output::json_text(value));
}

}  // namespace

ScoreColumns::ScoreColumns(const std::vector<state::LookupRecord>& records, std::vector<std::string> include)
    : m_records(records), m_include(std::move(include)) {}

std::vector<std::string> ScoreColumns::columns() const {
  std::vector<std::string> columns = k_base_columns;
  columns.insert(columns.end(), m_include.begin(), m_include.end());
  return columns;
}

// Every cell made of API text is text, which the writer guards when asked (man/roster-enrich.1,
// "OUTPUT"); the status is ours.
std::vector<Cell> ScoreColumns::cells(const roster::CellLookup& cell,
                                      std::optional<std::size_t> lookup) const {
  const Answer answer = answer_of(m_records, cell, lookup);
  std::vector<Cell> cells;
  const json creator = parse_creator(answer.creator_json);
  const bool has_creator = creator.is_object();
  const auto member = [](const json& object, const char* name) -> const json* {
    const auto it = object.is_object() ? object.find(name) : object.end();
    return it != object.end() ? &*it : nullptr;
  };
  const auto text_field = [&](const char* name) -> Cell {
    const json* value = member(creator, name);
    return value != nullptr ? text_cell(*value) : Cell();
  };
  const auto number_field = [&](const json& object, const char* name) -> Cell {
    const json* value = member(object, name);
    return value != nullptr ? number_cell(*value) : Cell();
  };
  cells.push_back(Cell::text(std::string(core::status_name(answer.status))));
  cells.push_back(number_field(creator, "score"));
  cells.push_back(text_field("tier"));
  const json* agents = member(creator, "agents");
  for (const std::string& agent : k_agent_columns) {
    cells.push_back(agents != nullptr ? number_field(*agents, agent.c_str()) : Cell());
  }
  Cell knockouts;
  if (has_creator && creator.contains("knockouts") && creator["knockouts"].is_array()) {
    std::vector<std::string> parts;
    for (const json& item : creator["knockouts"]) {
      parts.push_back(output::json_text(item));
    }
    knockouts = Cell::text(util::join(parts, "; "));
  }
  cells.push_back(std::move(knockouts));
  cells.push_back(text_field("display_name"));
  cells.push_back(number_field(creator, "followers"));
  cells.push_back(text_field("last_scored_at"));
  cells.push_back(text_field("public_profile_url"));
  cells.push_back(Cell::text(std::string(answer.error)));
  cells.push_back(answer.status == core::LookupStatus::cached ? Cell()
                                                              : Cell::text(std::string(answer.job_id)));
  for (const std::string& name : m_include) {
    cells.push_back(text_field(name.c_str()));
  }
  return cells;
}

std::vector<Cell> ScoreColumns::cells_of_unnamed_row() const {
  std::vector<Cell> cells(k_base_columns.size() + m_include.size());
  cells.front() = Cell::text(std::string(core::status_name(core::LookupStatus::invalid)));
  return cells;
}

// The creator is its payload re-serialised (object keys sorted), or null when it has none or it is
// not JSON.
std::string ScoreColumns::json_members(const roster::CellLookup& cell,
                                       std::optional<std::size_t> lookup) const {
  const Answer answer = answer_of(m_records, cell, lookup);
  std::string text = "\"status\":";
  output::append_json_string(text, core::status_name(answer.status));
  text += ",\"creator\":";
  const json creator = parse_creator(answer.creator_json);
  text += creator.is_discarded() ? "null" : creator.dump(-1, ' ', false, json::error_handler_t::replace);
  text += ",\"error\":";
  output::append_json_string_or_null(text, answer.error);
  text += ",\"job_id\":";
  output::append_json_string_or_null(text, answer.job_id);
  return text;
}

}  // namespace creatorscore
