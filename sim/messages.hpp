#pragma once

// Requests and responses as the simulator model sees them: plain values, no sockets. Also the small
// HTTP helpers the model's endpoints share (percent-decoding, query strings, JSON and error bodies).

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "sim/payloads.hpp"
#include "util/clock.hpp"

namespace sim {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct SimRequest {
  std::string method;  // "GET", "POST", ... (compared exactly, upper case)
  // The request target as sent: path plus optional ?query, still percent-encoded, e.g.
  // `/api/v1/creators/tiktok/Foo%20?include=narrative`.
  std::string target;
  Headers headers;  // names compared case-insensitively
  std::string body;
};

struct SimResponse {
  int status = 200;
  Headers headers;  // always Content-Type; Retry-After on 429
  std::string body;
  // The adapter must cut the connection without a complete response (send part of `body` at most).
  bool drop_connection = false;
  // Real time the adapter waits before answering (fault_slow); zero otherwise.
  util::Duration delay{0};
  // fault_huge_body: when non-zero, the adapter sends `body` as a prefix, then filler, then
  // `body_suffix`, this many bytes in all, generated as it is sent (never held in memory); chunked
  // unless `streamed_sized`, when it announces the Content-Length.
  std::size_t streamed_size = 0;
  std::string body_suffix;
  bool streamed_sized = false;

  // The first header named `name` (case-insensitive), or empty.
  std::string header(std::string_view name) const;
};

// The value of the first header named `name` in `headers` (case-insensitive), or nullopt.
std::optional<std::string> find_header(const Headers& headers, std::string_view name);

// Decodes %XX escapes (a malformed escape stays as written); `plus_is_space` for query strings.
std::string percent_decode(std::string_view text, bool plus_is_space);

// `a=1&b=x%20y` -> {{"a","1"},{"b","x y"}}, in order, names and values decoded.
std::vector<std::pair<std::string, std::string>> parse_query(std::string_view query);

// Compact JSON; invalid UTF-8 in strings (echoed input) becomes U+FFFD instead of throwing.
std::string dump_json(const Json& value);

// A JSON response with Content-Type application/json.
SimResponse json_response(int status, const Json& body);

// The API's error shape `{"error": code, "message": text}`.
SimResponse error_response(int status, std::string_view code, std::string_view message);

}  // namespace sim
