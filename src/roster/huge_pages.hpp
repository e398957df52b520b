#pragma once

// Memory for the few large arrays of a RosterIndex (the lookup table, the lookups, the handles),
// in transparent huge pages. They are touched at random or grow by the megabyte, and on the
// benchmark machine (a VM, THP in `madvise` mode) a 4 KiB page fault costs about 11 us: 4 KiB
// pages made page faults the largest cost of indexing a 1,000,000-row roster. A huge page is
// granted only to a 2 MiB-aligned range advised before it is first touched, which malloc cannot
// promise (its large blocks start 16 bytes into a page), hence mmap here. Internal to roster/.

#include <cstddef>
#include <memory>
#include <new>

namespace roster {

inline constexpr std::size_t k_huge_page_bytes = 2 * 1024 * 1024;

// `bytes` of zero-filled memory. From `k_huge_page_bytes` up: mapped on its own, 2 MiB-aligned,
// advised for huge pages (a hint: without THP it is plain pages). Smaller: from calloc. Throws
// std::bad_alloc when there is no memory.
void* allocate_zeroed(std::size_t bytes);
// Frees what allocate_zeroed(bytes) returned, given the same `bytes`.
void free_zeroed(void* data, std::size_t bytes) noexcept;

// A unique_ptr deleter for a block from allocate_zeroed(bytes).
struct FreeZeroed {
  std::size_t bytes = 0;
  void operator()(void* data) const noexcept { free_zeroed(data, bytes); }
};

// A std::vector allocator over allocate_zeroed, for arrays that may grow large.
template <class T>
struct ZeroedAllocator {
  using value_type = T;
  ZeroedAllocator() = default;
  template <class U>
  ZeroedAllocator(const ZeroedAllocator<U>&) noexcept {}
  T* allocate(std::size_t count) {
    if (count > static_cast<std::size_t>(-1) / sizeof(T)) {
      throw std::bad_array_new_length();
    }
    return static_cast<T*>(allocate_zeroed(count * sizeof(T)));
  }
  void deallocate(T* data, std::size_t count) noexcept { free_zeroed(data, count * sizeof(T)); }
  template <class U>
  bool operator==(const ZeroedAllocator<U>&) const noexcept {
    return true;
  }
};

// A fixed-size array over allocate_zeroed, freed with the size it was allocated with.
template <class T>
using ZeroedArray = std::unique_ptr<T[], FreeZeroed>;

// `count` zero-filled elements (T must be valid as all-zero bytes, such as an integer or a char).
template <class T>
ZeroedArray<T> allocate_zeroed_array(std::size_t count) {
  return ZeroedArray<T>(ZeroedAllocator<T>().allocate(count), FreeZeroed{count * sizeof(T)});
}

}  // namespace roster
