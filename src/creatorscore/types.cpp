#include "creatorscore/types.hpp"

#include "util/text.hpp"

namespace creatorscore {

int Pricing::price(core::Platform platform) const {
  const auto it = fresh_credits.find(platform);
  return it != fresh_credits.end() ? it->second : core::default_fresh_price(platform);
}

Pricing Pricing::vendor_table() {
  Pricing pricing;
  for (core::Platform platform : core::k_all_platforms) {
    pricing.fresh_credits[platform] = core::default_fresh_price(platform);
  }
  return pricing;
}

bool is_same_creator(const CreatorIdentity& named, core::Platform platform, std::string_view handle) {
  if (named.platform && core::parse_platform(*named.platform) != platform) {
    return false;
  }
  if (named.handle) {
    std::string_view named_handle = *named.handle;
    if (!named_handle.empty() && named_handle.front() == '@') {
      named_handle.remove_prefix(1);
    }
    return core::lookup_key(platform, named_handle) == core::lookup_key(platform, handle);
  }
  return true;
}

}  // namespace creatorscore
