#pragma once

// What the report shows, computed from an enriched roster (report/enriched_file.hpp): the
// headline counts, tier distribution, score histogram, knockouts, platforms, best and worst, the
// CreatorAudit quadrants, and what changed since a previous run. No HTML here (html_report.hpp).

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "report/enriched_file.hpp"

namespace report {

// Safe: scored 65 or more (the `Good` tier and above) with no knockout. Engaging: engagement rate
// at or above the roster's median. Documented in the man page (REPORT).
enum class Quadrant { none, safe_engaging, safe_quiet, risky_engaging, risky_quiet };
std::string quadrant_name(Quadrant quadrant);
inline constexpr double k_safe_score = 65;

struct PlatformScores {
  std::string platform;
  std::size_t count = 0;
  double min = 0, max = 0, mean = 0;
};

struct Summary {
  std::size_t rows = 0;
  std::size_t creators = 0;                      // distinct creators (a roster may name one twice)
  std::map<std::string, std::size_t> by_status;  // scored, cached, failed, invalid, pending, …
  long long credits_spent = 0;                   // fresh scores at the list price (core/platform.hpp)
  std::vector<std::pair<std::string, std::size_t>> tiers;  // best tier first, then by count
  std::array<std::size_t, 10> histogram{};                 // scores 1–10, 11–20, …, 91–100
  std::size_t with_knockouts = 0;
  std::vector<std::pair<std::string, std::vector<std::size_t>>> knockouts;  // most frequent first
  std::vector<PlatformScores> platforms;
  std::vector<std::size_t> best;    // indexes into creators, highest score first (≤ 10)
  std::vector<std::size_t> worst;   // lowest first (≤ 10)
  std::vector<Quadrant> quadrants;  // one per creator
  std::optional<double> median_engagement;
};

Summary summarize(const Enriched& enriched);

struct Change {
  std::string key;
  const Creator* before = nullptr;  // null: added
  const Creator* after = nullptr;   // null: removed
  std::vector<std::string> knockouts_appeared;
  std::vector<std::string> knockouts_cleared;
  bool score_changed() const;
  bool tier_changed() const;
};

// Creators whose score, tier or knockouts changed, were added or removed, in the current run's order
// (removed ones last). Unchanged creators are left out.
std::vector<Change> compare(const Enriched& previous, const Enriched& current);

}  // namespace report
