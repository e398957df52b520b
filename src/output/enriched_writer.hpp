#pragma once

// Writes the enriched roster (PRODUCT.md, "Output") by streaming the roster a second time and
// asking, for each lookup a row names, what became of it. Atomic: a temporary file renamed into
// place, so a failed write leaves the previous output intact.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "output/column_group.hpp"
#include "output/format.hpp"
#include "roster/roster.hpp"
#include "util/expected.hpp"

namespace output {

// The lookup's place in the roster index (roster::RosterIndex::find), nullopt when it has none.
// Rows naming the same lookup get the same answer, which the writer then formats once for all of
// them rather than once a row.
using Locate = std::function<std::optional<std::size_t>(const roster::CellLookup&)>;

struct WriteOptions {
  std::string path = "-";  // `-` = stdout
  Format format = Format::csv;
  bool formula_guard = true;
  bool bom = false;  // CSV only: begin with a UTF-8 byte-order mark (for Excel)
};

struct WriteStats {
  std::size_t rows = 0;
};

// Spreadsheets run text starting with = + - @ TAB or CR as a formula; such API text gets a `'`.
std::string guard_formula(std::string text);

// Writes the input columns, then each group's columns in the order given (CreatorScore's first when
// both ran; a wide roster gets a set per platform column within each group). Valid lookups are
// located once a row; invalid ones reach the groups with no place. Fails with one line naming the
// output path (exit 73) or the roster's read error.
util::Expected<WriteStats, std::string> write_enriched(const WriteOptions& options,
                                                       roster::RosterReader& reader,
                                                       const std::vector<const ColumnGroup*>& groups,
                                                       const Locate& locate);

}  // namespace output
