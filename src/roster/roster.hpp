#pragma once

// The roster model that `quote`, the run and the output writers share (PRODUCT.md, "Reading the
// roster"). A roster is read twice rather than held: once by index_roster() to find the unique
// lookups, once more by the output writer to stream every row back with its results. Memory thus
// grows with unique lookups, not with rows. Standard input (or a pipe) is spooled to a temporary
// file first.
//
// Messages name the file as Options::display_name (or the path): "<name>:<line>: <what>", with
// <line> the 1-based physical line (the header is line 1), or "<name>: <what>" for the whole file.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/exit_code.hpp"
#include "core/platform.hpp"
#include "roster/huge_pages.hpp"
#include "util/expected.hpp"

namespace roster {

enum class Layout { long_form, url, wide };

std::string_view layout_name(Layout layout);  // "long", "url", "wide"

// Limits past which a roster is refused as unusable (65) rather than read on.
inline constexpr std::size_t k_max_field_bytes = 1024 * 1024;       // one cell
inline constexpr std::size_t k_max_record_bytes = 8 * 1024 * 1024;  // one record, all cells
inline constexpr std::size_t k_max_columns = 10000;
inline constexpr std::size_t k_max_handle_chars = 100;  // longer handles are `invalid`

// Explicit choices from the command line; empty/nullopt means "detect from the header".
struct Options {
  std::optional<char> delimiter;
  std::string platform_column;  // column names compare like detected ones: case, ` `, `_`, `-` ignored
  std::string handle_column;
  std::string url_column;
  std::optional<core::Platform> platform;  // --platform: one platform for every row
  // How error messages name the roster, e.g. "<stdin>" when `path` is a spool file; empty: the path.
  std::string display_name;
};

// One lookup a row names: one for long and url rosters, one per non-empty platform cell for wide.
// A handle cell may also hold a profile link (long and wide layouts); its platform must agree.
struct CellLookup {
  std::string column;  // wide: the header of the platform column, else empty
  std::optional<core::Platform> platform;  // nullopt when the platform is empty or unknown
  std::string handle;          // trimmed, leading `@` dropped, spelling kept (what was read, if invalid)
  std::string invalid_reason;  // non-empty: `invalid`, never sent, e.g. "handle contains a space"

  bool valid() const { return invalid_reason.empty(); }
  // Identity for de-duplication: core::lookup_key, e.g. "x\x1fjohndoe" for both `twitter,JohnDoe`
  // and `x,johndoe`. Empty for invalid lookups.
  std::string key() const;
};

// One data record. Records whose cells are all empty or blank (e.g. `,,,` from a spreadsheet) are
// skipped by the reader and get no record number. `cells` may be shorter or longer than the header
// (missing cells count as empty).
struct Row {
  std::size_t record = 0;  // 1-based record number, header excluded (JSON `row`)
  std::size_t line = 0;    // 1-based physical line where the record starts (for messages)
  std::vector<std::string> cells;  // unchanged, as read (no trimming, quotes removed per RFC 4180)
  std::vector<CellLookup> lookups;
};

// Why a roster cannot be used at all: exit 66 (cannot open, a directory), 64 (a forced column the
// header does not have) or 65 (unusable), with one line naming the file, the line when there is
// one, and what is wrong.
struct RosterError {
  core::ExitCode code = core::ExitCode::roster_unusable;
  std::string message;

  static RosterError unusable(std::string message) { return {core::ExitCode::roster_unusable, std::move(message)}; }
};

// Streams a roster file row by row. Never holds the file in memory.
class RosterReader {
 public:
  virtual ~RosterReader() = default;

  // Opens `path` (a regular file; `-` must be spooled first, see SpooledInput) and reads the
  // header. A UTF-8 BOM is skipped. Errors: cannot open or a directory (66); an empty file, UTF-16,
  // a header that is data or has no usable column (65); a forced column that is missing (64).
  static util::Expected<std::unique_ptr<RosterReader>, RosterError> open(const std::string& path,
                                                                         const Options& options);

  virtual const std::vector<std::string>& header() const = 0;
  virtual Layout layout() const = 0;
  virtual char delimiter() const = 0;
  // Whether the file began with a UTF-8 byte-order mark (Excel's "CSV UTF-8" writes one): the CSV
  // output then begins with one too, so Excel reads its accents right.
  virtual bool began_with_bom() const { return false; }
  // Wide layout: the headers of the platform columns, in header order; empty otherwise.
  virtual const std::vector<std::string>& wide_columns() const = 0;

