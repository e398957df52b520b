#pragma once

// Deterministic randomness for the simulator. std::uniform_*_distribution differ between standard
// libraries, so the simulator draws from its own generator and its own conversions: the same seed
// gives the same job ids, durations and faults everywhere.

#include <cstdint>
#include <string_view>

namespace sim {

// 64-bit FNV-1a of `text`, then a splitmix64 finaliser so that nearby strings spread evenly.
// Stable across runs, builds and platforms; creator payloads and the pre-cached set derive from it.
std::uint64_t stable_hash(std::string_view text);

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for simulation.
class Rng {
 public:
  explicit Rng(std::uint64_t seed) : m_state(seed) {}

  std::uint64_t next();

  // Uniform in [0, 1).
  double unit();

  // Uniform in [`low`, `high`]; `low` <= `high`.
  std::int64_t between(std::int64_t low, std::int64_t high);

  // True with probability `p` (p <= 0 never, p >= 1 always). Draws nothing when p <= 0, so a
  // disabled fault leaves the stream untouched.
  bool chance(double p);

 private:
  std::uint64_t m_state;
};

}  // namespace sim
