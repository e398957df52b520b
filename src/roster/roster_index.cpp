// index_roster: one pass over the roster to find the unique lookups and count what quote reports.

#include <algorithm>
#include <array>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <filesystem>
#include <system_error>

#include "roster/file_roster_reader.hpp"
#include "roster/huge_pages.hpp"
#include "roster/roster.hpp"
#include "util/text.hpp"

namespace roster {

namespace {

constexpr std::size_t k_invalid_kept = 20;
constexpr std::size_t k_reserve_cap = 2'000'000;
// Lookups hashed and prefetched ahead of the one being de-duplicated: enough to overlap the
// table's cache misses (about 100 ns each on the benchmark machine) with reading the next rows.
// Halfway, a lookup whose slot is by then in cache and holds a likely match has that match
// prefetched, and its handle a quarter later: a duplicate costs three dependent misses otherwise.
constexpr std::size_t k_pipeline = 16;
constexpr std::size_t k_match_stage = k_pipeline / 2;
constexpr std::size_t k_handle_stage = k_pipeline * 3 / 4;
// Rows read before the lookup table is sized for the whole file from them.
constexpr std::size_t k_sample_rows = 4096;

// A valid handle has at most k_max_handle_chars code points of valid UTF-8.
constexpr std::size_t k_max_handle_bytes = 4 * k_max_handle_chars;

// A valid lookup read but not yet de-duplicated. The handle is copied (the row's views do not
// outlive the next row) into a fixed array rather than a std::string: a plain memcpy.
struct Pending {
  core::Platform platform = core::Platform::tiktok;
  std::array<char, k_max_handle_bytes> handle_bytes;
  std::size_t handle_size = 0;
  std::uint64_t hash = 0;
  std::size_t line = 0;
  std::size_t record = 0;
  std::optional<std::size_t> likely_match;  // set k_match_stage lookups after this one
};

// De-duplicates lookups in roster order, each a few lookups after it was read: table probes are
// started early (LookupTable::prefetch) and finished late, in the same order as they were read, so
// the first spelling and first line still win.
class Deduplicator {
 public:
  explicit Deduplicator(RosterIndex& index) : m_index(index) {}

  void add(core::Platform platform, std::string_view handle, std::size_t line, std::size_t record) {
    if (m_added - m_done == k_pipeline) {
      resolve(m_pending[m_done++ % k_pipeline]);
    }
    if (handle.size() > k_max_handle_bytes) {
      // Not for a valid handle (see k_max_handle_bytes), but kept right: resolved now, in order.
      finish();
      resolve(platform, handle, LookupTable::hash(platform, handle), line, record);
      return;
    }
    Pending& next = m_pending[m_added++ % k_pipeline];
    next.platform = platform;
    next.handle_size = handle.size();
    std::memcpy(next.handle_bytes.data(), handle.data(), handle.size());
    next.hash = LookupTable::hash(platform, handle);
    next.line = line;
    next.record = record;
    next.likely_match.reset();
    m_index.table.prefetch(next.hash);
    prefetch_matches();
  }

  void prefetch_matches() {
    if (m_added - m_done > k_match_stage) {
      Pending& halfway = m_pending[(m_added - 1 - k_match_stage) % k_pipeline];
      halfway.likely_match = m_index.table.likely_match(halfway.hash);
      if (halfway.likely_match && *halfway.likely_match < m_index.lookups.size()) {
        __builtin_prefetch(&m_index.lookups[*halfway.likely_match]);
      }
    }
    if (m_added - m_done > k_handle_stage) {
      const Pending& late = m_pending[(m_added - 1 - k_handle_stage) % k_pipeline];
      if (late.likely_match && *late.likely_match < m_index.lookups.size()) {
        __builtin_prefetch(m_index.lookups[*late.likely_match].handle.data());
      }
    }
  }

  void finish() {
    while (m_done < m_added) {
      resolve(m_pending[m_done++ % k_pipeline]);
    }
  }

 private:
  void resolve(const Pending& lookup) {
    resolve(lookup.platform, std::string_view(lookup.handle_bytes.data(), lookup.handle_size), lookup.hash,
            lookup.line, lookup.record);
  }

  void resolve(core::Platform platform, std::string_view handle, std::uint64_t hash, std::size_t line,
               std::size_t record) {
    if (record != m_record) {
      m_record = record;
      m_row_found.clear();
    }
    const auto [found, inserted] = m_index.table.insert(m_index.lookups, hash, platform, handle);
    if (inserted) {
      m_index.lookups.push_back(UniqueLookup{platform, m_index.handles.store(handle), line, 1});
      m_row_found.push_back(found);
      return;
    }
    ++m_index.duplicate_lookups;
    // A wide row may name one creator twice; it still counts as one row for that lookup.
    if (std::find(m_row_found.begin(), m_row_found.end(), found) == m_row_found.end()) {
      m_row_found.push_back(found);
      ++m_index.lookups[found].rows;
    }
  }

