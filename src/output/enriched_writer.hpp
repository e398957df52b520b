#pragma once

// Writes the enriched roster (PRODUCT.md, "Output") by streaming the roster a second time and
// asking, for each lookup a row names, what became of it. Atomic: a temporary file renamed into
// place, so a failed write leaves the previous output intact.

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/lookup_status.hpp"
#include "output/format.hpp"
#include "roster/roster.hpp"
#include "util/expected.hpp"

namespace output {

// What one lookup of a row came to. Views: what they point at must outlive the write.
struct LookupView {
  core::LookupStatus status = core::LookupStatus::unsubmitted;
  std::string_view creator_json;  // verbatim payload, empty when there is none
  std::string_view error;
  std::string_view job_id;
  // The lookup's place in the roster index, when it has one: rows naming the same lookup get the
  // same answer, which the writer then formats once for all of them rather than once a row.
  std::optional<std::size_t> lookup;
};

// Answers for valid lookups (invalid ones are written from the roster's own reason).
using Resolver = std::function<LookupView(const roster::CellLookup&)>;

struct WriteOptions {
  std::string path = "-";  // `-` = stdout
  Format format = Format::csv;
  bool formula_guard = true;
  std::vector<std::string> include;  // extra columns, in this order
};

struct WriteStats {
  std::size_t rows = 0;
};

// The result columns of the CSV, in the contract's order, then the include fields.
std::vector<std::string> result_columns(const std::vector<std::string>& include);

// Spreadsheets run text starting with = + - @ TAB or CR as a formula; such API text gets a `'`.
std::string guard_formula(std::string text);

// Fails with one line naming the output path (exit 73) or the roster's read error.
util::Expected<WriteStats, std::string> write_enriched(const WriteOptions& options, roster::RosterReader& reader,
                                                       const Resolver& resolve);

}  // namespace output
