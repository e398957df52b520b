#pragma once

// The lookups a row names under a ColumnMap: one for long and url rows, one per non-empty
// platform cell for wide rows. Internal to roster/.

#include <string>
#include <vector>

#include "roster/layout.hpp"
#include "roster/roster.hpp"

namespace roster {

// Fills `lookups` (reusing its elements) from `cells`. `header` names wide columns.
void read_lookups(const ColumnMap& columns, const std::vector<std::string>& header,
                  const std::vector<std::string>& cells, std::vector<CellLookup>& lookups);

// True when every cell is empty or white space: such records are skipped.
bool is_blank(const std::vector<std::string>& cells);

}  // namespace roster
