#include "sim/messages.hpp"

#include "util/text.hpp"

namespace sim {

namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') {
    return c - '0';
  }
  if (c >= 'a' && c <= 'f') {
    return c - 'a' + 10;
  }
  if (c >= 'A' && c <= 'F') {
    return c - 'A' + 10;
  }
  return -1;
}

}  // namespace

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
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '%' && i + 2 < text.size()) {
      const int high = hex_value(text[i + 1]);
      const int low = hex_value(text[i + 2]);
      if (high >= 0 && low >= 0) {
        out += static_cast<char>(high * 16 + low);
        i += 2;
        continue;
      }
    }
    out += (plus_is_space && c == '+') ? ' ' : c;
  }
  return out;
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
