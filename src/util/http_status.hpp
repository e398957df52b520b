#pragma once

// The standard reason phrases of the HTTP statuses our clients and simulators meet.

#include <string_view>

namespace util {

// "Bad Gateway" for 502; "" for a status it does not know.
std::string_view http_reason_phrase(int status);

}  // namespace util
