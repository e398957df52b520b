#include "sim/creatoraudit/problems.hpp"

#include "util/http_status.hpp"
#include "util/text.hpp"

namespace sim::audit {

namespace {

std::string_view title_of(int status) {
  const std::string_view reason = util::http_reason_phrase(status);
  return reason.empty() ? std::string_view("Internal Server Error") : reason;
}

// The media type of a header value: before any ';', trimmed, lower case.
std::string media_type(std::string_view value) {
  return util::to_lower(util::trim(value.substr(0, value.find(';'))));
}

// True when a media range's parameters say q=0 (the client refuses it).
bool refused(std::string_view range) {
  for (const std::string& parameter : util::split(range, ';')) {
    const std::string text = util::to_lower(util::trim(parameter));
    if (text.starts_with("q=")) {
      const std::string value = text.substr(2);
      return value.find_first_not_of("0.") == std::string::npos;
    }
  }
  return false;
}

}  // namespace

SimResponse data_response(int status, const Json& data) {
  return json_response(status, Json{{"data", data}});
}

SimResponse problem_response(int status, std::string_view code, std::string_view detail,
                             std::string_view request_id, const std::vector<FieldError>& errors) {
  Json body = Json::object();
  std::string slug = util::to_lower(code);
  for (char& c : slug) {
    c = c == '_' ? '-' : c;
  }
  body["type"] = "https://api.creatoraudit.com/problems/" + slug;
  body["title"] = title_of(status);
  body["status"] = status;
  body["detail"] = detail;
  body["code"] = code;
  body["request_id"] = request_id;
  if (!errors.empty()) {
    Json list = Json::array();
    for (const FieldError& error : errors) {
      list.push_back(Json{{"field", error.field}, {"message", error.message}});
    }
    body["errors"] = std::move(list);
  }
  SimResponse response;
  response.status = status;
  response.headers.emplace_back("Content-Type", "application/problem+json");
  response.body = dump_json(body);
  return response;
}

bool accepts_json(std::string_view accept) {
  if (util::trim(accept).empty()) {
    return true;
  }
  for (const std::string& range : util::split(accept, ',')) {
    const std::string type = media_type(range);
    const bool json = type == "application/json" || type == "application/problem+json" ||
                      type == "application/*" || type == "*/*" || type.ends_with("+json");
    if (json && !refused(range)) {
      return true;
    }
  }
  return false;
}

bool is_json_content_type(std::string_view content_type) {
  return media_type(content_type) == "application/json";
}

}  // namespace sim::audit