  // Reads the next row into `row`, reusing its buffers. Returns false at the end of the file, or an
  // error (65) for input that cannot be read on: an unterminated quote, a stray quote, invalid
  // UTF-8, a NUL byte, a field over k_max_field_bytes. Calls after an error repeat it.
  virtual util::Expected<bool, RosterError> next(Row& row) = 0;
};

// A creator the roster names, once however many rows name it. 24 bytes rather than the 40 of a
// string_view and three counters: a million of them are written while indexing, and on the
// benchmark machine that memory traffic bounded the de-duplication.
class UniqueLookup {
 public:
  // `handle` is a valid one (at most 4 * k_max_handle_chars bytes); `first_line` the line of the
  // first row naming it, which counts as one row.
  UniqueLookup(core::Platform platform, std::string_view handle, std::size_t first_line);

  core::Platform platform() const { return static_cast<core::Platform>(m_platform); }
  // The first spelling in the roster; the RosterIndex's HandleArena holds it.
  std::string_view handle() const { return {m_handle, m_handle_size}; }
  std::size_t first_line() const { return m_first_line; }
  std::size_t rows() const { return m_rows; }  // how many rows name it
  void count_row() { m_rows += m_rows != UINT32_MAX ? 1 : 0; }  // sticks at 4,294,967,295

 private:
  const char* m_handle;
  std::size_t m_first_line;
  std::uint32_t m_rows = 1;
  std::uint16_t m_handle_size;
  std::uint8_t m_platform;
};

// In huge pages once large: LookupTable probes these at random.
using UniqueLookups = std::vector<UniqueLookup, ZeroedAllocator<UniqueLookup>>;

struct InvalidRow {
  std::size_t line = 0;
  std::string reason;   // wide rosters: "<column>: <reason>" for the first invalid cell
  std::size_t record = 0;
};

// Keeps the handles of a RosterIndex's lookups: a string per lookup would cost a heap block for
// every handle longer than 15 bytes (most, in real rosters) and 32 bytes for the string itself.
// Blocks never move, so views stay valid when the arena (or the index) is moved; not copyable.
class HandleArena {
 public:
  HandleArena() = default;
  HandleArena(HandleArena&&) = default;
  HandleArena& operator=(HandleArena&&) = default;
  HandleArena(const HandleArena&) = delete;
  HandleArena& operator=(const HandleArena&) = delete;

  std::string_view store(std::string_view text);
  // Expects about `bytes` of handles in all: the next block is sized for them (at most 2 MiB),
  // rather than doubling up from 64 KiB, which takes 2 MiB of small pages to reach a huge one.
  void expect(std::size_t bytes);

 private:
  // Blocks double from 64 KiB (small rosters stay small) to 2 MiB, each of those one huge page.
  static constexpr std::size_t k_first_block = 64 * 1024;
  std::vector<ZeroedArray<char>> m_blocks;
  std::size_t m_next_block = k_first_block;
  char* m_free = nullptr;
  std::size_t m_left = 0;
};

// The unique lookups by identity (platform, handle compared ASCII case-insensitively), as an
// open-addressing table of 8-byte slots pointing into the lookups vector: no key is stored twice,
// so a million unique creators cost ~12 MB here rather than ~100 MB in a map of key strings.
class LookupTable {
 public:
  std::optional<std::size_t> find(const UniqueLookups& lookups, core::Platform platform,
                                  std::string_view handle) const;
  // The index of an equal lookup, or `lookups.size()` (now reserved for it: the caller appends it
  // next) with `inserted` true.
  std::pair<std::size_t, bool> insert(const UniqueLookups& lookups, core::Platform platform,
                                      std::string_view handle);
  std::size_t size() const { return m_size; }
  // Room for `lookups` without growing: growing rehashes every slot into a new table, twice the
  // memory while it lasts.
  void reserve(std::size_t lookups);

  // The same in two steps, so that a caller with several lookups in hand can start the memory
  // fetch of the slot for each (prefetch) well before it probes (insert): on a large roster the
  // probe is a cache miss almost every time.
  static std::uint64_t hash(core::Platform platform, std::string_view handle);
  void prefetch(std::uint64_t hash) const {
    // Inline, not in lookup_table.cpp: on the benchmark machine a loop calling a function that
    // only prefetched took 1.6 times as long as the same loop with the prefetch inlined.
    if (m_capacity != 0) {
      __builtin_prefetch(&m_slots[home(hash)]);
    }
  }
  // The lookup in the slot where `hash` starts its probe, when its tag matches (most likely equal:
  // a caller can prefetch what insert() will compare), or nullopt.
  std::optional<std::size_t> likely_match(std::uint64_t hash) const;
  std::pair<std::size_t, bool> insert(const UniqueLookups& lookups, std::uint64_t hash,
                                      core::Platform platform, std::string_view handle);

