#include "util/atomic_file.hpp"

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <optional>
#include <sys/stat.h>
#include <unistd.h>

namespace util {

namespace {

// What `path` names now, if anything.
std::optional<struct stat> status_of(const std::string& path) {
  struct stat status {};
  return ::stat(path.c_str(), &status) == 0 ? std::optional<struct stat>(status) : std::nullopt;
}

// A character device or FIFO (/dev/null, /dev/stdout, a pipe): written straight, never through a
// temporary file renamed over it.
bool is_stream_node(const std::optional<struct stat>& status) {
  return status && (S_ISCHR(status->st_mode) || S_ISFIFO(status->st_mode));
}

}  // namespace

AtomicFile::AtomicFile(std::string path, std::string temp_path, std::FILE* file, bool owns_direct_file)
    : m_path(std::move(path)), m_temp_path(std::move(temp_path)), m_file(file), m_owns_direct_file(owns_direct_file) {}

AtomicFile::AtomicFile(AtomicFile&& other) noexcept
    : m_path(std::move(other.m_path)),
      m_temp_path(std::move(other.m_temp_path)),
      m_file(other.m_file),
      m_owns_direct_file(other.m_owns_direct_file),
      m_failed(other.m_failed),
      m_write_error(other.m_write_error) {
  other.m_file = nullptr;
  other.m_temp_path.clear();
  other.m_owns_direct_file = false;
}

util::Expected<AtomicFile, std::string> AtomicFile::create(const std::string& path) {
  if (path == "-") {
    return AtomicFile(path, "", stdout, false);
  }
  if (is_stream_node(status_of(path))) {
    std::FILE* file = std::fopen(path.c_str(), "wb");
    if (file == nullptr) {
      return util::unexpected("cannot write " + path + ": " + std::strerror(errno));
    }
    return AtomicFile(path, "", file, true);
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
  return AtomicFile(path, temp, file, false);
}

util::Expected<util::Ok, std::string> AtomicFile::check(const std::string& path) {
  if (path == "-") {
    return util::Ok{};
  }
  const std::optional<struct stat> status = status_of(path);
  if (is_stream_node(status)) {
    return util::Ok{};
  }
  if (status && S_ISDIR(status->st_mode)) {
    return util::unexpected("cannot write " + path + ": " + std::strerror(EISDIR));
  }
  auto trial = create(path);
  if (!trial) {
    return util::unexpected(trial.error());
  }
  return util::Ok{};  // the trial file is removed as it goes out of scope, uncommitted
}

AtomicFile::~AtomicFile() {
  if (m_file != nullptr && !m_temp_path.empty()) {
    std::fclose(m_file);
    ::unlink(m_temp_path.c_str());
  } else if (m_file != nullptr && m_owns_direct_file) {
    std::fclose(m_file);
  }
}

void AtomicFile::write(std::string_view bytes) {
  if (m_file != nullptr && !m_failed && std::fwrite(bytes.data(), 1, bytes.size(), m_file) != bytes.size()) {
    m_failed = true;
    m_write_error = errno;
  }
}

util::Expected<util::Ok, std::string> AtomicFile::commit() {
  const auto failure = [&](int error) -> util::Expected<util::Ok, std::string> {
    // The first failed write's reason (a full disk) beats whatever a later call left in errno.
    error = m_write_error != 0 ? m_write_error : error;
    return util::unexpected("cannot write " + m_path + ": " + std::strerror(error) +
                            (m_temp_path.empty() ? "" : "; the previous file, if any, is untouched"));
  };
  if (m_file == nullptr) {
    return failure(EBADF);
  }
  if (m_temp_path.empty()) {
    // Written straight: no fsync (a device or pipe may refuse it, and there is nothing to rename).
    errno = 0;
    bool written = !m_failed && std::fflush(m_file) == 0 && !std::ferror(m_file);
    int error = errno != 0 ? errno : EIO;
    if (m_owns_direct_file && std::fclose(m_file) != 0 && written) {
      written = false;
      error = errno != 0 ? errno : EIO;
    }
    m_file = nullptr;
    if (!written) {
      return failure(error);
    }
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
