#pragma once

// The exit codes of PRODUCT.md, "Exit codes". Scripts depend on these values.

#include <exception>
#include <string>

namespace core {

enum class ExitCode : int {
  ok = 0,                  // every valid row has a score
  some_rows_unscored = 1,  // finished, but rows are invalid, failed, not_found or error
  out_of_credits = 3,      // credits or --max-credits ran out with rows left unsubmitted
  usage = 64,              // bad flag or value
  roster_unusable = 65,    // no header, no usable column, no valid row, not CSV
  roster_unreadable = 66,  // the roster cannot be opened
  api_unavailable = 69,    // the API stayed unavailable after retries
  cannot_write = 73,       // the output or state file cannot be written
  incomplete = 75,         // deadline, interrupted, or state file in use: run again
  key_rejected = 77,       // missing or rejected API key
};

// When several codes apply, the first in this order wins (PRODUCT.md): 64, 66, 65, 77, 69, 73,
// then 3, 75, 1, 0. Returns whichever of `a` and `b` comes first.
ExitCode most_important(ExitCode a, ExitCode b);

// Outside PRODUCT.md's table (sysexits.h), for what escapes every command as an exception.
inline constexpr int k_internal_error = 70;  // EX_SOFTWARE: a bug in roster-enrich
inline constexpr int k_system_error = 71;    // EX_OSERR: the system refused memory or a thread

// Whether such an exception is the system refusing memory (std::bad_alloc) or a thread
// (std::system_error ENOMEM/EAGAIN): a ulimit, a container's cap, or a roster with more unique
// creators than the memory left can index; not a bug.
bool is_out_of_resources(const std::exception& failure);

// What ends a command: thrown where the cause is known, caught once in cli::run, which prints
// `roster-enrich: error: <message>` and returns `code`. The message is one line saying what
// failed, where, and what to do next; it never contains the API key.
class Fatal : public std::exception {
 public:
  Fatal(ExitCode code, std::string message) : m_code(code), m_message(std::move(message)) {}
  ExitCode code() const { return m_code; }
  const char* what() const noexcept override { return m_message.c_str(); }

 private:
  ExitCode m_code;
  std::string m_message;
};

}  // namespace core
