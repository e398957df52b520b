// libFuzzer target: any roster with any API answer through the output writer, as CSV, JSON and
// JSON Lines. Never a crash, leak or undefined behaviour; no temporary file left; JSON output
// parses back with one object per row; and with the formula guard on, no CSV cell whose text came
// from the API starts with = + - @ TAB or CR unless it starts with ' (or is a plain JSON number,
// which a spreadsheet reads as a number). Only the public headers (output/enriched_writer.hpp, the
// two providers' column groups, roster/roster.hpp): which columns the guard covers, and how, is the
// writer's business; that every cell from the API comes out guarded is the contract (README,
// "Output").
// Build and run with tests/fuzz/run_fuzz.sh writer.
//
// The input: [options byte] PAYLOAD \n%%\n JOB_ID \n%%\n ERROR \n%%\n ROSTER, where a missing
// section is empty and an input with no separator is all roster. The options byte picks the format,
// the guard, the statuses, --include fields, whether lookups have a place in the index and whether
// CreatorAudit's columns join (the payload is then also each lookup's metrics item).

#include <dirent.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "creatoraudit/audit_columns.hpp"
#include "creatorscore/score_columns.hpp"
#include "fuzz_work_dir.hpp"
#include "output/enriched_writer.hpp"
#include "roster/roster.hpp"

namespace {

const std::string& work_dir() { return fuzz_work_dir("writer"); }

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

std::vector<std::string> entries(const std::string& dir) {
  std::vector<std::string> names;
  if (DIR* d = ::opendir(dir.c_str())) {
    while (const dirent* e = ::readdir(d)) {
      const std::string name = e->d_name;
      if (name != "." && name != "..") names.push_back(name);
    }
    ::closedir(d);
  }
  return names;
}

// RFC 4180 records as the writer writes them: a field is quoted when it holds the delimiter, a
// quote, CR or LF, or starts or ends with a space; a quote inside is doubled; records end with LF.
std::vector<std::vector<std::string>> parse_csv(std::string_view text, char delimiter) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == delimiter) {
      record.push_back(std::move(field));
      field.clear();
    } else if (c == '\n') {
      record.push_back(std::move(field));
      field.clear();
      records.push_back(std::move(record));
      record.clear();
    } else {
      field += c;
    }
  }
  if (quoted || !field.empty() || !record.empty()) {
    __builtin_trap();  // the writer ends every record with a line feed, outside quotes
  }
  return records;
}

// A whole JSON number literal (`-12`, `0.5`, `-1e+300`): a spreadsheet reads it as a number.
bool is_json_number(const std::string& cell) {
  const nlohmann::json value = nlohmann::json::parse(cell, nullptr, false);
  return !value.is_discarded() && value.is_number();
}

bool starts_like_formula(const std::string& cell) {
  return !cell.empty() && std::string_view("=+-@\t\r").find(cell.front()) != std::string_view::npos;
}

struct Answer {
  std::string payload, job_id, error;
};

// `groups`: how many columns each group has, in order; the first of each set is its status.
void check_csv(const std::string& text, const roster::RosterReader& reader,
               const std::vector<std::size_t>& groups, std::size_t rows, bool guard) {
  const auto records = parse_csv(text, reader.delimiter());
  if (records.size() != rows + 1) {
    __builtin_trap();  // the header, then one record per row
  }
  const std::size_t sets = reader.layout() == roster::Layout::wide ? reader.wide_columns().size() : 1;
  std::vector<bool> ours;  // per result column: a status we write, not the API's text
  for (const std::size_t columns : groups) {
    for (std::size_t set = 0; set < sets; ++set) {
      for (std::size_t i = 0; i < columns; ++i) {
        ours.push_back(i == 0);
      }
    }
  }
  const std::size_t results = ours.size();
  if (records[0].size() != reader.header().size() + results) {
    __builtin_trap();
  }
  if (!guard) {
    return;
  }
  for (std::size_t r = 1; r < records.size(); ++r) {
    const auto& cells = records[r];
    if (cells.size() < results + reader.header().size()) {
      __builtin_trap();  // a row may be longer than the header, never shorter
    }
    for (std::size_t i = cells.size() - results; i < cells.size(); ++i) {
      if (!ours[i - (cells.size() - results)] && starts_like_formula(cells[i]) && !is_json_number(cells[i])) {
        std::fprintf(stderr, "unguarded API text in CSV row %zu, column %zu: %s\n", r, i, cells[i].c_str());
        __builtin_trap();
      }
    }
  }
}

