#include "sim/rng.hpp"

namespace sim {

namespace {

std::uint64_t mix(std::uint64_t z) {
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

}  // namespace

std::uint64_t stable_hash(std::string_view text) {
  std::uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : text) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return mix(h);
}

std::uint64_t Rng::next() {
  m_state += 0x9e3779b97f4a7c15ULL;
  return mix(m_state);
}

double Rng::unit() {
  // The top 53 bits fill a double's mantissa exactly.
  return static_cast<double>(next() >> 11) * 0x1.0p-53;
}

std::int64_t Rng::between(std::int64_t low, std::int64_t high) {
  const auto span = static_cast<std::uint64_t>(high - low) + 1;
  if (span == 0) {  // the full 64-bit range
    return static_cast<std::int64_t>(next());
  }
  return low + static_cast<std::int64_t>(next() % span);
}

bool Rng::chance(double p) {
  if (p <= 0.0) {
    return false;
  }
  if (p >= 1.0) {
    return true;
  }
  return unit() < p;
}

}  // namespace sim