  RosterIndex& m_index;
  std::array<Pending, k_pipeline> m_pending;
  std::size_t m_added = 0;
  std::size_t m_done = 0;
  std::size_t m_record = 0;                // the row of the last lookup resolved
  std::vector<std::size_t> m_row_found;    // the lookups that row named so far
};

std::string invalid_reason(const RowRef& row) {
  if (row.lookups.empty()) {
    return "no handle in any platform column";
  }
  for (const LookupRef& lookup : row.lookups) {
    if (!lookup.valid()) {
      return lookup.column.empty() ? std::string(lookup.invalid_reason)
                                   : std::string(lookup.column) + ": " + std::string(lookup.invalid_reason);
    }
  }
  return {};
}

}  // namespace

void HandleArena::FreeBlock::operator()(char* block) const { free_zeroed(block, size); }

void HandleArena::expect(std::size_t bytes) {
  if (m_blocks.empty()) {
    m_next_block = std::clamp(bytes, k_first_block, k_huge_page_bytes);
  }
}

std::string_view HandleArena::store(std::string_view text) {
  if (text.empty()) {
    return {};
  }
  if (text.size() > m_left) {
    const std::size_t block = std::max(m_next_block, text.size());
    m_blocks.push_back(std::unique_ptr<char[], FreeBlock>(static_cast<char*>(allocate_zeroed(block)), FreeBlock{block}));
    m_next_block = std::min(block * 2, k_huge_page_bytes);
    m_free = m_blocks.back().get();
    m_left = block;
  }
  char* const stored = m_free;
  std::memcpy(stored, text.data(), text.size());
  m_free += text.size();
  m_left -= text.size();
  return {stored, text.size()};
}

std::string CellLookup::key() const {
  if (!valid() || !platform) {
    return {};
  }
  return std::string(core::platform_name(*platform)) + '\x1f' + util::to_lower(handle);
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
  auto opened = FileRosterReader::open(path, options);
  if (!opened) {
    return util::unexpected(opened.error());
  }
  FileRosterReader& reader = **opened;
  RosterIndex index;
  index.path = path;
  index.display_name = options.display_name.empty() ? path : options.display_name;
  index.header = reader.header();
  index.layout = reader.layout();
  index.delimiter = reader.delimiter();
  index.wide_columns = reader.wide_columns();

  // Reserve for the most lookups the file could hold (a row takes 8+ bytes), capped: reserved
  // pages cost no memory until used, and growth by copying would touch twice as many.
  std::error_code size_error;
  const auto file_size = std::filesystem::file_size(path, size_error);
  if (!size_error) {
    index.lookups.reserve(std::min<std::uintmax_t>(file_size / 8, k_reserve_cap));
    index.handles.expect(file_size / 2);
  }
  Deduplicator dedup(index);
  RowRef row;
  std::size_t lookups_read = 0;  // valid ones, duplicates included
  for (;;) {
    auto more = reader.next_lookups(row);
    if (!more) {
      return util::unexpected(more.error());
    }
    if (!*more) {
      break;
    }
    ++index.rows;
    bool row_invalid = row.lookups.empty();
    for (const LookupRef& lookup : row.lookups) {
      if (!lookup.valid()) {
        row_invalid = true;
        continue;
      }
      dedup.add(*lookup.platform, lookup.handle, row.line, row.record);
      ++lookups_read;
    }
    if (index.rows == k_sample_rows && !size_error && reader.bytes_read() > 0) {
      // Sized once from the first rows (duplicates counted: an over-estimate), rather than grown
      // by doubling: on a large roster the last growths rehashed half the table each (7% of
      // quote's time on 1,000,000 rows).
      const double per_byte = static_cast<double>(lookups_read) / static_cast<double>(reader.bytes_read());
      index.table.reserve(static_cast<std::size_t>(
          std::min(per_byte * static_cast<double>(file_size), static_cast<double>(k_reserve_cap))));
    }
    if (row_invalid) {
      ++index.invalid_rows;
      if (index.first_invalid.size() < k_invalid_kept) {
        index.first_invalid.push_back(InvalidRow{row.line, invalid_reason(row), row.record});
      }
    }
  }
  dedup.finish();
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
