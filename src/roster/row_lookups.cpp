#include "roster/row_lookups.hpp"

#include <optional>

#include "roster/handle.hpp"
#include "roster/profile_url.hpp"
#include "util/text.hpp"

namespace roster {

namespace {

using core::Platform;

std::string_view cell_at(std::span<const std::string_view> cells, std::size_t index) {
  return index < cells.size() ? cells[index] : std::string_view();
}

std::string_view mismatch(TextPool& texts, Platform linked, std::string_view source, Platform expected) {
  return texts.keep("link points to " + std::string(core::platform_name(linked)) + ", but " + std::string(source) +
                    " is " + std::string(core::platform_name(expected)));
}

void set_platform(LookupRef& out, const Platform* platform) {
  if (platform != nullptr) {
    out.platform = *platform;
  } else {
    out.platform.reset();
  }
}

// A cell that looks like a profile link: its handle (decoded into `texts`) into `out`, and the
// platform it links to; or nothing, with `out` invalid and the reason why it is not a usable link.
std::optional<Platform> read_link(std::string_view cell, LookupRef& out, TextPool& texts) {
  Platform linked = Platform::tiktok;
  std::string& handle = texts.fresh();
  const std::string reason = parse_profile_link(cell, linked, handle);
  if (!reason.empty()) {
    out.handle = strip_handle(cell);
    out.invalid_reason = texts.keep(reason);
    return std::nullopt;
  }
  out.handle = handle;
  return linked;
}

// A cell holding a handle or a link, for a creator on `*expected` (nullptr: the row names none).
// `source` says where `expected` came from, for the mismatch reason ("the platform", "the column").
// A pointer, not an optional by value: GCC 12 built that on the stack a field at a time and read it
// back whole for the call, a store-forwarding stall on every row.
void read_handle_or_link(std::string_view cell, const Platform* expected, std::string_view source,
                         LookupRef& out, TextPool& texts) {
  if (const std::string_view handle = strip_handle(cell); is_plain_handle(handle)) {
    out.handle = handle;  // the common case, settled in one pass over the handle: valid, not a link
    set_platform(out, expected);
    return;
  }
  if (looks_like_link(cell)) {
    const std::optional<Platform> linked = read_link(cell, out, texts);
    if (!linked) {
      return;
    }
    if (expected != nullptr && *expected != *linked) {
      out.platform = *expected;
      out.invalid_reason = mismatch(texts, *linked, source, *expected);
      return;
    }
    out.platform = *linked;
  } else {
    out.handle = strip_handle(cell);
    set_platform(out, expected);
  }
  out.invalid_reason = handle_problem(out.handle);
}

void read_long(const ColumnMap& columns, std::span<const std::string_view> cells, LookupRef& out,
               TextPool& texts) {
  const std::string_view handle_cell = cell_at(cells, columns.handle_column);
  if (columns.fixed_platform) {
    read_handle_or_link(handle_cell, &*columns.fixed_platform, "--platform", out, texts);
    return;
  }
  const std::string_view platform_cell = util::trim(cell_at(cells, *columns.platform_column));
  if (platform_cell.empty()) {
    // A link says which platform it is; a bare handle needs the platform column.
    read_handle_or_link(handle_cell, nullptr, "", out, texts);
    if (out.valid() && !out.platform) {
      out.invalid_reason = "platform is empty";
    }
    return;
  }
  const Platform* const platform = platform_in_cell(platform_cell);
  if (platform == nullptr) {
    out.handle = strip_handle(handle_cell);
    out.invalid_reason = out.handle.empty() ? std::string_view("handle is empty")
                                            : texts.keep("unknown platform '" + quoted_excerpt(platform_cell) + "'");
    return;
  }
  read_handle_or_link(handle_cell, platform, "the platform", out, texts);
}

void read_url(const ColumnMap& columns, std::span<const std::string_view> cells, LookupRef& out, TextPool& texts) {
  const std::optional<Platform> linked = read_link(cell_at(cells, columns.url_column), out, texts);
  if (!linked) {
    return;
  }
  out.platform = *linked;
  if (columns.fixed_platform && *columns.fixed_platform != *linked) {
    out.invalid_reason = mismatch(texts, *linked, "--platform", *columns.fixed_platform);
    return;
  }
  out.invalid_reason = handle_problem(out.handle);
}

}  // namespace

std::string& TextPool::fresh() {
  if (m_used == m_texts.size()) {
    m_texts.emplace_back();
  }
  std::string& text = m_texts[m_used++];
  text.clear();
  return text;
}

std::string_view TextPool::keep(std::string_view text) { return fresh().assign(text); }

bool is_blank(std::span<const std::string_view> cells) {
  for (const std::string_view cell : cells) {
    if (!util::trim(cell).empty()) {
      return false;
    }
  }
  return true;
}

bool is_blank_line(std::string_view line, char delimiter) {
  // Every cell trims to nothing exactly when every byte outside quotes is a delimiter or white
  // space, every byte inside is white space, and no quote is doubled inside quotes (`""""` is a
  // cell holding `"`). Quotes come only around whole cells here, so a quote followed by another
  // inside quotes is always a doubled one.
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '"') {
      if (quoted && i + 1 < line.size() && line[i + 1] == '"') {
        return false;
      }
      quoted = !quoted;
      continue;
    }
    if ((c != delimiter || quoted) && !util::trim(std::string_view(&c, 1)).empty()) {
      return false;
    }
  }
  return true;
}

void read_lookups(const ColumnMap& columns, const std::vector<std::string>& header,
                  std::span<const std::string_view> cells, std::vector<LookupRef>& lookups, TextPool& texts) {
  texts.clear();
  if (columns.layout != Layout::wide) {
    lookups.resize(1);
    lookups[0] = LookupRef{};
    if (columns.layout == Layout::url) {
      read_url(columns, cells, lookups[0], texts);
    } else {
      read_long(columns, cells, lookups[0], texts);
    }
    return;
  }
  lookups.clear();
  for (const auto& [index, platform] : columns.wide) {
    const std::string_view cell = cell_at(cells, index);
    if (util::trim(cell).empty()) {
      continue;
    }
    LookupRef& lookup = lookups.emplace_back();
    lookup.column = header[index];
    read_handle_or_link(cell, &platform, "the column", lookup, texts);
  }
}

void copy_lookups(std::span<const LookupRef> lookups, std::vector<CellLookup>& out) {
  out.resize(lookups.size());
  for (std::size_t i = 0; i < lookups.size(); ++i) {
    out[i].column.assign(lookups[i].column);
    out[i].platform = lookups[i].platform;
    out[i].handle.assign(lookups[i].handle);
    out[i].invalid_reason.assign(lookups[i].invalid_reason);
  }
}

}  // namespace roster
