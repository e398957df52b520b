#pragma once

// Transparent huge pages for the few large arrays of a RosterIndex. They are touched at random (the
// lookup table, and the lookups it points to), and on the benchmark machine (a VM, THP in
// `madvise` mode) 4 KiB pages made page faults and TLB misses the largest cost of indexing a
// 1,000,000-row roster. Internal to roster/.

#include <cstddef>

namespace roster {

inline constexpr std::size_t k_huge_page_bytes = 2 * 1024 * 1024;

// Asks for huge pages on the whole 2 MiB pages inside [data, data + bytes). Only a hint: without
// THP, or for smaller ranges, nothing changes. Call before the memory is first touched.
void advise_huge_pages(void* data, std::size_t bytes);

}  // namespace roster
