#include "roster/csv_reader.hpp"

#include <csv.h>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <cerrno>
#include <cstring>
#include <deque>
#include <optional>
#include <string_view>

#include "util/text.hpp"

namespace roster {

namespace {

constexpr std::size_t k_chunk_bytes = 64 * 1024;
constexpr std::size_t k_unknown = static_cast<std::size_t>(-1);
constexpr std::size_t k_scan_bytes = 16;
constexpr std::size_t k_line_scan_bytes = 64;

int never_space(unsigned char) { return 0; }

std::string megabytes(std::size_t bytes) {
  if (bytes % (1024 * 1024) == 0) {
    return std::to_string(bytes / (1024 * 1024)) + " MB";
  }
  return std::to_string(bytes) + " bytes";
}

}  // namespace

// Two paths, one result. libcsv, fed one segment at a time, costs about as much CPU alone as the
// 5x-csv.reader target allows for the whole of `quote` (BENCHMARKS.md), so a record that starts a
// line and ends on it within the chunk (LF or CRLF), with quotes only around whole fields, is split
// here (fast_record). Anything else, including every malformed record, goes to libcsv from its
// first byte, so the errors and their line numbers are libcsv's. Both paths hand fields to field(),
// which applies the limits and checks, except that fast_record skips it for a record that cannot
// fail them (ASCII without NUL, no "" to unescape, shorter than every limit).
//
// Fields come out as views: into `buffer` for fast records (no copy), into `owned` for what had
// to be copied (libcsv reuses its field buffer; "" unescaped). Both stay put until the next call.
//
// How the line numbers work on the libcsv path: the chunk is fed one segment at a time, a segment
// ending at the first CR or LF (or at the end of the chunk). A record therefore ends, if at all, on
// the last byte of a segment, and the line counter is exact for every callback: a record starts on
// the line of the first segment that is not a bare line end while no record is open.
struct CsvReader::Impl {
  csv_parser parser{};
  std::FILE* file = nullptr;
  char delimiter = ',';
  CsvLimits limits;

  // After the data: a '\n' sentinel, so fast_record's and next_plain's scans stop without bounds
  // checks, then room for a 64-byte load that starts at the sentinel.
  std::unique_ptr<char[]> buffer = std::make_unique<char[]>(k_chunk_bytes + 1 + k_line_scan_bytes);
  std::size_t size = 0;
  std::size_t pos = 0;
  std::size_t next_lf = k_unknown;
  std::size_t next_cr = k_unknown;
  bool at_eof = false;
  std::uint64_t before_buffer = 0;  // file bytes before the buffer's first
  bool finished = false;

  std::size_t line = 1;  // line of the byte at `pos`
  bool previous_was_cr = false;
  bool in_record = false;
  std::size_t record_line = 0;
  std::size_t field_line = 0;

  // fast_record: bytes that end an unquoted field's plain run (the delimiter, '"', CR, LF, NUL and
  // every byte >= 0x80); all zero when the delimiter itself is one of those others.
  std::array<unsigned char, 256> special{};
  std::vector<std::size_t> doubled_quotes;  // fast_record: the fields with "" inside, to unescape

  // Copies of field `i` of the current record live in owned[i]. A deque, so that growing it never
  // moves the strings that earlier fields' views point into; the strings keep their capacity.
  std::deque<std::string> owned;
  std::vector<std::string_view> views_for_strings;  // next(std::vector<std::string>&) reads into it

  std::string& owned_field(std::size_t index) {
    while (owned.size() <= index) {
      owned.emplace_back();
    }
    return owned[index];
  }

  std::vector<std::string_view>* out = nullptr;
  std::size_t field_count = 0;
  std::size_t record_bytes = 0;
  bool record_done = false;
  std::optional<CsvError> error;

  void fail(std::size_t at_line, std::string message) {
    if (!error) {
      error = CsvError{at_line, std::move(message)};
    }
  }

  static void on_field(void* data, std::size_t length, void* self) {
    static_cast<Impl*>(self)->field(static_cast<const char*>(data), length, false, Bytes::transient);
  }
  static void on_record(int, void* self) { static_cast<Impl*>(self)->end_record(); }

  // Where a field's bytes are: `stable` until the next call to next() (in `buffer`, or already in
  // owned[field_count]), or `transient` (libcsv's buffer, reused for the next field): copied.
  enum class Bytes { stable, transient };

