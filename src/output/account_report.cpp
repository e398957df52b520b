#include "output/account_report.hpp"

#include <nlohmann/json.hpp>

namespace output {

std::string account_text(const creatorscore::Account& account) {
  std::string out;
  out += "tenant    " + account.tenant_name + " (" + account.tenant_id + ")\n";
  out += "key       " + (account.key_label.empty() ? std::string("(no label)") : account.key_label) +
         (account.key_id.empty() ? "" : " (" + account.key_id + ")") + "\n";
  out += "balance   " + std::to_string(account.balance) + " credits\n";
  out += std::string("pricing   credits per fresh score") +
         (account.pricing.from_account ? "" : " (the vendor's published table: the account sent none)") +
         "; cached scores (under " + std::to_string(account.cache_freshness_days) + " days old) are free\n";
  for (core::Platform platform : core::k_all_platforms) {
    std::string name(core::platform_name(platform));
    if (platform == core::Platform::x) {
      name = "x/twitter";
    }
    out += "          " + name + std::string(12 - std::min<std::size_t>(name.size(), 11), ' ') +
           std::to_string(account.pricing.price(platform)) + "\n";
  }
  return out;
}

std::string account_json(const creatorscore::Account& account) {
  nlohmann::ordered_json pricing = nlohmann::ordered_json::object();
  for (core::Platform platform : core::k_all_platforms) {
    pricing[std::string(core::platform_name(platform))] = account.pricing.price(platform);
  }
  const nlohmann::ordered_json document = {
      {"tenant", {{"id", account.tenant_id}, {"name", account.tenant_name}}},
      {"key",
       {{"id", account.key_id},
        {"label", account.key_label},
        {"created_at", account.key_created_at},
        {"last_used_at", account.key_last_used_at}}},
      {"balance", account.balance},
      {"pricing", pricing},
      {"pricing_source", account.pricing.from_account ? "account" : "vendor_table"},
      {"cache_freshness_days", account.cache_freshness_days},
  };
  return document.dump(2) + "\n";
}

}  // namespace output
