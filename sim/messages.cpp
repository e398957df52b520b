#include "sim/messages.hpp"

#include "util/text.hpp"

namespace sim {

std::string SimResponse::header(std::string_view name) const {
  return find_header(headers, name).value_or(std::string());
}

std::optional<std::string> find_header(const Headers& headers, std::string_view name) {
  const std::string wanted = util::to_lower(name);
  for (const auto& [key, value] : headers) {
    if (util::to_lower(key) == wanted) {
      return value;
    }
  }
  return std::nullopt;
}

std::string percent_decode(std::string_view text, bool plus_is_space) {
  // A malformed escape is kept as written, as lenient servers do; the handle check then rejects it.
  return util::percent_decode(text, plus_is_space).value_or(std::string(text));
}

std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query) {
  std::vector<std::pair<std::string, std::string>> params;
  for (const std::string& part : util::split(query, '&')) {
    if (part.empty()) {
      continue;
    }
    const auto equals = part.find('=');
    const std::string_view name = std::string_view(part).substr(0, equals);
    const std::string_view value =
        equals == std::string::npos ? std::string_view() : std::string_view(part).substr(equals + 1);
    params.emplace_back(percent_decode(name, true), percent_decode(value, true));
  }
  return params;
}

std::string dump_json(const Json& value) {
  return value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

SimResponse json_response(int status, const Json& body) {
  SimResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/json");
  response.body = dump_json(body);
  return response;
}

SimResponse error_response(int status, std::string_view code, std::string_view message) {
  Json body = Json::object();
  body["error"] = code;
  body["message"] = message;
  return json_response(status, body);
}

}  // namespace sim
