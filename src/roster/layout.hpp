#pragma once

// Which layout a header is in and which columns matter (PRODUCT.md, "Reading the roster"): names
// compare case-insensitively, ignoring spaces, `_` and `-`. Internal to roster/.
//
// Decided order, first match wins: a forced --url-column (url); a handle column with a platform
// column or --platform (long); a link column (url); platform-named columns (wide, only the
// --platform one when given). Among several columns of one kind, the leftmost is used.

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/platform.hpp"
#include "roster/roster.hpp"
#include "util/expected.hpp"

namespace roster {

struct ColumnMap {
  Layout layout = Layout::long_form;
  std::optional<std::size_t> platform_column;   // long, unless `fixed_platform`
  std::size_t handle_column = 0;                // long
  std::size_t url_column = 0;                   // url
  std::optional<core::Platform> fixed_platform;  // --platform
  std::vector<std::pair<std::size_t, core::Platform>> wide;  // wide: column index and its platform
};

// `name` lower-cased without spaces, `_`, `-` and other ASCII white space.
std::string header_key(std::string_view name);

// The columns of `header` to read, or why none fit. The error's message has no file or line prefix.
util::Expected<ColumnMap, RosterError> map_columns(const std::vector<std::string>& header, const Options& options);

// The header as a list for messages: "`Name`, `Email`", control characters replaced, long lists cut.
std::string describe_columns(const std::vector<std::string>& header);

}  // namespace roster
