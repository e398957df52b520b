#pragma once

// The RosterReader over a file, with a second way to read rows for the first pass (index_roster):
// as views (RowRef), without copying cells or handles. Internal to roster/.

#include <array>
#include <cstddef>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "roster/csv_reader.hpp"
#include "roster/layout.hpp"
#include "roster/roster.hpp"
#include "roster/row_lookups.hpp"

namespace roster {

// A Row as views into the reader's buffers: valid until the reader's next call to next().
struct RowRef {
  std::size_t record = 0;
  std::size_t line = 0;
  std::vector<std::string_view> cells;
  std::vector<LookupRef> lookups;
  TextPool texts;  // text the lookups built (decoded handles, reasons quoting a cell)
};

class FileRosterReader final : public RosterReader {
 public:
  // RosterReader::open, as this type: same checks, same errors.
  static util::Expected<std::unique_ptr<FileRosterReader>, RosterError> open(const std::string& path,
                                                                             const Options& options);

  FileRosterReader(std::string name, char delimiter, std::unique_ptr<CsvReader> csv)
      : m_name(std::move(name)), m_delimiter(delimiter), m_csv(std::move(csv)) {}

  const std::vector<std::string>& header() const override { return m_header; }
  Layout layout() const override { return m_columns.layout; }
  char delimiter() const override { return m_delimiter; }
  bool began_with_bom() const override { return m_began_with_bom; }
  void set_began_with_bom(bool bom) { m_began_with_bom = bom; }
  const std::vector<std::string>& wide_columns() const override { return m_wide_columns; }

  util::Expected<bool, RosterError> next(Row& row) override;
  // The same rows, records, lines, lookups and errors as next(Row&).
  util::Expected<bool, RosterError> next(RowRef& row);
  // The same rows, records, lines, lookups and errors again, except that `row.cells` is left empty
  // for a row read as a plain line (CsvReader::next_plain): only the cells up to the last column
  // the lookups come from are cut out (a line's later cells are checked, not split). For index_roster.
  util::Expected<bool, RosterError> next_lookups(RowRef& row);
  // Bytes of the file read so far (after the header and any BOM skipped: an estimate).
  std::uint64_t bytes_read() const { return m_csv->bytes_read(); }

 private:
  util::Expected<util::Ok, RosterError> start(const Options& options);

  std::string m_name;
  char m_delimiter;
  bool m_began_with_bom = false;
  std::unique_ptr<CsvReader> m_csv;
  std::vector<std::string> m_header;
  ColumnMap m_columns;
  std::vector<std::string> m_wide_columns;
  std::size_t m_records = 0;
  RowRef m_row;  // next(Row&) reads into it, then copies
  // next_lookups: the first cells of a plain line, up to the last that read_lookups reads (every
  // platform column, for wide rosters); none when that column is too far right to be worth it.
  std::array<std::string_view, 16> m_plain_cells;
  std::size_t m_plain_cell_count = 0;
};

}  // namespace roster