  // `checked`: the caller has seen every byte of the field, and none is NUL or above 0x7F.
  void field(const char* data, std::size_t length, bool checked, Bytes bytes) {
    if (error) {
      return;
    }
    if (length > limits.max_field_bytes) {
      fail(field_line, "field longer than " + megabytes(limits.max_field_bytes) + " (is this a roster?)");
      return;
    }
    if (field_count >= limits.max_fields) {
      fail(record_line, "more than " + std::to_string(limits.max_fields) + " fields in one record");
      return;
    }
    record_bytes += length;
    if (record_bytes > limits.max_record_bytes) {
      fail(record_line, "record longer than " + megabytes(limits.max_record_bytes));
      return;
    }
    const std::string_view text(length > 0 ? data : "", length);
    bool ascii = true;
    if (!checked) {
      for (const char c : text) {  // one pass for the common case: ASCII without NUL
        if (c == '\0') {
          fail(field_line, "binary data (a NUL byte); a roster must be CSV text in UTF-8");
          return;
        }
        ascii = ascii && static_cast<unsigned char>(c) < 0x80;
      }
    }
    if (!ascii && !util::is_valid_utf8(text)) {
      fail(field_line, "invalid UTF-8 (save the roster as UTF-8, e.g. \"CSV UTF-8\" in Excel)");
      return;
    }
    std::string_view view = text;
    if (bytes == Bytes::transient) {
      std::string& copy = owned_field(field_count);
      copy.assign(text);
      view = copy;
    }
    std::vector<std::string_view>& fields = *out;
    if (field_count < fields.size()) {
      fields[field_count] = view;
    } else {
      fields.push_back(view);
    }
    ++field_count;
    field_line = line;  // the next field starts right after this one's delimiter, on this line
  }

  void end_record() {
    if (error) {
      return;
    }
    out->resize(field_count);
    record_done = true;
    in_record = false;
  }

  bool refill() {
    before_buffer += size;
    size = std::fread(buffer.get(), 1, k_chunk_bytes, file);
    buffer[size] = '\n';
    pos = 0;
    next_lf = k_unknown;
    next_cr = k_unknown;
    if (size == 0) {
      if (std::ferror(file)) {
        fail(line, std::string("read error: ") + std::strerror(errno));
        return false;
      }
      at_eof = true;
    }
    return true;
  }

  std::size_t find_from(char c, std::size_t& cache) {
    if (cache == k_unknown || cache < pos) {
      const void* found = std::memchr(buffer.get() + pos, c, size - pos);
      cache = found ? static_cast<std::size_t>(static_cast<const char*>(found) - buffer.get()) : size;
    }
    return cache;
  }

  // Feeds the next segment; returns false once an error is set.
  bool feed_segment() {
    const std::size_t lf = find_from('\n', next_lf);
    const std::size_t cr = find_from('\r', next_cr);
    std::size_t end = lf < cr ? lf : cr;
    end = end < size ? end + 1 : size;
    const char* start = buffer.get() + pos;
    const std::size_t length = end - pos;

    const bool bare_line_end = *start == '\n' || *start == '\r';
    if (!in_record && !bare_line_end) {
      in_record = true;
      record_line = line;
      field_line = line;
    }
    const std::size_t parsed = csv_parse(&parser, start, length, on_field, on_record, this);
    if (error) {
      return false;
    }
    if (parsed != length) {
      if (csv_error(&parser) == CSV_EPARSE) {
        fail(line, parser.quoted ? "text after a closing quote (inside a quoted field, write \" as \"\")"
                                 : "a \" inside an unquoted field (quote the whole field and write \" as \"\")");
      } else {
        fail(line, std::string("cannot parse: ") + csv_strerror(csv_error(&parser)));
      }
      return false;
    }
    if (parser.entry_pos > limits.max_field_bytes) {
      fail(field_line, "field longer than " + megabytes(limits.max_field_bytes) + " (is this a roster?)");
      return false;
    }

    const char last = start[length - 1];
    if (last == '\r') {
      ++line;
      previous_was_cr = true;
    } else if (last == '\n') {
      if (!(previous_was_cr && length == 1)) {
        ++line;
      }
      previous_was_cr = false;
    } else {
      previous_was_cr = false;
    }
    pos = end;
    return true;
  }

