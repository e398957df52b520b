#pragma once

// A folder of the fuzzer's own for the files a target writes (rosters, outputs, state files),
// made once per process under TMPDIR (run_fuzz.sh points it into its work folder or tmpfs, and
// removes it).

#include <stdlib.h>

#include <cstdlib>
#include <string>

inline const std::string& fuzz_work_dir(const char* target) {
  static const std::string dir = [target] {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string(tmp ? tmp : "/tmp") + "/" + target + "-fuzz.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::abort();
    }
    return pattern;
  }();
  return dir;
}
