// LookupTable: open addressing with linear probing, load factor at most 1/2. A slot keeps the
// high 32 bits of the hash, which also choose its position, so growing never reads the lookups.

#include "roster/roster.hpp"

namespace roster {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

std::uint64_t hash_of(core::Platform platform, std::string_view handle) {
  std::uint64_t hash = 0xcbf29ce484222325ULL ^ static_cast<std::uint64_t>(platform);  // FNV-1a
  for (const char c : handle) {
    hash = (hash ^ static_cast<unsigned char>(lower(c))) * 0x100000001b3ULL;
  }
  return hash ^ (hash >> 29);
}

bool same(const UniqueLookup& lookup, core::Platform platform, std::string_view handle) {
  if (lookup.platform != platform || lookup.handle.size() != handle.size()) {
    return false;
  }
  for (std::size_t i = 0; i < handle.size(); ++i) {
    if (lower(lookup.handle[i]) != lower(handle[i])) {
      return false;
    }
  }
  return true;
}

constexpr std::uint64_t k_index_mask = 0xFFFFFFFFULL;

}  // namespace

std::optional<std::size_t> LookupTable::find(const std::vector<UniqueLookup>& lookups, core::Platform platform,
                                             std::string_view handle) const {
  if (m_slots.empty()) {
    return std::nullopt;
  }
  const std::uint64_t hash = hash_of(platform, handle);
  const std::uint64_t tag = hash & ~k_index_mask;
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = (hash >> 32) & mask;; i = (i + 1) & mask) {
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

std::pair<std::size_t, bool> LookupTable::insert(const std::vector<UniqueLookup>& lookups, core::Platform platform,
                                                 std::string_view handle) {
  if ((m_size + 1) * 2 > m_slots.size()) {
    grow();
  }
  const std::uint64_t hash = hash_of(platform, handle);
  const std::uint64_t tag = hash & ~k_index_mask;
  const std::size_t mask = m_slots.size() - 1;
  for (std::size_t i = (hash >> 32) & mask;; i = (i + 1) & mask) {
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

void LookupTable::grow() {
  std::vector<std::uint64_t> old = std::move(m_slots);
  m_slots.assign(old.empty() ? 64 : old.size() * 2, 0);
  const std::size_t mask = m_slots.size() - 1;
  for (const std::uint64_t slot : old) {
    if (slot == 0) {
      continue;
    }
    std::size_t i = (slot >> 32) & mask;
    while (m_slots[i] != 0) {
      i = (i + 1) & mask;
    }
    m_slots[i] = slot;
  }
}

}  // namespace roster