  // A bit for each of the 16 bytes from `p` that `special` marks.
  unsigned special_bits(const char* p) const {
#if defined(__SSE2__)
    // The bytes >= 0x80 are the sign bits; the rest are compared. Same answer as the table below,
    // which the constructor keeps in step.
    const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hits = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8(delimiter)), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('"'))),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, _mm_set1_epi8('\r')), _mm_cmpeq_epi8(bytes, _mm_set1_epi8('\n'))),
                     _mm_cmpeq_epi8(bytes, _mm_setzero_si128())));
    return static_cast<unsigned>(_mm_movemask_epi8(hits) | _mm_movemask_epi8(bytes));
#else
    unsigned bits = 0;
    for (unsigned i = 0; i < k_scan_bytes; ++i) {
      bits |= special[static_cast<unsigned char>(p[i])] != 0 ? 1U << i : 0U;
    }
    return bits;
#endif
  }

  // Writes field `count` of the record fast_record is splitting. The vector is grown past the
  // record's end when needed and cut to size by end_record(): no check but the size per field.
  void add_field(std::size_t& count, const char* data, const char* field_end) {
    std::vector<std::string_view>& fields = *out;
    if (count == fields.size()) {
      fields.resize(count * 2 + 8);
    }
    fields[count++] = std::string_view(data, static_cast<std::size_t>(field_end - data));
  }

  // Splits the record at `pos` when it is one whole line of this chunk that libcsv would split the
  // same way without complaint; returns false for anything else, having written only fields that
  // the libcsv path then overwrites.
  //
  // Sixteen bytes at a time: a bit per byte that matters (delimiter, quote, CR, LF, NUL, >= 0x80),
  // visited in order, so a field costs about one step however short. A field that opens with a
  // quote is read a byte at a time to its closing quote, then the scan goes on after it.
  bool fast_record() {
    if (special[static_cast<unsigned char>(delimiter)] == 0) {
      return false;
    }
    const char* const begin = buffer.get() + pos;
    const char* const end = buffer.get() + size;  // *end is the '\n' sentinel
    if (*begin == '\n' || *begin == '\r') {
      return false;  // blank lines and the LF of a CRLF: the segment path counts them
    }
    std::size_t count = 0;
    doubled_quotes.clear();
    bool clean = true;  // no NUL, no byte above 0x7F
    const char* field_start = begin;
    const char* block = begin;
    const char* line_end = nullptr;  // the record's last byte, its LF
    while (line_end == nullptr) {
      if (*field_start == '"' && block == field_start) {
        const char* q = field_start + 1;
        bool doubled = false;
        for (;;) {
          const auto c = static_cast<unsigned char>(*q);
          if (c == '"') {
            if (q[1] != '"') {
              break;
            }
            doubled = true;
            q += 2;
            continue;
          }
          if (c == '\n' || c == '\r') {
            return false;  // a line break inside quotes, or the chunk ends first
          }
          clean = clean && c != 0 && c < 0x80;
          ++q;
        }
        if (doubled) {
          doubled_quotes.push_back(count);
        }
        add_field(count, field_start + 1, q);
        const char* after = q + 1;
        if (*after == delimiter) {
          field_start = block = after + 1;
          continue;
        }
        if (*after == '\r' && after + 1 < end && after[1] == '\n') {
          ++after;
        }
        if (*after != '\n' || after == end) {
          return false;  // text after a closing quote, a lone CR, or the line goes on in the next chunk
        }
        line_end = after;
        break;
      }
      for (unsigned bits = special_bits(block); bits != 0; bits &= bits - 1) {
        const char* const at = block + __builtin_ctz(bits);
        const char c = *at;
        if (c == delimiter) {
          add_field(count, field_start, at);
          field_start = at + 1;
          if (*field_start == '"') {
            break;  // read as quoted above, from field_start
          }
          continue;
        }
        if (c == '"') {
          return false;  // a quote inside an unquoted field: libcsv's error
        }
        if (c == '\n' || c == '\r') {
          const char* last = at;
          if (c == '\r' && at + 1 < end && at[1] == '\n') {
            ++last;
          }
          if (*last != '\n' || last == end) {
            return false;  // a lone CR, or the line goes on in the next chunk
          }
          add_field(count, field_start, at);
          line_end = last;
          break;
        }
        clean = false;  // NUL or a byte >= 0x80: part of the field, checked by field()
      }
      if (line_end == nullptr) {
        block = *field_start == '"' && field_start > block ? field_start : block + k_scan_bytes;
      }
    }
    const char* const p = line_end;
    const std::vector<std::string_view>& fields = *out;

    in_record = true;
    record_line = line;
    field_line = line;
    // The record's bytes bound every field's and their sum.
    const auto record_length = static_cast<std::size_t>(p - begin);
    if (clean && doubled_quotes.empty() && count <= limits.max_fields && record_length <= limits.max_field_bytes &&
        record_length <= limits.max_record_bytes) {
      field_count = count;  // the views are the fields: nothing to check, copy or unescape
    } else {
      std::size_t next_doubled = 0;
      for (std::size_t f = 0; f < count; ++f) {
        const std::string_view span = fields[f];
        if (next_doubled < doubled_quotes.size() && doubled_quotes[next_doubled] == f) {
          ++next_doubled;
          std::string& unescaped = owned_field(f);
          unescaped.clear();
          for (std::size_t i = 0; i < span.size(); ++i) {
            unescaped += span[i];
            i += span[i] == '"' ? 1 : 0;
          }
          field(unescaped.data(), unescaped.size(), clean, Bytes::stable);
        } else {
          field(span.data(), span.size(), clean, Bytes::stable);
        }
      }
    }
    end_record();
    ++line;
    previous_was_cr = false;
    pos = static_cast<std::size_t>(p + 1 - buffer.get());
    return true;
  }

  // next_plain's view of 16 bytes: a bit per delimiter, per LF, and per byte that makes a line
  // other than plain (quote, CR, NUL, >= 0x80). Made once per line, so that the bytes compared
  // with are set up once rather than per block.
  struct PlainBits {
    unsigned delimiters;
    unsigned line_ends;
    unsigned refused;
  };
  struct LineBits {
    std::uint64_t delimiters;
    std::uint64_t line_ends;
    std::uint64_t refused;
  };
  class PlainScanner {
   public:
    explicit PlainScanner(char delimiter)
#if defined(__SSE2__)
        : m_delimiter(_mm_set1_epi8(delimiter)),
          m_line_end(_mm_set1_epi8('\n')),
          m_quote(_mm_set1_epi8('"')),
          m_cr(_mm_set1_epi8('\r')) {
    }
#else
        : m_delimiter(delimiter) {
    }
#endif

    PlainBits operator()(const char* p) const {
#if defined(__SSE2__)
      const __m128i bytes = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      const __m128i refused = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(bytes, m_quote), _mm_cmpeq_epi8(bytes, m_cr)),
                                           _mm_cmpeq_epi8(bytes, _mm_setzero_si128()));
      return {static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, m_delimiter))),
              static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(bytes, m_line_end))),
              static_cast<unsigned>(_mm_movemask_epi8(refused) | _mm_movemask_epi8(bytes))};
