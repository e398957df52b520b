// index_roster: one pass over the roster to find the unique lookups and count what quote reports:
// one thread reads the rows, the calling thread de-duplicates their lookups.

#include <algorithm>
#include <array>
#include <cstring>
#include <exception>
#include <filesystem>
#include <optional>
#include <stdexcept>
#include <string>
#include <system_error>
#include <thread>

#include "roster/file_roster_reader.hpp"
#include "roster/huge_pages.hpp"
#include "roster/lookup_batches.hpp"
#include "roster/roster.hpp"

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

// Valid lookups are handed from the reading thread to the de-duplicating one in batches: large
// enough that the hand-offs (a few microseconds each) do not count, small enough that the four
// stay in cache and cost few page faults (batches of 16,384 took 600-1,000 faults of ~11 us each
// on the benchmark VM, 4,096 take about 400), enough that neither thread waits on the other's
// every hiccup.
constexpr std::size_t k_batches = 4;
constexpr std::size_t k_lookups_per_batch = 4096;

// A valid lookup read but not yet de-duplicated; its handle is a view into a LookupBatch, which
// outlives it (Deduplicator::finish() before the batch is recycled).
struct Pending {
  core::Platform platform = core::Platform::tiktok;
  std::string_view handle;
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

  // `handle` must stay valid until finish().
  void add(core::Platform platform, std::string_view handle, std::size_t line, std::size_t record) {
    if (m_added - m_done == k_pipeline) {
      resolve(m_pending[m_done++ % k_pipeline]);
    }
    Pending& next = m_pending[m_added++ % k_pipeline];
    next.platform = platform;
    next.handle = handle;
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
        __builtin_prefetch(m_index.lookups[*late.likely_match].handle().data());
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
    if (lookup.record != m_record) {
      m_record = lookup.record;
      m_row_found.clear();
    }
    const auto [found, inserted] = m_index.table.insert(m_index.lookups, lookup.hash, lookup.platform, lookup.handle);
    if (inserted) {
      m_index.lookups.emplace_back(lookup.platform, m_index.handles.store(lookup.handle), lookup.line);
      m_row_found.push_back(found);
      return;
    }
    ++m_index.duplicate_lookups;
    // A wide row may name one creator twice; it still counts as one row for that lookup.
    if (std::find(m_row_found.begin(), m_row_found.end(), found) == m_row_found.end()) {
      m_row_found.push_back(found);
      m_index.lookups[found].count_row();
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

// What the reading thread counts of the rows; index_roster copies it into the index at the end.
struct RowTally {
  std::size_t rows = 0;
  std::size_t invalid_rows = 0;      // rows with at least one invalid lookup (or none at all)
  std::vector<InvalidRow> first_invalid;  // the first k_invalid_kept
};

// The reading thread's work: every row of `reader`, counted in `tally`, its valid lookups
// published to `queue` in batches, in roster order. Stops early, without error, when the queue is
// cancelled.
util::Expected<util::Ok, RosterError> read_rows(FileRosterReader& reader, std::optional<std::uintmax_t> file_size,
                                                LookupBatchQueue& queue, RowTally& tally) {
  LookupBatch* batch = queue.empty_batch();
  RowRef row;
  std::size_t lookups_read = 0;  // valid ones, duplicates included
  while (batch != nullptr) {
    auto more = reader.next_lookups(row);
    if (!more) {
      return util::unexpected(more.error());
    }
    if (!*more) {
      queue.publish(batch);
      break;
    }
    ++tally.rows;
    bool row_invalid = row.lookups.empty();
    for (const LookupRef& lookup : row.lookups) {
      if (!lookup.valid()) {
        row_invalid = true;
        continue;
      }
      if (batch->full()) {
        queue.publish(batch);
        batch = queue.empty_batch();
        if (batch == nullptr) {
          return util::Ok{};
        }
      }
      batch->add(*lookup.platform, lookup.handle, row.line, row.record);
      ++lookups_read;
    }
    if (tally.rows == k_sample_rows && file_size && reader.bytes_read() > 0) {
      // The table is sized once from the first rows (duplicates counted: an over-estimate),
      // rather than grown by doubling: on a large roster the last growths rehashed half the table
      // each (7% of quote's time on 1,000,000 rows).
      const double per_byte = static_cast<double>(lookups_read) / static_cast<double>(reader.bytes_read());
      batch->expected_lookups = static_cast<std::size_t>(
          std::min(per_byte * static_cast<double>(*file_size), static_cast<double>(k_reserve_cap)));
    }
    if (row_invalid) {
      ++tally.invalid_rows;
      if (tally.first_invalid.size() < k_invalid_kept) {
        tally.first_invalid.push_back(InvalidRow{row.line, invalid_reason(row), row.record});
      }
    }
  }
  return util::Ok{};
}

// Runs read_rows on its own thread. However index_roster ends, the thread is joined, and first
// told to stop if it is still reading; its exception, if it threw, is rethrown by result().
class ReadingThread {
 public:
  template <class Work>
  ReadingThread(LookupBatchQueue& queue, Work work)
      : m_queue(queue), m_thread([this, work = std::move(work)]() mutable {
          try {
            m_result = work();
          } catch (...) {
            m_failure = std::current_exception();
          }
          m_queue.finish();
        }) {}
  ReadingThread(const ReadingThread&) = delete;
  ReadingThread& operator=(const ReadingThread&) = delete;
  ~ReadingThread() {
    if (m_thread.joinable()) {
      m_queue.cancel();
      m_thread.join();
    }
  }

  // Once the queue has no more batches.
  util::Expected<util::Ok, RosterError> result() {
    m_thread.join();
    if (m_failure) {
      std::rethrow_exception(m_failure);
    }
    return std::move(m_result);
  }

 private:
  LookupBatchQueue& m_queue;
  util::Expected<util::Ok, RosterError> m_result = util::Ok{};
  std::exception_ptr m_failure;
  std::thread m_thread;  // last: started once the members it uses exist
};

}  // namespace

UniqueLookup::UniqueLookup(core::Platform platform, std::string_view handle, std::size_t first_line)
    : m_handle(handle.data()),
      m_first_line(first_line),
      m_handle_size(static_cast<std::uint16_t>(handle.size())),
      m_platform(static_cast<std::uint8_t>(platform)) {
  static_assert(4 * k_max_handle_chars <= UINT16_MAX && core::k_all_platforms.size() < UINT8_MAX);
  if (handle.size() > UINT16_MAX) {
    throw std::length_error("UniqueLookup: a handle of " + std::to_string(handle.size()) + " bytes");
  }
}

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
    m_blocks.push_back(allocate_zeroed_array<char>(block));
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
  return core::lookup_key(*platform, handle);
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

  LookupBatchQueue queue(k_batches, k_lookups_per_batch);
  RowTally tally;
  ReadingThread reading(queue, [&] {
    return read_rows(reader, size_error ? std::nullopt : std::optional<std::uintmax_t>(file_size), queue, tally);
  });
  Deduplicator dedup(index);
  while (LookupBatch* const batch = queue.next_batch()) {
    if (batch->expected_lookups != 0) {
      index.table.reserve(batch->expected_lookups);
    }
    for (const LookupBatch::Entry& entry : batch->entries()) {
      dedup.add(entry.platform, batch->handle(entry), entry.line, entry.record);
    }
    dedup.finish();  // before the batch, which holds the handles, is reused
    queue.recycle(batch);
  }
  auto read = reading.result();
  if (!read) {
    return util::unexpected(read.error());
  }
  index.rows = tally.rows;
  index.invalid_rows = tally.invalid_rows;
  index.first_invalid = std::move(tally.first_invalid);
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
