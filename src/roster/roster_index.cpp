// index_roster: one pass over the roster to find the unique lookups and count what quote reports.

#include <algorithm>
#include <filesystem>
#include <system_error>

#include "roster/roster.hpp"

namespace roster {

namespace {

constexpr std::size_t k_invalid_kept = 20;
constexpr std::size_t k_reserve_cap = 2'000'000;

// Builds CellLookup::key() into `out`, reusing its capacity.
void key_into(const CellLookup& lookup, std::string& out) {
  out.clear();
  if (!lookup.valid() || !lookup.platform) {
    return;
  }
  out += core::platform_name(*lookup.platform);
  out += '\x1f';
  for (char c : lookup.handle) {
    if (c >= 'A' && c <= 'Z') {
      c = static_cast<char>(c - 'A' + 'a');
    }
    out += c;
  }
}

std::string invalid_reason(const Row& row) {
  if (row.lookups.empty()) {
    return "no handle in any platform column";
  }
  for (const CellLookup& lookup : row.lookups) {
    if (!lookup.valid()) {
      return lookup.column.empty() ? lookup.invalid_reason : lookup.column + ": " + lookup.invalid_reason;
    }
  }
  return {};
}

}  // namespace

std::string CellLookup::key() const {
  std::string out;
  key_into(*this, out);
  return out;
}

std::optional<std::size_t> RosterIndex::find(const CellLookup& lookup) const {
  if (!lookup.valid() || !lookup.platform) {
    return std::nullopt;
  }
  return table.find(lookups, *lookup.platform, lookup.handle);
}

std::optional<std::size_t> RosterIndex::find(core::Platform platform, std::string_view handle) const {
  return table.find(lookups, platform, handle);
}

util::Expected<RosterIndex, RosterError> index_roster(const std::string& path, const Options& options) {
  auto opened = RosterReader::open(path, options);
  if (!opened) {
    return util::unexpected(opened.error());
  }
  RosterReader& reader = **opened;
  RosterIndex index;
  index.path = path;
  index.display_name = options.display_name.empty() ? path : options.display_name;
  index.header = reader.header();
  index.layout = reader.layout();
  index.delimiter = reader.delimiter();
  index.wide_columns = reader.wide_columns();

  std::vector<std::size_t> last_record;  // per unique lookup: the last row that named it
  // Reserve for the most lookups the file could hold (a row takes 8+ bytes), capped: reserved
  // pages cost no memory until used, and growth by copying would touch twice as many.
  std::error_code size_error;
  const auto file_size = std::filesystem::file_size(path, size_error);
  if (!size_error) {
    const std::size_t estimate = std::min<std::uintmax_t>(file_size / 8, k_reserve_cap);
    index.lookups.reserve(estimate);
    last_record.reserve(estimate);
  }
  Row row;
  for (;;) {
    auto more = reader.next(row);
    if (!more) {
      return util::unexpected(more.error());
    }
    if (!*more) {
      break;
    }
    ++index.rows;
    bool row_invalid = row.lookups.empty();
    for (const CellLookup& lookup : row.lookups) {
      if (!lookup.valid()) {
        row_invalid = true;
        continue;
      }
      const auto [found, inserted] = index.table.insert(index.lookups, *lookup.platform, lookup.handle);
      if (inserted) {
        index.lookups.push_back(UniqueLookup{*lookup.platform, lookup.handle, row.line, 1});
        last_record.push_back(row.record);
        continue;
      }
      ++index.duplicate_lookups;
      if (last_record[found] != row.record) {
        last_record[found] = row.record;
        ++index.lookups[found].rows;
      }
    }
    if (row_invalid) {
      ++index.invalid_rows;
      if (index.first_invalid.size() < k_invalid_kept) {
        index.first_invalid.push_back(InvalidRow{row.line, invalid_reason(row), row.record});
      }
    }
  }
  return index;
}

std::optional<RosterError> unusable_error(const RosterIndex& index) {
  if (index.rows == 0) {
    return RosterError{core::ExitCode::roster_unusable, index.display_name + ": no data rows after the header"};
  }
  if (index.lookups.empty()) {
    return RosterError{core::ExitCode::roster_unusable,
                       index.display_name + ": no row can be looked up (" + std::to_string(index.rows) +
                           (index.rows == 1 ? " row, invalid" : " rows, all invalid") +
                           "); see `roster-enrich quote` for the reasons"};
  }
  return std::nullopt;
}

}  // namespace roster
