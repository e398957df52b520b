#pragma once

// What `roster-enrich lookup` prints for one creator.

#include <string>

#include "creatorscore/types.hpp"

namespace output {

struct LookupAnswer {
  std::string platform;
  std::string handle;
  std::string status;  // cached, scored, pending, failed, not_found, error, invalid (never sent)
  std::string creator_json;
  std::string job_id;
  std::string error;
  std::optional<long long> eta_seconds;
};

// A few lines for a person: name, score and tier, the seven agents, knockouts, the profile link.
std::string creator_card(const LookupAnswer& answer);

// {"platform","handle","status","creator": verbatim or null,"job_id","error","eta_seconds"}
std::string lookup_json(const LookupAnswer& answer);

}  // namespace output
