#include "creatorscore/types.hpp"

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

}  // namespace creatorscore
