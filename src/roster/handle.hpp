#pragma once

// Normalising and checking what a cell names (PRODUCT.md, "Reading the roster"): trimmed, a
// leading `@` dropped, platforms case-insensitive with `twitter` meaning `x`. Internal to roster/,
// but for `lookup`, which checks its HANDLE argument as a roster cell is checked.

#include <optional>
#include <string>
#include <string_view>

#include "core/platform.hpp"

namespace roster {

// The cell trimmed of ASCII white space, then without one leading `@` (and white space after it).
std::string_view strip_handle(std::string_view cell);

// True when `handle` (already stripped) is certainly valid and cannot come from a link: 1 to
// k_max_handle_chars bytes, each printable ASCII other than / \ ? #, not only dots. Most cells
// hold one; for those handle_problem() is empty and looks_like_link() false, so a reader need not
// call them.
bool is_plain_handle(std::string_view handle);

// Why `handle` (already stripped) cannot be looked up, or empty when it can. The texts are the
// product's reasons: "handle is empty", "handle contains a space", "handle contains a slash",
// "handle contains a control character", "handle is only dots" (`.`, `..`: path steps in a URL),
// "handle is longer than 100 characters", "handle is not valid UTF-8"; past ASCII, naming the code
// point: "handle contains a space U+3000" (every Unicode space), "... a line break U+2028",
// "... a control character U+0085", "... an invisible character U+200B" (format characters and
// the other code points that show as nothing). The views stay valid for the whole program.
std::string_view handle_problem(std::string_view handle);

// The platform a cell names, trimmed and compared case-insensitively; `twitter` is x. No allocation.
std::optional<core::Platform> platform_from_cell(std::string_view cell);
// The same as a pointer to static storage, or nullptr: for the per-row path. GCC 12 builds an
// optional return value on the stack a field at a time and reads it back whole, a store-forwarding
// stall that took a third of this function's time.
const core::Platform* platform_in_cell(std::string_view cell);

// Roster text quoted inside a reason: its first 40 characters, control characters as `?`, then
// `...` when it was longer.
std::string quoted_excerpt(std::string_view text);

}  // namespace roster
