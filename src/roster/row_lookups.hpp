#pragma once

// The lookups a row names under a ColumnMap: one for long and url rows, one per non-empty
// platform cell for wide rows. Internal to roster/.
//
// Read as views (LookupRef): the handle is usually a slice of its cell and the reason a static
// text, so the first pass over a roster copies nothing per row. What has to be built (a handle
// percent-decoded from a link, a reason quoting the cell) is kept in a TextPool.

#include <cstddef>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "roster/layout.hpp"
#include "roster/roster.hpp"

namespace roster {

// Strings that stay where they are until clear(), so views of them stay valid; their memory is
// reused from row to row.
class TextPool {
 public:
  void clear() { m_used = 0; }
  // An empty string to build text in.
  std::string& fresh();
  std::string_view keep(std::string_view text);

 private:
  std::deque<std::string> m_texts;  // a deque: growing it never moves the strings
  std::size_t m_used = 0;
};

// A CellLookup as views: of the row's cells, of the header, of static text or of a TextPool.
struct LookupRef {
  std::string_view column;
  std::optional<core::Platform> platform;
  std::string_view handle;
  std::string_view invalid_reason;

  bool valid() const { return invalid_reason.empty(); }
};

// Fills `lookups` from `cells`, with built text in `texts` (cleared first). `header` names wide
// columns; the views into it stay valid as long as it does.
void read_lookups(const ColumnMap& columns, const std::vector<std::string>& header,
                  std::span<const std::string_view> cells, std::vector<LookupRef>& lookups, TextPool& texts);

// Copies `lookups` into `out` (reusing its elements).
void copy_lookups(std::span<const LookupRef> lookups, std::vector<CellLookup>& out);

// True when every cell is empty or white space: such records are skipped.
bool is_blank(std::span<const std::string_view> cells);
// The same for a record that is one line of valid CSV, split at `delimiter`, with quotes (if any)
// only around whole cells (CsvReader::next_plain's lines).
bool is_blank_line(std::string_view line, char delimiter);

}  // namespace roster
