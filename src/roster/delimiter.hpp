#pragma once

// Which of `,` `;` TAB `|` separates the fields, guessed from the header line. Internal to roster/.

#include <array>
#include <cstddef>
#include <string_view>

namespace roster {

inline constexpr std::array<char, 4> k_delimiters = {',', ';', '\t', '|'};

// Counts the candidate delimiters outside quotes in the header line, fed in pieces. The line ends
// at the first CR or LF outside quotes; a quoted header cell may span lines.
class DelimiterDetector {
 public:
  // Returns true once the header line has ended; further input is ignored.
  bool feed(std::string_view bytes);
  // The candidate seen most often; ties go to the earlier of `,` `;` TAB `|`; `,` when none.
  char delimiter() const;

 private:
  std::array<std::size_t, 4> m_counts{};
  bool m_in_quotes = false;
  bool m_done = false;
};

}  // namespace roster
