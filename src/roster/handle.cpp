#include "roster/handle.hpp"

#include "roster/roster.hpp"
#include "util/text.hpp"

namespace roster {

static_assert(k_max_handle_chars == 100, "the reason text below says 100");

std::string_view strip_handle(std::string_view cell) {
  std::string_view text = util::trim(cell);
  if (!text.empty() && text.front() == '@') {
    text = util::trim(text.substr(1));
  }
  return text;
}

std::string_view handle_problem(std::string_view handle) {
  if (handle.empty()) {
    return "handle is empty";
  }
  std::size_t characters = 0;
  for (std::size_t i = 0; i < handle.size(); ++i) {
    const auto c = static_cast<unsigned char>(handle[i]);
    if ((c & 0xC0) != 0x80) {
      ++characters;  // a code point starts here (input is valid UTF-8)
    }
    if (c == ' ') {
      return "handle contains a space";
    }
    if (c == '/' || c == '\\') {
      return "handle contains a slash";
    }
    if (c < 0x20 || c == 0x7F) {
      return c == '\t' ? "handle contains a space" : "handle contains a control character";
    }
    if (c == 0xC2 && i + 1 < handle.size()) {
      const auto next = static_cast<unsigned char>(handle[i + 1]);
      if (next == 0xA0) {
        return "handle contains a space";  // U+00A0 NO-BREAK SPACE, common in pasted text
      }
      if (next >= 0x80 && next <= 0x9F) {
        return "handle contains a control character";  // C1 controls
      }
    }
  }
  if (characters > k_max_handle_chars) {
    return "handle is longer than 100 characters";
  }
  return {};
}

std::optional<core::Platform> platform_from_cell(std::string_view cell) {
  const std::string_view name = util::trim(cell);
  if (util::equals_ignoring_case(name, "twitter")) {
    return core::Platform::x;
  }
  for (const core::Platform platform : core::k_all_platforms) {
    if (util::equals_ignoring_case(name, core::platform_name(platform))) {
      return platform;
    }
  }
  return std::nullopt;
}

}  // namespace roster