#else
      PlainBits bits{0, 0, 0};
      for (unsigned i = 0; i < k_scan_bytes; ++i) {
        const auto c = static_cast<unsigned char>(p[i]);
        bits.delimiters |= c == static_cast<unsigned char>(m_delimiter) ? 1U << i : 0U;
        bits.line_ends |= c == '\n' ? 1U << i : 0U;
        bits.refused |= (c == '"' || c == '\r' || c == 0 || c >= 0x80) ? 1U << i : 0U;
      }
      return bits;
#endif
    }

    // The same for 64 bytes: next_plain's step, so that a typical line (55 bytes in the benchmark
    // roster) is one block and its branches are taken once per line rather than once per 16 bytes
    // (the reading thread's CPU went from 72 to 67 ms; 64-byte steps in quoted_rest gained nothing).
    LineBits line_bits(const char* p) const {
      LineBits bits{0, 0, 0};
      for (unsigned i = 0; i < k_line_scan_bytes / k_scan_bytes; ++i) {
        const PlainBits part = (*this)(p + i * k_scan_bytes);
        bits.delimiters |= std::uint64_t{part.delimiters} << (i * k_scan_bytes);
        bits.line_ends |= std::uint64_t{part.line_ends} << (i * k_scan_bytes);
        bits.refused |= std::uint64_t{part.refused} << (i * k_scan_bytes);
      }
      return bits;
    }

   private:
#if defined(__SSE2__)
    __m128i m_delimiter;
    __m128i m_line_end;
    __m128i m_quote;
    __m128i m_cr;
#else
    char m_delimiter;
