#include "roster/huge_pages.hpp"

#include <sys/mman.h>

#include <cstdint>
#include <cstdlib>

namespace roster {

namespace {

std::size_t whole_pages(std::size_t bytes) { return (bytes + k_huge_page_bytes - 1) & ~(k_huge_page_bytes - 1); }

}  // namespace

void* allocate_zeroed(std::size_t bytes) {
  if (bytes < k_huge_page_bytes) {
    void* const data = std::calloc(bytes == 0 ? 1 : bytes, 1);
    if (data == nullptr) {
      throw std::bad_alloc();
    }
    return data;
  }
  // One huge page more than needed, then the unaligned ends unmapped.
  const std::size_t size = whole_pages(bytes);
  if (size < bytes || size + k_huge_page_bytes < size) {
    throw std::bad_alloc();
  }
  void* const mapped = ::mmap(nullptr, size + k_huge_page_bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
                              -1, 0);
  if (mapped == MAP_FAILED) {
    throw std::bad_alloc();
  }
  const auto begin = reinterpret_cast<std::uintptr_t>(mapped);
  const std::uintptr_t aligned = (begin + k_huge_page_bytes - 1) & ~(k_huge_page_bytes - 1);
  if (aligned > begin) {
    ::munmap(mapped, aligned - begin);
  }
  const std::uintptr_t tail = begin + size + k_huge_page_bytes - (aligned + size);
  if (tail > 0) {
    ::munmap(reinterpret_cast<void*>(aligned + size), tail);
  }
#ifdef MADV_HUGEPAGE
  ::madvise(reinterpret_cast<void*>(aligned), size, MADV_HUGEPAGE);
#endif
  return reinterpret_cast<void*>(aligned);
}

void free_zeroed(void* data, std::size_t bytes) noexcept {
  if (data == nullptr) {
    return;
  }
  if (bytes < k_huge_page_bytes) {
    std::free(data);
  } else {
    ::munmap(data, whole_pages(bytes));
  }
}

}  // namespace roster
