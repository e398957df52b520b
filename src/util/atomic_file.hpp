#pragma once

// A file written whole or not at all: bytes go to a temporary file beside the target, commit()
// flushes, syncs and renames it over the target, and destruction without commit() removes it, so
// a reader never sees half a file and a failed write leaves the previous file intact.
// A target that is a character device or a FIFO (/dev/null, /dev/stdout, a pipe) has no previous
// file to protect and must not be renamed over (that would replace the node itself, /dev/full with
// a regular file when run as root): it is written straight, as `curl -o` does.

#include <cstdio>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace util {

class AtomicFile {
 public:
  // Creates the temporary file. `path` "-" writes straight to stdout, a device or FIFO straight
  // into it (nothing to rename).
  static util::Expected<AtomicFile, std::string> create(const std::string& path);
  // Whether create(path) and commit() would work now, with create's error if not: a temporary file
  // is made beside the target and removed, and a target that is a directory is refused. "-", a
  // device or a FIFO is not opened (a FIFO's reader would see the end): nothing to check.
  static util::Expected<util::Ok, std::string> check(const std::string& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  void write(std::string_view bytes);
  // Makes the file visible under its name; returns the reason on failure (a full disk shows here).
  util::Expected<util::Ok, std::string> commit();

 private:
  AtomicFile(std::string path, std::string temp_path, std::FILE* file, bool owns_direct_file);
  std::string m_path;
  std::string m_temp_path;  // empty when written straight (stdout, a device, a FIFO)
  std::FILE* m_file = nullptr;
  bool m_owns_direct_file = false;  // written straight into a file we opened (not stdout): close it
  bool m_failed = false;
  int m_write_error = 0;  // errno of the first failed write (ENOSPC on a full disk)
};

}  // namespace util
