#pragma once

// What `roster-enrich quote` prints: what a roster will cost before anything is spent.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/platform.hpp"
#include "creatorscore/types.hpp"
#include "roster/roster.hpp"

namespace output {

struct QuoteReport {
  std::string roster;  // as the user named it
  std::string layout;
  char delimiter = ',';
  std::size_t rows = 0;
  std::size_t invalid_rows = 0;
  std::size_t unique = 0;
  std::size_t duplicates = 0;
  std::vector<roster::InvalidRow> first_invalid;  // at most 20
  std::map<core::Platform, std::size_t> unique_by_platform;
  std::map<core::Platform, std::int64_t> worst_case_by_platform;
  std::int64_t worst_case_total = 0;
  bool pricing_from_account = false;
  std::optional<std::int64_t> balance;
  std::string balance_note;  // why there is no balance, e.g. no key
};

// Counts and worst-case credits (every lookup fresh at `pricing`) from a roster's first pass.
QuoteReport make_quote(const roster::RosterIndex& index, const std::string& roster_name,
                       const creatorscore::Pricing& pricing);

std::string quote_text(const QuoteReport& report);
std::string quote_json(const QuoteReport& report);

}  // namespace output