 private:
  void grow(std::size_t capacity);
  // Where `hash` (or a slot, which keeps the hash's high 32 bits) starts its probe: those bits
  // scaled to the capacity, a multiply instead of a mask, so the capacity can be any size.
  std::size_t home(std::uint64_t hash) const {
    return static_cast<std::size_t>(((hash >> 32) * m_capacity) >> 32);
  }
  std::size_t next(std::size_t slot) const { return slot + 1 == m_capacity ? 0 : slot + 1; }
  // 0: empty; else (hash high 32 bits << 32) | (index + 1). From allocate_zeroed, not a vector:
  // a new table's pages stay untouched until used (no memset), and can be huge pages.
  ZeroedArray<std::uint64_t> m_slots;
  std::size_t m_capacity = 0;  // slots
  std::size_t m_size = 0;
};

// What a first pass over the roster learns: the unique lookups and the counts quote reports.
// A roster with no valid row still indexes successfully (so `quote` can list the reasons); callers
// that must refuse it (exit 65) check `lookups.empty()`, or call unusable_error().
struct RosterIndex {
  std::string path;          // the file that was read (the spool file for stdin)
  std::string display_name;  // how messages name it (Options::display_name, else the path)
  // A spooled roster's SpooledInput::digest(), which names its state file; empty for a file read
  // in place. Set by whoever spooled it, not by index_roster.
  std::string content_digest;
  std::vector<std::string> header;
  Layout layout = Layout::long_form;
  char delimiter = ',';
  std::vector<std::string> wide_columns;

  UniqueLookups lookups;              // in order of first appearance
  HandleArena handles;                // holds lookups[i].handle
  LookupTable table;                  // finds an index in `lookups`: use find() below
  std::size_t rows = 0;
  std::size_t invalid_rows = 0;  // rows with at least one invalid lookup (or none at all)
  std::size_t duplicate_lookups = 0;  // valid lookups that repeated an earlier one
  std::vector<InvalidRow> first_invalid;  // the first 20

  // The index in `lookups` of a valid cell, or nullopt (invalid, or not from this roster).
  std::optional<std::size_t> find(const CellLookup& lookup) const;
  // The same by platform and handle (`@`-less, compared ASCII case-insensitively).
  std::optional<std::size_t> find(core::Platform platform, std::string_view handle) const;
};

util::Expected<RosterIndex, RosterError> index_roster(const std::string& path, const Options& options);

// For commands that need at least one lookup (run): a 65 error when the roster has no data row
// ("roster.csv: no data rows after the header") or no valid one ("roster.csv: no row can be looked
// up (12 rows, all invalid); see `roster-enrich quote` for the reasons"); nullopt otherwise.
std::optional<RosterError> unusable_error(const RosterIndex& index);

// True when `path` must be spooled to be read twice: `-` (standard input), or a file that cannot
// be read again from its start, a FIFO or pipe (`<(cat r.csv)`, `/dev/stdin` on a pipe), a socket
// or a character device. Regular files (and what cannot be examined: opening says why) are read
// in place.
bool needs_spooling(const std::string& path);

// Copies a roster that can be read only once (`-` for standard input, or a path needs_spooling
// accepts) to a private temporary file, under $TMPDIR or /tmp, and hashes its bytes on the way. The
// file's name is removed as soon as it is made (while /proc/self/fd reaches it), so that no way of
// ending the process, SIGKILL included, leaves it behind; path() reopens it through that
// descriptor. Where /proc is not there, the name stays until the holder is destroyed. Errors: the
// input cannot be opened or read (66, named as `display_name`), the spool file cannot be written
// (73).
class SpooledInput {
 public:
  static util::Expected<std::unique_ptr<SpooledInput>, RosterError> from(const std::string& path,
                                                                         const std::string& display_name);
  static util::Expected<std::unique_ptr<SpooledInput>, RosterError> from_stdin() { return from("-", "<stdin>"); }
  ~SpooledInput();
  SpooledInput(const SpooledInput&) = delete;
  SpooledInput& operator=(const SpooledInput&) = delete;
  // Where to open the copy (for as long as this holder lives).
  const std::string& path() const { return m_path; }
  // 16 hex digits of the FNV-1a hash of the bytes read: the roster's identity for its state file.
  const std::string& digest() const { return m_digest; }

 private:
  SpooledInput(int descriptor, std::string path, bool named)
      : m_descriptor(descriptor), m_path(std::move(path)), m_named(named) {}
  int m_descriptor;
  std::string m_path;
  bool m_named;  // the name is still in the directory: remove it on destruction
  std::string m_digest;
};

// The digest SpooledInput::digest() would give for the roster at `path` (`-`: standard input),
// reading it without a copy: for `status`, which has to name the same state file as `run`.
util::Expected<std::string, RosterError> content_digest(const std::string& path, const std::string& display_name);

}  // namespace roster