void check_json(const std::string& text, output::Format format, std::size_t rows) {
  if (format == output::Format::json) {
    const nlohmann::json doc = nlohmann::json::parse(text, nullptr, false);
    if (doc.is_discarded() || !doc.is_array() || doc.size() != rows) {
      __builtin_trap();
    }
    return;
  }
  std::size_t lines = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line); ++lines) {
    const nlohmann::json doc = nlohmann::json::parse(line, nullptr, false);
    if (doc.is_discarded() || !doc.is_object()) {
      __builtin_trap();
    }
  }
  if (lines != rows) {
    __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) {
    return 0;
  }
  const std::uint8_t options_byte = data[0];
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string_view> sections;
  for (std::size_t at; sections.size() < 3 && (at = rest.find("\n%%\n")) != std::string_view::npos;) {
    sections.push_back(rest.substr(0, at));
    rest.remove_prefix(at + 4);
  }
  sections.resize(3);
  const Answer answer{std::string(sections[0]), std::string(sections[1]), std::string(sections[2])};

  const std::string roster_path = work_dir() + "/roster.csv";
  {
    std::ofstream out(roster_path, std::ios::binary | std::ios::trunc);
    out.write(rest.data(), static_cast<std::streamsize>(rest.size()));
  }
  roster::Options roster_options;
  roster_options.display_name = "fuzz.csv";
  auto reader = roster::RosterReader::open(roster_path, roster_options);
  if (!reader) {
    return 0;
  }

  output::WriteOptions options;
  const output::Format formats[] = {output::Format::csv, output::Format::json, output::Format::jsonl,
                                    output::Format::csv};
  options.format = formats[options_byte & 3];
  options.formula_guard = (options_byte & 4) == 0;
  std::vector<std::string> include;
  if (options_byte & 8) {
    include = {"narrative", "tier", "=cmd"};
  }
  const bool placed = (options_byte & 16) == 0;
  const bool audit = (options_byte & 32) != 0;
  options.path = work_dir() + (options.format == output::Format::csv ? "/out.csv" : "/out.json");

  // The same lookup always gets the same answer and place, as from the state; the status varies
  // by lookup, so one roster mixes cached, scored, failed and error rows (and audit statuses).
  std::map<std::string, std::size_t> places;
  std::vector<state::LookupRecord> score_records;
  std::vector<creatoraudit::AuditRecord> audit_records;
  {
    auto first_pass = roster::RosterReader::open(roster_path, roster_options);  // opened once already
    if (!first_pass) {
      return 0;
    }
    roster::Row row;
    for (auto more = (*first_pass)->next(row); more && *more; more = (*first_pass)->next(row)) {
      for (const roster::CellLookup& lookup : row.lookups) {
        if (!lookup.valid() || !places.emplace(lookup.key(), places.size()).second) {
          continue;
        }
        const std::size_t place = places.size() - 1;
        state::LookupRecord& record = score_records.emplace_back();
        record.status = static_cast<core::LookupStatus>((options_byte / 32 + place) % 9);
        record.creator_json = answer.payload;
        record.job_id = answer.job_id;
        record.error = answer.error;
        creatoraudit::AuditRecord& audit_record = audit_records.emplace_back();
        audit_record.status = static_cast<creatoraudit::AuditStatus>((options_byte / 64 + place) % 7);
        audit_record.error = answer.error;
        audit_record.account_id = answer.job_id;
        audit_record.last_scrape_time = answer.error;
        audit_record.period = answer.job_id;
        audit_record.metrics_json = answer.payload;
      }
    }
  }
  const creatorscore::ScoreColumns score_columns(score_records, include);
  const creatoraudit::AuditColumns audit_columns(audit_records);
  std::vector<const output::ColumnGroup*> groups = {&score_columns};
  if (audit) {
    groups.push_back(&audit_columns);
  }
  const auto locate = [&](const roster::CellLookup& lookup) -> std::optional<std::size_t> {
    const auto found = places.find(lookup.key());
    return placed && found != places.end() ? std::optional<std::size_t>(found->second) : std::nullopt;
  };
  const auto written = output::write_enriched(options, **reader, groups, locate);
  for (const std::string& name : entries(work_dir())) {
    if (name != "roster.csv" && name != "out.csv" && name != "out.json") {
      __builtin_trap();  // a temporary file left behind
    }
  }
  if (written) {
    const std::string text = read_file(options.path);
    if (options.format == output::Format::csv) {
      std::vector<std::size_t> columns;
      for (const output::ColumnGroup* group : groups) {
        columns.push_back(group->columns().size());
      }
      check_csv(text, **reader, columns, written->rows, options.formula_guard);
    } else {
      check_json(text, options.format, written->rows);
    }
  }
  std::remove(options.path.c_str());
  return 0;
}
