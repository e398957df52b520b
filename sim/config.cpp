#include "sim/config.hpp"

#include <charconv>
#include <set>

namespace sim {

std::optional<TenantConfig> parse_tenant_spec(std::string_view spec) {
  const auto first = spec.find(':');
  const auto last = spec.rfind(':');
  if (first == std::string_view::npos || first == last) {
    return std::nullopt;
  }
  TenantConfig tenant;
  tenant.key = std::string(spec.substr(0, first));
  tenant.name = std::string(spec.substr(first + 1, last - first - 1));
  const std::string_view balance = spec.substr(last + 1);
  if (tenant.key.empty() || tenant.name.empty() || balance.empty()) {
    return std::nullopt;
  }
  const auto [end, error] = std::from_chars(balance.data(), balance.data() + balance.size(), tenant.balance);
  if (error != std::errc{} || end != balance.data() + balance.size() || tenant.balance < 0) {
    return std::nullopt;
  }
  return tenant;
}

std::string validate_config(const SimConfig& config) {
  if (config.tenants.empty()) {
    return "at least one tenant is needed";
  }
  std::set<std::string> keys;
  for (const TenantConfig& tenant : config.tenants) {
    if (tenant.key.empty()) {
      return "a tenant key is empty";
    }
    if (!keys.insert(tenant.key).second) {
      return "tenant key given twice: " + tenant.key;
    }
    if (tenant.balance < 0) {
      return "a tenant balance is negative";
    }
  }
  if (config.cached_percent < 0 || config.cached_percent > 100) {
    return "cached-percent must be within 0..100";
  }
  if (config.min_job.count() < 0 || config.min_job > config.max_job) {
    return "min-job must be >= 0 and <= max-job";
  }
  if (config.rate_limit < 0) {
    return "rate-limit must be >= 0";
  }
  const auto is_probability = [](double p) { return p >= 0.0 && p <= 1.0; };
  const FaultConfig& f = config.faults;
  if (!is_probability(config.failure_rate) || !is_probability(f.fault_500) || !is_probability(f.fault_503) ||
      !is_probability(f.fault_drop) || !is_probability(f.fault_malformed) || !is_probability(f.fault_slow) ||
      !is_probability(f.fault_huge_body) || !is_probability(f.fault_deep_json) ||
      !is_probability(f.fault_429)) {
    return "probabilities must be within 0..1";
  }
  if (f.slow_delay.count() < 0) {
    return "slow-delay must be >= 0";
  }
  return {};
}

}  // namespace sim
