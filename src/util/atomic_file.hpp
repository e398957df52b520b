#pragma once

// A file written whole or not at all: bytes go to a temporary file beside the target, commit()
// flushes, syncs and renames it over the target, and destruction without commit() removes it, so
// a reader never sees half a file and a failed write leaves the previous file intact.

#include <cstdio>
#include <string>
#include <string_view>

#include "util/expected.hpp"

namespace util {

class AtomicFile {
 public:
  // Creates the temporary file. `path` "-" writes straight to stdout (nothing to rename).
  static util::Expected<AtomicFile, std::string> create(const std::string& path);
  AtomicFile(AtomicFile&& other) noexcept;
  AtomicFile& operator=(AtomicFile&&) = delete;
  AtomicFile(const AtomicFile&) = delete;
  ~AtomicFile();

  void write(std::string_view bytes);
  // Makes the file visible under its name; returns the reason on failure (a full disk shows here).
  util::Expected<util::Ok, std::string> commit();

 private:
  AtomicFile(std::string path, std::string temp_path, std::FILE* file);
  std::string m_path;
  std::string m_temp_path;  // empty for stdout
  std::FILE* m_file = nullptr;
  bool m_failed = false;
};

}  // namespace util
