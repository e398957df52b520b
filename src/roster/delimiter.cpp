#include "roster/delimiter.hpp"

namespace roster {

bool DelimiterDetector::feed(std::string_view bytes) {
  for (const char c : bytes) {
    if (m_done) {
      break;
    }
    if (c == '"') {
      m_in_quotes = !m_in_quotes;  // a doubled quote toggles twice: still right
    } else if (m_in_quotes) {
      continue;
    } else if (c == '\n' || c == '\r') {
      m_done = true;
    } else {
      for (std::size_t i = 0; i < k_delimiters.size(); ++i) {
        if (c == k_delimiters[i]) {
          ++m_counts[i];
        }
      }
    }
  }
  return m_done;
}

char DelimiterDetector::delimiter() const {
  std::size_t best = 0;
  for (std::size_t i = 1; i < k_delimiters.size(); ++i) {
    if (m_counts[i] > m_counts[best]) {
      best = i;
    }
  }
  return k_delimiters[best];
}

}  // namespace roster
