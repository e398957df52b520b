#include "report/report_model.hpp"

#include <algorithm>
#include <set>
#include <unordered_map>

#include "core/platform.hpp"

namespace report {

namespace {

int tier_rank(const std::string& tier) {
  static const std::vector<std::string> k_order = {"Excellent", "Good", "Fair", "Poor"};
  const auto found = std::find(k_order.begin(), k_order.end(), tier);
  return found == k_order.end() ? static_cast<int>(k_order.size())
                                : static_cast<int>(found - k_order.begin());
}

bool has_score(const Creator& creator) { return creator.score.has_value(); }

}  // namespace

std::string quadrant_name(Quadrant quadrant) {
  switch (quadrant) {
    case Quadrant::safe_engaging:
      return "safe and engaging";
    case Quadrant::safe_quiet:
      return "safe and quiet";
    case Quadrant::risky_engaging:
      return "risky and engaging";
    case Quadrant::risky_quiet:
      return "risky and quiet";
    case Quadrant::none:
      break;
  }
  return "";
}

Summary summarize(const Enriched& enriched) {
  Summary summary;
  const std::vector<Creator>& creators = enriched.creators;
  std::set<std::size_t> rows;
  std::set<std::string> keys;
  std::map<std::string, std::size_t> tiers;
  std::map<std::string, std::vector<std::size_t>> knockouts;
  std::map<std::string, PlatformScores> platforms;
  std::vector<std::size_t> scored;
  std::vector<double> rates;
  for (std::size_t i = 0; i < creators.size(); ++i) {
    const Creator& creator = creators[i];
    rows.insert(creator.row);
    keys.insert(creator.key());
    if (!creator.status.empty()) {
      ++summary.by_status[creator.status];
    }
    if (creator.status == "scored") {
      if (auto platform = core::parse_platform(creator.platform)) {
        summary.credits_spent += core::default_fresh_price(*platform);
      }
    }
    if (!creator.tier.empty()) {
      ++tiers[creator.tier];
    }
    if (has_score(creator)) {
      scored.push_back(i);
      const double score = std::clamp(*creator.score, 1.0, 100.0);
      ++summary.histogram[std::min<std::size_t>(9, static_cast<std::size_t>((score - 1) / 10))];
      PlatformScores& platform = platforms[creator.platform.empty() ? "(unknown)" : creator.platform];
      platform.min = platform.count == 0 ? *creator.score : std::min(platform.min, *creator.score);
      platform.max = platform.count == 0 ? *creator.score : std::max(platform.max, *creator.score);
      platform.mean += *creator.score;
      ++platform.count;
    }
    if (!creator.knockouts.empty()) {
      ++summary.with_knockouts;
      for (const std::string& knockout :
           std::set<std::string>(creator.knockouts.begin(), creator.knockouts.end())) {
        knockouts[knockout].push_back(i);
      }
    }
    if (creator.engagement_rate) {
      rates.push_back(*creator.engagement_rate);
    }
  }
  summary.rows = rows.size();
  summary.creators = keys.size();
  summary.tiers.assign(tiers.begin(), tiers.end());
  std::stable_sort(summary.tiers.begin(), summary.tiers.end(), [](const auto& a, const auto& b) {
    return tier_rank(a.first) != tier_rank(b.first) ? tier_rank(a.first) < tier_rank(b.first)
                                                    : a.second > b.second;
  });
  summary.knockouts.assign(knockouts.begin(), knockouts.end());
  std::stable_sort(summary.knockouts.begin(), summary.knockouts.end(),
                   [](const auto& a, const auto& b) { return a.second.size() > b.second.size(); });
  for (auto& [name, platform] : platforms) {
    platform.platform = name;
    platform.mean /= static_cast<double>(platform.count);
    summary.platforms.push_back(platform);
  }
  std::stable_sort(scored.begin(), scored.end(),
                   [&](std::size_t a, std::size_t b) { return *creators[a].score > *creators[b].score; });
  summary.best.assign(scored.begin(),
                      scored.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(10, scored.size())));
  std::stable_sort(scored.begin(), scored.end(),
                   [&](std::size_t a, std::size_t b) { return *creators[a].score < *creators[b].score; });
  summary.worst.assign(
      scored.begin(), scored.begin() + static_cast<std::ptrdiff_t>(std::min<std::size_t>(10, scored.size())));
  if (!rates.empty()) {
    std::sort(rates.begin(), rates.end());
    summary.median_engagement = rates.size() % 2 == 1
                                    ? rates[rates.size() / 2]
                                    : (rates[rates.size() / 2 - 1] + rates[rates.size() / 2]) / 2;
  }
  summary.quadrants.assign(creators.size(), Quadrant::none);
  for (std::size_t i = 0; i < creators.size() && summary.median_engagement; ++i) {
    const Creator& creator = creators[i];
    if (!creator.score || !creator.engagement_rate) {
      continue;
    }
    const bool safe = *creator.score >= k_safe_score && creator.knockouts.empty();
    const bool engaging = *creator.engagement_rate >= *summary.median_engagement;
    summary.quadrants[i] = safe ? (engaging ? Quadrant::safe_engaging : Quadrant::safe_quiet)
                                : (engaging ? Quadrant::risky_engaging : Quadrant::risky_quiet);
  }
  return summary;
}

bool Change::score_changed() const {
  return before != nullptr && after != nullptr && before->score != after->score;
}

bool Change::tier_changed() const {
  return before != nullptr && after != nullptr && before->tier != after->tier;
}

std::vector<Change> compare(const Enriched& previous, const Enriched& current) {
  std::unordered_map<std::string, const Creator*> before;
  for (const Creator& creator : previous.creators) {
    before.emplace(creator.key(), &creator);
  }
  std::set<std::string> seen;
  std::vector<Change> changes;
  for (const Creator& creator : current.creators) {
    const std::string key = creator.key();
    if (!seen.insert(key).second) {
      continue;
    }
    Change change{key, nullptr, &creator, {}, {}};
    if (const auto found = before.find(key); found != before.end()) {
      change.before = found->second;
      const std::set<std::string> old_set(found->second->knockouts.begin(), found->second->knockouts.end());
      const std::set<std::string> new_set(creator.knockouts.begin(), creator.knockouts.end());
      std::set_difference(new_set.begin(), new_set.end(), old_set.begin(), old_set.end(),
                          std::back_inserter(change.knockouts_appeared));
      std::set_difference(old_set.begin(), old_set.end(), new_set.begin(), new_set.end(),
                          std::back_inserter(change.knockouts_cleared));
      if (!change.score_changed() && !change.tier_changed() && change.knockouts_appeared.empty() &&
          change.knockouts_cleared.empty()) {
        continue;
      }
    }
    changes.push_back(std::move(change));
  }
  for (const Creator& creator : previous.creators) {
    const std::string key = creator.key();
    if (seen.insert(key).second) {
      changes.push_back(Change{key, &creator, nullptr, {}, {}});
    }
  }
  return changes;
}

}  // namespace report
