#pragma once

// The report as one self-contained HTML page (man page, REPORT): styles, script and SVG charts
// inline; a Content-Security-Policy that forbids every request; the whole table in plain HTML so
// the page is complete without JavaScript (the script only sorts and filters); A4 print styles.
// Every text from the roster or an API is escaped.

#include <string>
#include <string_view>

#include "report/enriched_file.hpp"

namespace report {

struct HtmlOptions {
  std::string title;         // empty: "Roster report"
  std::string source;        // the enriched file's name, shown under the title
  std::string previous;      // --compare's file name, empty without one
  std::string generated_at;  // UTC time, shown under the title
  std::string script_nonce;  // the CSP nonce of the one inline script
};

// `previous` may be null (no --compare).
std::string render_html(const Enriched& current, const Enriched* previous, const HtmlOptions& options);

// `<`, `>`, `&`, `"` and `'` as entities: safe in element text and in quoted attributes.
std::string escape_html(std::string_view text);

}  // namespace report