#endif
  };

  // next_plain's end of a line from `p`, a quote, with nothing but plain text since the line's
  // start: the LF ending the line (maybe the sentinel) when every later field is plain or quoted
  // whole ("" inside, no line break, CR, NUL or byte above 0x7F) as libcsv reads it without
  // complaint; nullptr otherwise. `at_field_start`: `p` starts a field. Sixteen bytes at a time
  // from one byte that matters (a quote, a line end, a refused byte) to the next.
  const char* quoted_rest(const char* p, bool at_field_start, const PlainScanner& scan) const {
    for (;;) {
      if (*p == '"' && at_field_start) {
        for (++p;;) {  // inside the quotes: to the closing one
          const PlainBits bits = scan(p);
          const unsigned stop = bits.refused | bits.line_ends;
          if (stop == 0) {
            p += k_scan_bytes;
            continue;
          }
          p += __builtin_ctz(stop);
          if (*p != '"') {
            return nullptr;  // a line break, CR, NUL or byte above 0x7F inside quotes
          }
          if (p[1] != '"') {
            break;
          }
          p += 2;  // a doubled quote
        }
        ++p;  // past the closing quote: a delimiter or the line end must follow
        if (*p != delimiter && *p != '\n') {
          return nullptr;
        }
      }
      // Outside quotes: to the next quote or line end; a quote must start its field.
      const PlainBits bits = scan(p);
      const unsigned stop = bits.refused | bits.line_ends;
      if (stop == 0) {
        p += k_scan_bytes;
        at_field_start = p[-1] == delimiter;
        continue;
      }
      const char* const at = p + __builtin_ctz(stop);
      if (*at == '\n') {
        return at;
      }
      if (*at != '"') {
        return nullptr;
      }
      at_field_start = at == p ? at_field_start : at[-1] == delimiter;
      if (!at_field_start) {
        return nullptr;
      }
      p = at;
    }
  }

  // CsvReader::next_plain from `pos`, with at least one byte in the buffer.
  bool plain(std::span<std::string_view> fields, std::string_view& text) {
    if (special[static_cast<unsigned char>(delimiter)] == 0) {
      return false;  // the delimiter is a quote, a line end or not ASCII: not for this path
    }
    const char* const begin = buffer.get() + pos;
    const char* const end = buffer.get() + size;  // *end is the '\n' sentinel
    if (*begin == '\n') {
      return false;  // a blank line, or the LF of a CRLF: the segment path counts them
    }
    std::string_view* const wanted = fields.data();
    const std::size_t count = fields.size();
    std::size_t field = 0;
    const char* field_start = begin;
    const char* line_end = nullptr;
    const PlainScanner scan(delimiter);
    for (const char* block = begin; line_end == nullptr; block += k_line_scan_bytes) {
      const LineBits bits = scan.line_bits(block);
      std::uint64_t in_line = ~std::uint64_t{0};  // the bits before the first LF of the block, if any
      if (bits.line_ends != 0) {
        const unsigned first_lf = static_cast<unsigned>(__builtin_ctzll(bits.line_ends));
        in_line = (std::uint64_t{1} << first_lf) - 1;
        line_end = block + first_lf;
      }
      const std::uint64_t refused = bits.refused & in_line;
      const std::uint64_t before_refused =
          refused != 0 ? (std::uint64_t{1} << __builtin_ctzll(refused)) - 1 : in_line;
      // Only the fields asked for are cut out; later delimiters need no step each.
      if (field < count) {
        for (std::uint64_t at = bits.delimiters & before_refused; at != 0; at &= at - 1) {
          const char* const delimiter_at = block + __builtin_ctzll(at);
          wanted[field] = std::string_view(field_start, static_cast<std::size_t>(delimiter_at - field_start));
          field_start = delimiter_at + 1;
          if (++field == count) {
            break;
          }
        }
      }
      if (refused != 0) {
        // Past the fields asked for, quoted fields (a note with a comma, say) need not be cut out,
        // only checked: quoted_rest takes the rest of the line. Anything else is next()'s.
        const char* const at = block + __builtin_ctzll(refused);
        if (field < count || *at != '"') {
          return false;
        }
        line_end = quoted_rest(at, at == field_start || at[-1] == delimiter, scan);
        if (line_end == nullptr) {
          return false;
        }
      }
    }
    const auto length = static_cast<std::size_t>(line_end - begin);
    // A record no longer than the line has at most length + 1 fields, each within the line.
    if (line_end == end || length + 1 > limits.max_fields || length > limits.max_field_bytes ||
        length > limits.max_record_bytes) {
      return false;  // the line goes on in the next chunk, or a limit might apply: next() decides
    }
    if (field < fields.size()) {
      fields[field++] = std::string_view(field_start, static_cast<std::size_t>(line_end - field_start));
    }
    for (; field < fields.size(); ++field) {
      fields[field] = std::string_view();
    }
    text = std::string_view(begin, length);
    record_line = line;
    field_line = line;
    ++line;
    previous_was_cr = false;
    pos = static_cast<std::size_t>(line_end + 1 - buffer.get());
    return true;
  }

  void finish() {
    finished = true;
    if (csv_fini(&parser, on_field, on_record, this) != 0) {
      fail(field_line, "unterminated quoted field (a \" opened here is never closed)");
    }
  }
};

