#include "roster/huge_pages.hpp"

#include <sys/mman.h>

#include <cstdint>

namespace roster {

void advise_huge_pages(void* data, std::size_t bytes) {
#ifdef MADV_HUGEPAGE
  const auto begin = reinterpret_cast<std::uintptr_t>(data);
  const std::uintptr_t first = (begin + k_huge_page_bytes - 1) & ~(k_huge_page_bytes - 1);
  const std::uintptr_t last = (begin + bytes) & ~(k_huge_page_bytes - 1);
  if (last > first) {
    ::madvise(reinterpret_cast<void*>(first), last - first, MADV_HUGEPAGE);
  }
#else
  (void)data;
  (void)bytes;
#endif
}

}  // namespace roster
