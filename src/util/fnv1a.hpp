#pragma once

// 64-bit FNV-1a (http://www.isthe.com/chongo/tech/comp/fnv/), fed in pieces: a file's bytes hashed
// as they are copied give the same value as the whole text hashed at once.

#include <cstdint>
#include <cstdio>
#include <string>
#include <string_view>

namespace util {

class Fnv1a64 {
 public:
  void add(std::string_view bytes) {
    for (const char c : bytes) {
      m_hash ^= static_cast<unsigned char>(c);
      m_hash *= 0x100000001b3ULL;
    }
  }
  std::uint64_t value() const { return m_hash; }
  // 16 lower-case hex digits.
  std::string hex() const {
    char text[17];
    std::snprintf(text, sizeof text, "%016llx", static_cast<unsigned long long>(m_hash));
    return std::string(text, 16);
  }

 private:
  std::uint64_t m_hash = 0xcbf29ce484222325ULL;
};

}  // namespace util
