#include "output/creator_card.hpp"

#include <nlohmann/json.hpp>

#include "output/json_text.hpp"

namespace output {

namespace {

using nlohmann::json;

}  // namespace

std::string creator_card(const LookupAnswer& answer) {
  std::string out = answer.platform + "/" + answer.handle + ": " + answer.status + "\n";
  if (!answer.job_id.empty()) {
    out += "  job          " + answer.job_id + "\n";
  }
  if (answer.eta_seconds) {
    out += "  eta          " + std::to_string(*answer.eta_seconds) + " s\n";
  }
  if (!answer.error.empty()) {
    out += "  error        " + answer.error + "\n";
  }
  const json creator = json::parse(answer.creator_json, nullptr, false);
  if (!creator.is_object()) {
    return out;
  }
  out += "  name         " + json_text(creator.value("display_name", json())) + "\n";
  out += "  score        " + json_text(creator.value("score", json())) + " (" + json_text(creator.value("tier", json())) +
         ")\n";
  out += "  followers    " + json_text(creator.value("followers", json())) + "\n";
  const json agents = creator.value("agents", json::object());
  if (agents.is_object()) {
    for (const auto& [name, value] : agents.items()) {
      std::string label = "  " + name;
      label.resize(20, ' ');
      out += label + json_text(value) + "\n";
    }
  }
  const json knockouts = creator.value("knockouts", json::array());
  if (knockouts.is_array() && !knockouts.empty()) {
    out += "  knockouts    ";
    for (std::size_t i = 0; i < knockouts.size(); ++i) {
      out += (i > 0 ? "; " : "") + json_text(knockouts[i]);
    }
    out += "\n";
  }
  out += "  scored at    " + json_text(creator.value("last_scored_at", json())) + "\n";
  out += "  profile      " + json_text(creator.value("public_profile_url", json())) + "\n";
  for (const char* extra : {"narrative", "velocity", "risk_flags", "detailed_analysis"}) {
    if (creator.contains(extra)) {
      std::string label = std::string("  ") + extra;
      label.resize(15, ' ');
      out += label + json_text(creator[extra]) + "\n";
    }
  }
  return out;
}

std::string lookup_json(const LookupAnswer& answer) {
  json creator = json::parse(answer.creator_json, nullptr, false);
  if (creator.is_discarded()) {
    creator = nullptr;
  }
  nlohmann::ordered_json document = {
      {"platform", answer.platform},
      {"handle", answer.handle},
      {"status", answer.status},
      {"creator", creator},
      {"job_id", answer.job_id.empty() ? json() : json(answer.job_id)},
      {"error", answer.error.empty() ? json() : json(answer.error)},
      {"eta_seconds", answer.eta_seconds ? json(*answer.eta_seconds) : json()},
  };
  return document.dump() + "\n";
}

}  // namespace output
