// LookupTable: open addressing with linear probing, load factor at most 1/2. A slot keeps the
// high 32 bits of the hash, which also choose its position, so growing never reads the lookups.

#include <cstdlib>
#include <new>

#include "roster/huge_pages.hpp"
#include "roster/roster.hpp"

namespace roster {

namespace {

char lower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

std::uint64_t LookupTable::hash(core::Platform platform, std::string_view handle) {
  std::uint64_t hash = 0xcbf29ce484222325ULL ^ static_cast<std::uint64_t>(platform);  // FNV-1a
  for (const char c : handle) {
    hash = (hash ^ static_cast<unsigned char>(lower(c))) * 0x100000001b3ULL;
  }
  return hash ^ (hash >> 29);
}

namespace {

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
  if (m_capacity == 0) {
    return std::nullopt;
  }
  const std::uint64_t hash = LookupTable::hash(platform, handle);
  const std::uint64_t tag = hash & ~k_index_mask;
  const std::size_t mask = m_capacity - 1;
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
  return insert(lookups, hash(platform, handle), platform, handle);
}

void LookupTable::prefetch(std::uint64_t hash) const {
  if (m_capacity != 0) {
    __builtin_prefetch(&m_slots[(hash >> 32) & (m_capacity - 1)]);
  }
}

std::pair<std::size_t, bool> LookupTable::insert(const std::vector<UniqueLookup>& lookups, std::uint64_t hash,
                                                 core::Platform platform, std::string_view handle) {
  if ((m_size + 1) * 2 > m_capacity) {
    grow();
  }
  const std::uint64_t tag = hash & ~k_index_mask;
  const std::size_t mask = m_capacity - 1;
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

void LookupTable::FreeSlots::operator()(std::uint64_t* slots) const { std::free(slots); }

void LookupTable::grow() {
  const std::size_t old_capacity = m_capacity;
  const std::size_t capacity = old_capacity == 0 ? 64 : old_capacity * 2;
  std::unique_ptr<std::uint64_t[], FreeSlots> old = std::move(m_slots);
  m_slots.reset(static_cast<std::uint64_t*>(std::calloc(capacity, sizeof(std::uint64_t))));
  if (!m_slots) {
    throw std::bad_alloc();
  }
  advise_huge_pages(m_slots.get(), capacity * sizeof(std::uint64_t));
  m_capacity = capacity;
  // Old slots in order land in two ascending runs of the new table (a slot's position gains one
  // bit), so rehashing streams through memory rather than missing the cache per slot.
  const std::size_t mask = capacity - 1;
  for (std::size_t j = 0; j < old_capacity; ++j) {
    const std::uint64_t slot = old[j];
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
