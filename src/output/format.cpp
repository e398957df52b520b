#include "output/format.hpp"

#include "util/text.hpp"

namespace output {

std::optional<Format> parse_format(std::string_view name) {
  const std::string lower = util::to_lower(name);
  if (lower == "csv") return Format::csv;
  if (lower == "json") return Format::json;
  if (lower == "jsonl" || lower == "ndjson") return Format::jsonl;
  return std::nullopt;
}

std::string spreadsheet_extension(std::string_view path) {
  const auto dot = path.rfind('.');
  const auto slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return {};
  }
  const std::string extension = util::to_lower(path.substr(dot));
  for (const char* refused : {".xlsx", ".xls", ".xlsm", ".ods", ".numbers"}) {
    if (extension == refused) {
      return extension;
    }
  }
  return {};
}

Format format_from_path(std::string_view path) {
  const auto dot = path.rfind('.');
  const auto slash = path.rfind('/');
  if (dot == std::string_view::npos || (slash != std::string_view::npos && dot < slash)) {
    return Format::csv;
  }
  return parse_format(path.substr(dot + 1)).value_or(Format::csv);
}

}  // namespace output
