#pragma once

// What one provider that ran contributes to the enriched roster (PRODUCT.md's "Output", the man
// page's OUTPUT): its CSV columns and, for each lookup a row names, their cells and its part of the
// lookup's JSON object. The writer (output/enriched_writer.hpp) lays the groups out, prefixes them
// for wide rosters, resolves collisions with input columns and applies the formula guard; a group
// only says what each cell holds. CreatorScore's group is creatorscore/score_columns.hpp,
// CreatorAudit's creatoraudit/audit_columns.hpp.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "roster/roster.hpp"

namespace output {

// One CSV cell. A number is written as it is and never guarded (it cannot start a formula a
// spreadsheet runs: `-3` is minus three); text from an API goes through the formula guard.
struct Cell {
  enum class Kind { empty, number, text };
  Kind kind = Kind::empty;
  std::string value;

  static Cell number(std::string text) { return {Kind::number, std::move(text)}; }
  static Cell text(std::string text) { return {Kind::text, std::move(text)}; }
};

class ColumnGroup {
 public:
  virtual ~ColumnGroup() = default;

  // The group's column names, in order, as a one-lookup roster shows them (the writer adds the
  // `<platform>_` of a wide roster's set).
  virtual std::vector<std::string> columns() const = 0;

  // Put before the whole column name when it collides with an input column (`cs_`, `ca_`).
  virtual std::string collision_prefix() const = 0;

  // The cells of one lookup, one per column. `lookup` is the roster's place of the lookup
  // (roster::RosterIndex::lookups), nullopt when the cell is invalid or not in the index.
  virtual std::vector<Cell> cells(const roster::CellLookup& cell,
                                  std::optional<std::size_t> lookup) const = 0;

  // The cells of a row that names no lookup at all (a one-lookup roster's empty handle cell).
  virtual std::vector<Cell> cells_of_unnamed_row() const = 0;

  // The group's members of the lookup's JSON object, as JSON text without braces
  // (`"status":"scored","creator":{…}`), written after its `platform` and `handle`.
  virtual std::string json_members(const roster::CellLookup& cell,
                                   std::optional<std::size_t> lookup) const = 0;
};

// JSON text helpers for groups writing their members: `text` as a JSON string (invalid UTF-8
// replaced rather than refused), or null when empty.
void append_json_string(std::string& out, std::string_view text);
void append_json_string_or_null(std::string& out, std::string_view text);

}  // namespace output
