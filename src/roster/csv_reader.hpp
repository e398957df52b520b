#pragma once

// RFC 4180 records from a file, tokenised by libcsv in 64 KiB chunks: quoted fields with
// delimiters, doubled quotes and line breaks; LF, CRLF or CR line ends. Fields come back unchanged
// (no trimming). Each record knows the physical line it starts on, counting the line breaks inside
// quoted fields. Internal to roster/.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "util/expected.hpp"

namespace roster {

struct CsvError {
  std::size_t line = 0;  // 1-based; 0 when the error concerns the whole file
  std::string message;   // e.g. "unterminated quoted field (a \" opened here is never closed)"
};

struct CsvLimits {
  std::size_t max_field_bytes = 1024 * 1024;
  std::size_t max_record_bytes = 8 * 1024 * 1024;
  std::size_t max_fields = 10000;
};

class CsvReader {
 public:
  // Takes ownership of `file`, positioned where the first record starts (after any BOM);
  // `first_line` is the line number of that position.
  CsvReader(std::FILE* file, char delimiter, CsvLimits limits = {}, std::size_t first_line = 1);
  ~CsvReader();
  CsvReader(const CsvReader&) = delete;
  CsvReader& operator=(const CsvReader&) = delete;

  // Reads the next record into `fields`, reusing the strings already there. Returns false at the
  // end of the file. Blank lines between records are skipped. Errors are sticky: every later call
  // returns the same one. Checked per field: size, NUL bytes, UTF-8.
  util::Expected<bool, CsvError> next(std::vector<std::string>& fields);

  // The same without a copy per field: the views point into the reader's buffer (or, for fields
  // that had to be unescaped or were split by libcsv, into the reader's own copies) and stay valid
  // until the next call to either next().
  util::Expected<bool, CsvError> next(std::vector<std::string_view>& fields);

  // For a reader that needs only a record's first fields (index_roster): when the next record is
  // one whole line of plain text (within this chunk, ending in LF; no CR, NUL or byte above 0x7F;
  // within every limit; no quote but around whole fields past the first `fields.size()`), reads it
  // and returns true, with the line (without its LF) in `line`
  // and its first `fields.size()` fields in `fields` (empty past the record's last). Such a line
  // splits the same way on every path and cannot fail a check. Anything else returns false having
  // read nothing (next() then reads it). Views stay valid until the next call of any next*().
  bool next_plain(std::span<std::string_view> fields, std::string_view& line);

  // The line on which the record last returned by next() or next_plain() starts.
  std::size_t record_line() const;

  // Bytes of the file read so far, records and blank lines (an estimate of progress).
  std::uint64_t bytes_read() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

}  // namespace roster
