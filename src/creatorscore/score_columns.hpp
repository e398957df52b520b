#pragma once

// CreatorScore's columns of the enriched roster (PRODUCT.md's "Output", the man page's OUTPUT):
// status, score, tier, the agent scores, knockouts, display name, followers, last scored time,
// profile link, error and job id, then the --include fields, each decoded from the lookup's stored
// creator payload. JSON: the lookup's `status`, `creator` (the payload, keys sorted), `error` and
// `job_id`.

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "output/column_group.hpp"
#include "state/lookup_record.hpp"

namespace creatorscore {

class ScoreColumns final : public output::ColumnGroup {
 public:
  // `records` by roster lookup index (roster::RosterIndex::lookups); they must outlive the group.
  ScoreColumns(const std::vector<state::LookupRecord>& records, std::vector<std::string> include);

  std::vector<std::string> columns() const override;
  std::string collision_prefix() const override { return "cs_"; }
  std::vector<output::Cell> cells(const roster::CellLookup& cell,
                                  std::optional<std::size_t> lookup) const override;
  std::vector<output::Cell> cells_of_unnamed_row() const override;
  std::string json_members(const roster::CellLookup& cell, std::optional<std::size_t> lookup) const override;

 private:
  const std::vector<state::LookupRecord>& m_records;
  std::vector<std::string> m_include;
};

}  // namespace creatorscore
