#pragma once

// The roster model that `quote`, the run and the output writers share (PRODUCT.md, "Reading the
// roster"). A roster is read twice rather than held: once by index_roster() to find the unique
// lookups, once more by the output writer to stream every row back with its results. Memory thus
// grows with unique lookups, not with rows. Standard input is spooled to a temporary file first.

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "core/exit_code.hpp"
#include "core/platform.hpp"
#include "util/expected.hpp"

namespace roster {

enum class Layout { long_form, url, wide };

std::string_view layout_name(Layout layout);  // "long", "url", "wide"

// Explicit choices from the command line; empty/nullopt means "detect from the header".
struct Options {
  std::optional<char> delimiter;
  std::string platform_column;
  std::string handle_column;
  std::string url_column;
  std::optional<core::Platform> platform;  // --platform: one platform for every row
};

// One lookup a row names: one for long and url rosters, one per non-empty platform cell for wide.
struct CellLookup {
  std::string column;  // wide: the header of the platform column, else empty
  std::optional<core::Platform> platform;
  std::string handle;          // trimmed, leading `@` dropped, spelling kept
  std::string invalid_reason;  // non-empty: `invalid`, never sent, e.g. "handle contains a space"

  bool valid() const { return invalid_reason.empty(); }
  // Identity for de-duplication: platform name and the lower-cased handle. Valid lookups only.
  std::string key() const;
};

struct Row {
  std::size_t record = 0;  // 1-based record number, header excluded (JSON `row`)
  std::size_t line = 0;    // 1-based physical line where the record starts (for messages)
  std::vector<std::string> cells;  // unchanged, as read
  std::vector<CellLookup> lookups;
};

// Why a roster cannot be used at all: exit 66 (cannot open) or 65 (unusable), with one line
// naming the file, the line when there is one, and what is wrong.
struct RosterError {
  core::ExitCode code = core::ExitCode::roster_unusable;
  std::string message;
};

// Streams a roster file row by row. Never holds the file in memory.
class RosterReader {
 public:
  virtual ~RosterReader() = default;

  // Opens `path` (a regular file; `-` must be spooled first, see spool_stdin) and reads the header.
  static util::Expected<std::unique_ptr<RosterReader>, RosterError> open(const std::string& path,
                                                                         const Options& options);

  virtual const std::vector<std::string>& header() const = 0;
  virtual Layout layout() const = 0;
  virtual char delimiter() const = 0;
  // Wide layout: the headers of the platform columns, in header order; empty otherwise.
  virtual const std::vector<std::string>& wide_columns() const = 0;

  // Reads the next row into `row`. Returns false at the end of the file, or an error for input
  // that cannot be read on (an unterminated quote, invalid UTF-8, a field over 10 MB).
  virtual util::Expected<bool, RosterError> next(Row& row) = 0;
};

struct UniqueLookup {
  core::Platform platform = core::Platform::tiktok;
  std::string handle;  // the first spelling in the roster
  std::size_t first_line = 0;
  std::size_t rows = 0;  // how many rows name it
};

struct InvalidRow {
  std::size_t line = 0;
  std::string reason;
};

// What a first pass over the roster learns: the unique lookups and the counts quote reports.
struct RosterIndex {
  std::string path;  // the file that was read (the spool file for stdin)
  std::vector<std::string> header;
  Layout layout = Layout::long_form;
  char delimiter = ',';
  std::vector<std::string> wide_columns;

  std::vector<UniqueLookup> lookups;                     // in order of first appearance
  std::unordered_map<std::string, std::size_t> by_key;  // CellLookup::key() -> index in lookups
  std::size_t rows = 0;
  std::size_t invalid_rows = 0;  // rows with at least one invalid lookup (or none at all)
  std::size_t duplicate_lookups = 0;  // valid lookups that repeated an earlier one
  std::vector<InvalidRow> first_invalid;  // the first 20
};

util::Expected<RosterIndex, RosterError> index_roster(const std::string& path, const Options& options);

// Copies standard input to a private temporary file and returns its path; the file is removed
// when the returned holder is destroyed.
class SpooledInput {
 public:
  static util::Expected<std::unique_ptr<SpooledInput>, RosterError> from_stdin();
  ~SpooledInput();
  const std::string& path() const { return m_path; }

 private:
  explicit SpooledInput(std::string path) : m_path(std::move(path)) {}
  std::string m_path;
};

}  // namespace roster
