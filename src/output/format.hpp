#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace output {

enum class Format { csv, json, jsonl };

// "csv", "json", "jsonl" (also "ndjson").
std::optional<Format> parse_format(std::string_view name);

// The extension of a spreadsheet format we do not write (`.xlsx`, `.xls`, `.ods`, `.numbers`, any
// case), else empty: such an output name is refused rather than given CSV under a name that
// promises a workbook.
std::string spreadsheet_extension(std::string_view path);

// From the output file's extension (.csv, .json, .jsonl, .ndjson), else csv; stdout is csv.
Format format_from_path(std::string_view path);

}  // namespace output
