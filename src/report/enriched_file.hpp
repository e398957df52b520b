#pragma once

// Reads back what `run` wrote (CSV, JSON or JSON Lines; long, url or wide layout; with or without
// the CreatorScore and CreatorAudit columns) into one entry per lookup, for `roster-enrich report`
// (man page, REPORT). The CSV is recognised by its column groups' fixed order
// (output/column_group.hpp): a CreatorScore set is `…status, …score, …tier` in a row, a
// CreatorAudit set starts at `…audit_status`.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "core/exit_code.hpp"
#include "util/expected.hpp"

namespace report {

// One lookup of the enriched roster: what the report shows of it.
struct Creator {
  std::size_t row = 0;  // 1-based record number, header excluded
  std::string name;     // the roster's name column (empty when the roster has none)
  std::string platform;
  std::string handle;
  std::string status;  // CreatorScore's status; empty when CreatorScore did not run
  std::optional<double> score;
  std::string tier;
  std::string display_name;
  std::optional<double> followers;
  std::vector<std::string> knockouts;
  std::string error;
  std::string audit_status;  // empty when CreatorAudit did not run
  std::optional<double> engagement_rate;

  // Identifies the same creator across two runs of the same roster.
  std::string key() const;
};

struct Enriched {
  std::string name_column;  // the header of the roster's name column, else of its first column
  std::vector<Creator> creators;
  bool has_scores = false;  // CreatorScore's columns are present
  bool has_audit = false;   // CreatorAudit's columns are present
  bool has_engagement = false;
};

struct ReadError {
  core::ExitCode code = core::ExitCode::roster_unusable;
  std::string message;
};

// `path` may be `-` (standard input). The format comes from the extension (.json, .jsonl, .ndjson,
// .csv, .tsv), else from the first byte (`[` JSON, `{` JSON Lines, else CSV). Errors: cannot be
// opened (66), not an output of `run` (65).
util::Expected<Enriched, ReadError> read_enriched(const std::string& path);

}  // namespace report
