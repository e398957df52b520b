#pragma once

// API values as the text a person reads in a cell or a card: strings without their quotes, null
// as nothing, numbers, booleans, arrays and objects as compact JSON (`12`, `0.5`, `true`).

#include <nlohmann/json.hpp>
#include <string>

namespace output {

std::string json_text(const nlohmann::json& value);

}  // namespace output
