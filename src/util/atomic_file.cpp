#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <sys/stat.h>
#include <unistd.h>

namespace util {

AtomicFile::AtomicFile(std::string path, std::string temp_path, std::FILE* file)
    : m_path(std::move(path)), m_temp_path(std::move(temp_path)), m_file(file) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_temp_path(std::move(other.m_temp_path)),
      m_file(other.m_file),
      m_failed(other.m_failed) {
  other.m_file = nullptr;
  other.m_temp_path.clear();
}

util::Expected<AtomicFile, std::string> AtomicFile::create(const std::string& path) {
  if (path == "-") {
    return AtomicFile(path, "", stdout);
  }
  const std::filesystem::path target(path);
  const std::filesystem::path directory = target.has_parent_path() ? target.parent_path() : ".";
  std::string temp = (directory / ("." + target.filename().string() + ".XXXXXX")).string();
  const int fd = ::mkstemp(temp.data());
  if (fd < 0) {
    return util::unexpected("cannot write " + path + ": " + std::strerror(errno));
  }
  std::FILE* file = ::fdopen(fd, "wb");
  if (file == nullptr) {
    ::close(fd);
    ::unlink(temp.c_str());
    return util::unexpected("cannot write " + path + ": " + std::strerror(errno));
  }
  return AtomicFile(path, temp, file);
}

AtomicFile::~AtomicFile() {
  if (m_file != nullptr && !m_temp_path.empty()) {
    std::fclose(m_file);
    ::unlink(m_temp_path.c_str());
  }
}

void AtomicFile::write(std::string_view bytes) {
  if (m_file != nullptr && !m_failed && std::fwrite(bytes.data(), 1, bytes.size(), m_file) != bytes.size()) {
    m_failed = true;
  }
}

util::Expected<util::Ok, std::string> AtomicFile::commit() {
  const auto failure = [&](int error) -> util::Expected<util::Ok, std::string> {
    return util::unexpected("cannot write " + m_path + ": " + std::strerror(error) +
                            (m_temp_path.empty() ? "" : "; the previous file, if any, is untouched"));
  };
  if (m_file == nullptr) {
    return failure(EBADF);
  }
  if (m_temp_path.empty()) {
    if (std::fflush(m_file) != 0 || m_failed || std::ferror(m_file)) {
      return failure(errno != 0 ? errno : EIO);
    }
    m_file = nullptr;
    return util::Ok{};
  }
  errno = 0;
  const bool written = !m_failed && std::fflush(m_file) == 0 && ::fsync(::fileno(m_file)) == 0;
  const int error = errno != 0 ? errno : EIO;
  std::fclose(m_file);
  m_file = nullptr;
  if (!written) {
    ::unlink(m_temp_path.c_str());
    return failure(error);
  }
  ::chmod(m_temp_path.c_str(), 0644);
  if (std::rename(m_temp_path.c_str(), m_path.c_str()) != 0) {
    const int rename_error = errno;
    ::unlink(m_temp_path.c_str());
    return failure(rename_error);
  }
  m_temp_path.clear();
  return util::Ok{};
}

}  // namespace util
