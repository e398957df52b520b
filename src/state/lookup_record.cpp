#include "state/lookup_record.hpp"

#include "util/text.hpp"

namespace state {

std::string lookup_key(core::Platform platform, std::string_view handle) {
  std::string key(core::platform_name(platform));
  key += '\x1f';
  key += util::to_lower(handle);
  return key;
}

}  // namespace state
