#include "roster/row_lookups.hpp"

#include "roster/handle.hpp"
#include "roster/profile_url.hpp"
#include "util/text.hpp"

namespace roster {

namespace {

using core::Platform;

std::string_view cell_at(const std::vector<std::string>& cells, std::size_t index) {
  return index < cells.size() ? std::string_view(cells[index]) : std::string_view();
}

void reset(CellLookup& lookup) {
  lookup.column.clear();
  lookup.platform.reset();
  lookup.handle.clear();
  lookup.invalid_reason.clear();
}

std::string printable(std::string_view text) {
  std::string out;
  for (const char c : text.substr(0, 40)) {
    const auto byte = static_cast<unsigned char>(c);
    out += (byte < 0x20 || byte == 0x7F) ? '?' : c;
  }
  return out + (text.size() > 40 ? "..." : "");
}

// A cell holding a handle or a link, for a creator on `expected` (nullopt: the row names none).
// `source` says where `expected` came from, for the mismatch reason ("the platform", "the column").
void read_handle_or_link(std::string_view cell, std::optional<Platform> expected, std::string_view source,
                         CellLookup& out) {
  if (looks_like_link(cell)) {
    Platform linked = Platform::tiktok;
    std::string reason = parse_profile_link(cell, linked, out.handle);
    if (!reason.empty()) {
      out.handle.assign(strip_handle(cell));
      out.invalid_reason = std::move(reason);
      return;
    }
    if (expected && *expected != linked) {
      out.platform = expected;
      out.invalid_reason = "link points to " + std::string(core::platform_name(linked)) + ", but " +
                           std::string(source) + " is " + std::string(core::platform_name(*expected));
      return;
    }
    out.platform = linked;
  } else {
    out.handle.assign(strip_handle(cell));
    out.platform = expected;
  }
  out.invalid_reason.assign(handle_problem(out.handle));
}

void read_long(const ColumnMap& columns, const std::vector<std::string>& cells, CellLookup& out) {
  const std::string_view handle_cell = cell_at(cells, columns.handle_column);
  if (columns.fixed_platform) {
    read_handle_or_link(handle_cell, columns.fixed_platform, "--platform", out);
    return;
  }
  const std::string_view platform_cell = util::trim(cell_at(cells, *columns.platform_column));
  if (platform_cell.empty()) {
    // A link says which platform it is; a bare handle needs the platform column.
    read_handle_or_link(handle_cell, std::nullopt, "", out);
    if (out.valid() && !out.platform) {
      out.invalid_reason = "platform is empty";
    }
    return;
  }
  const std::optional<Platform> platform = platform_from_cell(platform_cell);
  if (!platform) {
    out.handle.assign(strip_handle(handle_cell));
    out.invalid_reason = out.handle.empty() ? "handle is empty" : "unknown platform '" + printable(platform_cell) + "'";
    return;
  }
  read_handle_or_link(handle_cell, platform, "the platform", out);
}

void read_url(const ColumnMap& columns, const std::vector<std::string>& cells, CellLookup& out) {
  const std::string_view cell = cell_at(cells, columns.url_column);
  Platform linked = Platform::tiktok;
  std::string reason = parse_profile_link(cell, linked, out.handle);
  if (!reason.empty()) {
    out.handle.assign(strip_handle(cell));
    out.invalid_reason = std::move(reason);
    return;
  }
  out.platform = linked;
  if (columns.fixed_platform && *columns.fixed_platform != linked) {
    out.invalid_reason = "link points to " + std::string(core::platform_name(linked)) + ", but --platform is " +
                         std::string(core::platform_name(*columns.fixed_platform));
    return;
  }
  out.invalid_reason.assign(handle_problem(out.handle));
}

}  // namespace

bool is_blank(const std::vector<std::string>& cells) {
  for (const std::string& cell : cells) {
    if (!util::trim(cell).empty()) {
      return false;
    }
  }
  return true;
}

void read_lookups(const ColumnMap& columns, const std::vector<std::string>& header,
                  const std::vector<std::string>& cells, std::vector<CellLookup>& lookups) {
  if (columns.layout != Layout::wide) {
    lookups.resize(1);
    reset(lookups[0]);
    if (columns.layout == Layout::url) {
      read_url(columns, cells, lookups[0]);
    } else {
      read_long(columns, cells, lookups[0]);
    }
    return;
  }
  std::size_t count = 0;
  for (const auto& [index, platform] : columns.wide) {
    const std::string_view cell = cell_at(cells, index);
    if (util::trim(cell).empty()) {
      continue;
    }
    if (count == lookups.size()) {
      lookups.emplace_back();
    }
    CellLookup& lookup = lookups[count++];
    reset(lookup);
    lookup.column.assign(header[index]);
    read_handle_or_link(cell, platform, "the column", lookup);
  }
  lookups.resize(count);
}

}  // namespace roster
