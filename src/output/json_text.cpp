#include "output/json_text.hpp"

namespace output {

std::string json_text(const nlohmann::json& value) {
  if (value.is_null()) {
    return "";
  }
  if (value.is_string()) {
    return value.get<std::string>();
  }
  return value.dump();
}

}  // namespace output
