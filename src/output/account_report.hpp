#pragma once

// What `roster-enrich account` prints: text for people, JSON for scripts.

#include <string>

#include "creatorscore/types.hpp"

namespace output {

std::string account_text(const creatorscore::Account& account);

// {"tenant":{"id","name"},"key":{"id","label","created_at","last_used_at"},"balance":N,
//  "pricing":{"tiktok":1,...},"pricing_source":"account"|"vendor_table","cache_freshness_days":30}
std::string account_json(const creatorscore::Account& account);

}  // namespace output
