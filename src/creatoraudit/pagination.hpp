#pragma once

// One cursor-pagination loop for every CreatorAudit collection: GET PATH?<filters>&limit=200, then
// again with `cursor` while the page says `has_next`. The cursor is opaque: passed back byte for
// byte (percent-encoded in the query), with the same filters on every page, since a cursor is bound
// to the filters and sort it was issued for. `include_total` is never sent (it costs the server a
// COUNT per page). A server that repeats a cursor, or says has_next with no cursor, ends the loop
// with a bad_response error instead of looping or stopping short in silence.

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "creatoraudit/session.hpp"
#include "creatoraudit/types.hpp"
#include "util/expected.hpp"

namespace creatoraudit {

inline constexpr int k_page_limit = 200;  // the API's largest page

// Reads one page's body: keeps its items, returns its pagination, or says why it cannot be read.
using PageReader = std::function<util::Expected<Pagination, std::string>(std::string_view body)>;

// Fetches every page of `path` with `filters` (a `limit`, `cursor` or `include_total` among them is
// dropped: the loop owns those), handing each body to `read_page` in order. Returns the number of
// pages read, or the error that ended the walk (items of earlier pages were handed over already).
util::Expected<std::size_t, ApiError> for_each_page(Session& session, const std::string& path,
                                                    const Query& filters, const PageReader& read_page);

}  // namespace creatoraudit
