#include "output/column_group.hpp"

#include <nlohmann/json.hpp>

namespace output {

// As nlohmann's compact dump writes a string, so that JSON written as text is what dumping a tree
// would give (unit "a JSON row is the text nlohmann's dump of it would be").
void append_json_string(std::string& out, std::string_view text) {
  out += nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void append_json_string_or_null(std::string& out, std::string_view text) {
  if (text.empty()) {
    out += "null";
  } else {
    append_json_string(out, text);
  }
}

}  // namespace output