CsvReader::CsvReader(std::FILE* file, char delimiter, CsvLimits limits, std::size_t first_line)
    : m_impl(std::make_unique<Impl>()) {
  m_impl->file = file;
  m_impl->delimiter = delimiter;
  m_impl->limits = limits;
  m_impl->line = first_line;
  csv_init(&m_impl->parser, CSV_STRICT | CSV_STRICT_FINI);
  csv_set_delim(&m_impl->parser, static_cast<unsigned char>(delimiter));
  csv_set_space_func(&m_impl->parser, never_space);
  // libcsv grows its field buffer by this step (128 bytes by default): a field near the 1 MB limit
  // took 8,000 reallocations, each a copy where realloc cannot grow in place (under ASan, always).
  csv_set_blk_size(&m_impl->parser, 64 * 1024);
  const auto d = static_cast<unsigned char>(delimiter);
  if (d != '"' && d != '\r' && d != '\n' && d != 0 && d < 0x80) {
    for (const unsigned char c : {d, static_cast<unsigned char>('"'), static_cast<unsigned char>('\r'),
                                  static_cast<unsigned char>('\n'), static_cast<unsigned char>(0)}) {
      m_impl->special[c] = 1;
    }
    for (unsigned c = 0x80; c < 256; ++c) {
      m_impl->special[c] = 1;
    }
  }
}

CsvReader::~CsvReader() {
  csv_free(&m_impl->parser);
  if (m_impl->file) {
    std::fclose(m_impl->file);
  }
}

std::size_t CsvReader::record_line() const { return m_impl->record_line; }

std::uint64_t CsvReader::bytes_read() const { return m_impl->before_buffer + m_impl->pos; }

util::Expected<bool, CsvError> CsvReader::next(std::vector<std::string>& fields) {
  std::vector<std::string_view>& views = m_impl->views_for_strings;
  auto more = next(views);
  if (!more || !*more) {
    return more;
  }
  fields.resize(views.size());
  for (std::size_t i = 0; i < views.size(); ++i) {
    fields[i].assign(views[i]);
  }
  return true;
}

bool CsvReader::next_plain(std::span<std::string_view> fields, std::string_view& line) {
  Impl& s = *m_impl;
  if (s.error || s.finished || s.in_record) {
    return false;
  }
  if (s.pos == s.size && (s.at_eof || !s.refill() || s.at_eof)) {
    return false;  // next() reports the end of the file, or the read error refill() kept
  }
  return s.plain(fields, line);
}

util::Expected<bool, CsvError> CsvReader::next(std::vector<std::string_view>& fields) {
  Impl& s = *m_impl;
  if (s.error) {
    return util::unexpected(*s.error);
  }
  if (s.finished) {
    return false;
  }
  s.out = &fields;
  s.field_count = 0;
  s.record_bytes = 0;
  s.record_done = false;
  for (;;) {
    if (s.pos == s.size) {
      if (!s.at_eof && !s.refill()) {
        return util::unexpected(*s.error);
      }
      if (s.at_eof) {
        s.finish();
        if (s.error) {
          return util::unexpected(*s.error);
        }
        return s.record_done;
      }
      continue;
    }
    if (!s.in_record && s.fast_record()) {
      if (s.error) {
        return util::unexpected(*s.error);
      }
      return true;
    }
    if (!s.feed_segment()) {
      return util::unexpected(*s.error);
    }
    if (s.record_done) {
      return true;
    }
  }
}

}  // namespace roster
