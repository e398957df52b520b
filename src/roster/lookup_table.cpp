// LookupTable: open addressing with linear probing, load factor at most 2/3. A slot keeps the
// high 32 bits of the hash, which also choose its position (scaled to the capacity, which need not
// be a power of two), so growing never reads the lookups.

#include <algorithm>
#include <cstring>

#include "roster/huge_pages.hpp"
#include "roster/roster.hpp"
#include "util/text.hpp"

namespace roster {

namespace {

// Handles are hashed and compared eight bytes at a time, ASCII-lower-cased in a register: a
// byte at a time (FNV-1a before) cost more than reading the row they came from.
using util::load_word;
using util::ascii_lower_word;
using util::load_half_word;

std::uint64_t mix(std::uint64_t hash, std::uint64_t word) {
  return ((hash << 5 | hash >> 59) ^ word) * 0x517cc1b727220a95ULL;
}

}  // namespace

std::uint64_t LookupTable::hash(core::Platform platform, std::string_view handle) {
  const char* const bytes = handle.data();
  const std::size_t size = handle.size();
  std::uint64_t hash = mix(static_cast<std::uint64_t>(platform), size);
  if (size >= 8) {
    // Whole words, then the last eight bytes (overlapping the previous word unless size % 8 == 0).
    for (std::size_t i = 0; i + 8 < size; i += 8) {
      hash = mix(hash, ascii_lower_word(load_word(bytes + i)));
    }
    hash = mix(hash, ascii_lower_word(load_word(bytes + size - 8)));
  } else if (size >= 4) {
    hash = mix(hash, ascii_lower_word(load_half_word(bytes) | load_half_word(bytes + size - 4) << 32));
  } else if (size > 0) {
    const auto byte = [&](std::size_t i) { return static_cast<std::uint64_t>(static_cast<unsigned char>(bytes[i])); };
    hash = mix(hash, ascii_lower_word(byte(0) | byte(size / 2) << 8 | byte(size - 1) << 16));
  }
  // murmur3's finaliser: every input bit reaches the high 32 bits, which place and tag a slot.
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdULL;
  hash ^= hash >> 33;
  hash *= 0xc4ceb9fe1a85ec53ULL;
  return hash ^ (hash >> 33);
}

namespace {

bool same(const UniqueLookup& lookup, core::Platform platform, std::string_view handle) {
  const std::string_view known = lookup.handle();
  if (lookup.platform() != platform || known.size() != handle.size()) {
    return false;
  }
  std::size_t i = 0;
  for (; i + 8 <= handle.size(); i += 8) {
    if (ascii_lower_word(load_word(known.data() + i)) != ascii_lower_word(load_word(handle.data() + i))) {
      return false;
    }
  }
  return util::equals_ignoring_case(known.substr(i), handle.substr(i));
}

constexpr std::uint64_t k_index_mask = 0xFFFFFFFFULL;

}  // namespace

std::optional<std::size_t> LookupTable::find(const UniqueLookups& lookups, core::Platform platform,
                                             std::string_view handle) const {
  if (m_capacity == 0) {
    return std::nullopt;
  }
  const std::uint64_t hash = LookupTable::hash(platform, handle);
  const std::uint64_t tag = hash & ~k_index_mask;
  for (std::size_t i = home(hash);; i = next(i)) {
    const std::uint64_t slot = m_slots[i];
    if (slot == 0) {
      return std::nullopt;
    }
    if ((slot & ~k_index_mask) == tag) {
      const std::size_t index = (slot & k_index_mask) - 1;
      if (index < lookups.size() && same(lookups[index], platform, handle)) {
        return index;
      }
    }
  }
}

std::pair<std::size_t, bool> LookupTable::insert(const UniqueLookups& lookups, core::Platform platform,
                                                 std::string_view handle) {
  return insert(lookups, hash(platform, handle), platform, handle);
}

std::optional<std::size_t> LookupTable::likely_match(std::uint64_t hash) const {
  if (m_capacity == 0) {
    return std::nullopt;
  }
  const std::uint64_t slot = m_slots[home(hash)];
  if (slot == 0 || (slot & ~k_index_mask) != (hash & ~k_index_mask)) {
    return std::nullopt;
  }
  return (slot & k_index_mask) - 1;
}

std::pair<std::size_t, bool> LookupTable::insert(const UniqueLookups& lookups, std::uint64_t hash,
                                                 core::Platform platform, std::string_view handle) {
  if ((m_size + 1) * 3 > m_capacity * 2) {
    grow(m_capacity == 0 ? 64 : m_capacity * 2);
  }
  const std::uint64_t tag = hash & ~k_index_mask;
  for (std::size_t i = home(hash);; i = next(i)) {
    const std::uint64_t slot = m_slots[i];
    if (slot == 0) {
      const std::size_t index = lookups.size();
      m_slots[i] = tag | (static_cast<std::uint64_t>(index) + 1);
      ++m_size;
      return {index, true};
    }
    if ((slot & ~k_index_mask) == tag) {
      const std::size_t index = (slot & k_index_mask) - 1;
      if (index < lookups.size() && same(lookups[index], platform, handle)) {
        return {index, false};
      }
    }
  }
}

void LookupTable::reserve(std::size_t lookups) {
  // Two thirds full at most, in whole huge pages once that large: 1,000,000 lookups take 12 MB
  // rather than the 16 MB of the power of two at most half full this used before. On the
  // benchmark VM fresh memory is what costs most in half the runs (BENCHMARKS.md).
  constexpr std::size_t k_slots_per_huge_page = k_huge_page_bytes / sizeof(std::uint64_t);
  std::size_t capacity = std::max<std::size_t>(64, lookups + lookups / 2 + 1);
  if (capacity >= k_slots_per_huge_page) {
    capacity = (capacity + k_slots_per_huge_page - 1) / k_slots_per_huge_page * k_slots_per_huge_page;
  }
  if (capacity > m_capacity) {
    grow(capacity);
  }
}

void LookupTable::grow(std::size_t capacity) {
  const std::size_t old_capacity = m_capacity;
  const ZeroedArray<std::uint64_t> old = std::move(m_slots);
  m_slots = allocate_zeroed_array<std::uint64_t>(capacity);
  m_capacity = capacity;
  // A slot's position grows with its tag, so old slots taken in order land in nearly ascending
  // order in the new table: rehashing streams through memory rather than missing the cache per slot.
  for (std::size_t j = 0; j < old_capacity; ++j) {
    const std::uint64_t slot = old[j];
    if (slot == 0) {
      continue;
    }
    std::size_t i = home(slot);
    while (m_slots[i] != 0) {
      i = next(i);
    }
    m_slots[i] = slot;
  }
}

}  // namespace roster
