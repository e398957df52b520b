// RosterReader over a file: BOM and delimiter, then the header and its layout, then rows.

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "roster/delimiter.hpp"
#include "roster/file_roster_reader.hpp"

namespace roster {

namespace {

constexpr std::size_t k_detect_bytes = 1024 * 1024;  // how far to look for the end of the header line

struct FileCloser {
  void operator()(std::FILE* file) const { std::fclose(file); }
};
using FilePtr = std::unique_ptr<std::FILE, FileCloser>;

std::string located(const std::string& name, std::size_t line, const std::string& what) {
  return line == 0 ? name + ": " + what : name + ":" + std::to_string(line) + ": " + what;
}

// A record the CSV reader could not read: "<name>:<line>: <what>", exit 65.
RosterError unreadable_record(const std::string& name, const CsvError& error) {
  return RosterError::unusable(located(name, error.line, error.message));
}

// How many leading cells next_lookups cuts out of a plain line: up to the last column
// read_lookups reads (every platform column, for wide rosters), or none when that is past `most`.
std::size_t plain_cells_read(const ColumnMap& columns, std::size_t most) {
  std::size_t last_used = 0;
  switch (columns.layout) {
    case Layout::url: last_used = columns.url_column; break;
    case Layout::long_form:
      last_used = columns.platform_column ? std::max(columns.handle_column, *columns.platform_column)
                                          : columns.handle_column;
      break;
    case Layout::wide:
      for (const auto& [index, platform] : columns.wide) {
        last_used = std::max(last_used, index);
      }
      break;
  }
  return last_used < most ? last_used + 1 : 0;
}

}  // namespace

// Reads the header and maps its columns.
util::Expected<util::Ok, RosterError> FileRosterReader::start(const Options& options) {
  std::vector<std::string_view> cells;
  for (;;) {
    auto read = m_csv->next(cells);
    if (!read) {
      return util::unexpected(unreadable_record(m_name, read.error()));
    }
    if (!*read) {
      return util::unexpected(
          RosterError::unusable(located(m_name, 0, "empty file (a roster needs a header row, e.g. `platform,handle`)")));
    }
    if (!is_blank(cells)) {
      break;
    }
  }
  m_header.assign(cells.begin(), cells.end());
  auto columns = map_columns(m_header, options);
  if (!columns) {
    return util::unexpected(
        RosterError{columns.error().code, located(m_name, m_csv->record_line(), columns.error().message)});
  }
  m_columns = std::move(*columns);
  m_plain_cell_count = plain_cells_read(m_columns, m_plain_cells.size());
  for (const auto& [index, platform] : m_columns.wide) {
    m_wide_columns.push_back(m_header[index]);
  }
  return util::Ok{};
}

util::Expected<bool, RosterError> FileRosterReader::next(RowRef& row) {
  for (;;) {
    auto read = m_csv->next(row.cells);
    if (!read) {
      return util::unexpected(unreadable_record(m_name, read.error()));
    }
    if (!*read) {
      return false;
    }
    if (is_blank(row.cells)) {
      continue;
    }
    row.record = ++m_records;
    row.line = m_csv->record_line();
    read_lookups(m_columns, m_header, row.cells, row.lookups, row.texts);
    return true;
  }
}

util::Expected<bool, RosterError> FileRosterReader::next_lookups(RowRef& row) {
  const std::span<std::string_view> cells(m_plain_cells.data(), m_plain_cell_count);
  std::string_view line;
  while (m_plain_cell_count > 0 && m_csv->next_plain(cells, line)) {
    if (is_blank_line(line, m_delimiter)) {
      continue;
    }
    row.record = ++m_records;
    row.line = m_csv->record_line();
    row.cells.clear();
    // The cells past these are not read: cell_at() finds them empty.
    read_lookups(m_columns, m_header, cells, row.lookups, row.texts);
    return true;
  }
  return next(row);
}

util::Expected<bool, RosterError> FileRosterReader::next(Row& row) {
  auto more = next(m_row);
  if (!more || !*more) {
    return more;
  }
  row.record = m_row.record;
  row.line = m_row.line;
  row.cells.resize(m_row.cells.size());
  for (std::size_t i = 0; i < m_row.cells.size(); ++i) {
    row.cells[i].assign(m_row.cells[i]);
  }
  copy_lookups(m_row.lookups, row.lookups);
  return true;
}

std::string_view layout_name(Layout layout) {
  switch (layout) {
    case Layout::long_form: return "long";
    case Layout::url: return "url";
    case Layout::wide: return "wide";
  }
  return "long";
}

util::Expected<std::unique_ptr<RosterReader>, RosterError> RosterReader::open(const std::string& path,
                                                                              const Options& options) {
  auto reader = FileRosterReader::open(path, options);
  if (!reader) {
    return util::unexpected(reader.error());
  }
  return std::unique_ptr<RosterReader>(std::move(*reader));
}

util::Expected<std::unique_ptr<FileRosterReader>, RosterError> FileRosterReader::open(const std::string& path,
                                                                                      const Options& options) {
  const std::string name = options.display_name.empty() ? path : options.display_name;
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    return util::unexpected(
        RosterError{core::ExitCode::roster_unreadable, name + ": is a directory, not a roster file"});
  }
  FilePtr file(std::fopen(path.c_str(), "rb"));
  if (!file) {
    return util::unexpected(
        RosterError{core::ExitCode::roster_unreadable, name + ": cannot open: " + std::strerror(errno)});
  }

  // Byte-order mark: UTF-8 is skipped, UTF-16 refused (it would read as NUL-riddled garbage).
  unsigned char bom[3] = {0, 0, 0};
  const std::size_t got = std::fread(bom, 1, sizeof bom, file.get());
  if (std::ferror(file.get())) {
    return util::unexpected(
        RosterError{core::ExitCode::roster_unreadable, name + ": cannot read: " + std::strerror(errno)});
  }
  if (got >= 2 && ((bom[0] == 0xFF && bom[1] == 0xFE) || (bom[0] == 0xFE && bom[1] == 0xFF))) {
    return util::unexpected(
        RosterError::unusable(name + ": the file is UTF-16; save it as UTF-8 (e.g. \"CSV UTF-8\" in Excel)"));
  }
  const long start = (got == 3 && bom[0] == 0xEF && bom[1] == 0xBB && bom[2] == 0xBF) ? 3 : 0;

  char delimiter = ',';
  if (options.delimiter) {
    delimiter = *options.delimiter;
  } else {
    std::fseek(file.get(), start, SEEK_SET);
    DelimiterDetector detector;
    std::vector<char> chunk(64 * 1024);
    for (std::size_t seen = 0; seen < k_detect_bytes;) {
      const std::size_t n = std::fread(chunk.data(), 1, chunk.size(), file.get());
      if (n == 0 || detector.feed(std::string_view(chunk.data(), n))) {
        break;
      }
      seen += n;
    }
    delimiter = detector.delimiter();
  }
  if (std::fseek(file.get(), start, SEEK_SET) != 0) {
    return util::unexpected(
        RosterError{core::ExitCode::roster_unreadable, name + ": cannot read: " + std::strerror(errno)});
  }

  CsvLimits limits;
  limits.max_field_bytes = k_max_field_bytes;
  limits.max_record_bytes = k_max_record_bytes;
  limits.max_fields = k_max_columns;
  auto reader = std::make_unique<FileRosterReader>(
      name, delimiter, std::make_unique<CsvReader>(file.release(), delimiter, limits));
  reader->set_began_with_bom(start == 3);
  auto started = reader->start(options);
  if (!started) {
    return util::unexpected(started.error());
  }
  return reader;
}

}  // namespace roster
