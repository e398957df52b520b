// util::AtomicFile on targets that are not regular files. The devices are private nodes made with
// mknod in the case's own folder (root only; skipped otherwise), never /dev itself: a regression
// here would rename a regular file over the node it was given.

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>

#include "state/state_test_support.hpp"
#include "util/atomic_file.hpp"

namespace {

// A character device node at `path` with the given Linux major/minor (1,3 = null; 1,7 = full) that
// behaves as such (the folder's file system may be mounted nodev); false where that is impossible.
bool make_device(const std::string& path, unsigned minor) {
  if (::mknod(path.c_str(), S_IFCHR | 0666, makedev(1, minor)) != 0) {
    return false;
  }
  const int fd = ::open(path.c_str(), O_WRONLY);
  if (fd < 0) {
    return false;
  }
  ::close(fd);
  return true;
}

bool is_char_device(const std::string& path) {
  struct stat info {};
  return ::lstat(path.c_str(), &info) == 0 && S_ISCHR(info.st_mode);
}

std::size_t entries_in(const std::filesystem::path& folder) {
  return static_cast<std::size_t>(std::distance(std::filesystem::directory_iterator(folder), {}));
}

}  // namespace

TEST_SUITE("util::AtomicFile") {
  TEST_CASE("a character device is written straight, never renamed over, and no temporary file is left") {
    test::TempDir dir;
    const std::string null_device = dir.file("null");
    if (!make_device(null_device, 3)) {
      MESSAGE("cannot make a device node here (not root, or nodev): skipped");
      return;
    }
    auto file = util::AtomicFile::create(null_device);
    REQUIRE_MESSAGE(file, (file ? "" : file.error()));
    file->write("header\nrow\n");
    const auto committed = file->commit();
    CHECK_MESSAGE(committed, (committed ? "" : committed.error()));
    CHECK(is_char_device(null_device));
    CHECK(entries_in(dir.path()) == 1);
  }

  TEST_CASE("a full device (as /dev/full): commit fails with ENOSPC's text, the node stays") {
    test::TempDir dir;
    const std::string full_device = dir.file("full");
    if (!make_device(full_device, 7)) {
      MESSAGE("cannot make a device node here (not root, or nodev): skipped");
      return;
    }
    {
      auto file = util::AtomicFile::create(full_device);
      REQUIRE_MESSAGE(file, (file ? "" : file.error()));
      file->write(std::string(64 * 1024, 'x'));  // past stdio's buffer: the write itself fails
      const auto committed = file->commit();
      REQUIRE_FALSE(committed);
      CHECK(committed.error() == "cannot write " + full_device + ": No space left on device");
    }
    {
      auto file = util::AtomicFile::create(full_device);
      REQUIRE(file);
      file->write("short\n");  // fits the buffer: the flush at commit fails
      const auto committed = file->commit();
      REQUIRE_FALSE(committed);
      CHECK(committed.error() == "cannot write " + full_device + ": No space left on device");
    }
    CHECK(is_char_device(full_device));
    CHECK(entries_in(dir.path()) == 1);
  }

  TEST_CASE("a FIFO gets the bytes straight, and its reader sees the end at commit") {
    test::TempDir dir;
    const std::string fifo = dir.file("pipe");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    // The read end first, non-blocking, so opening the write end does not wait; the bytes fit the
    // pipe's buffer. Should nothing ever open the write end, the read below sees the end at once.
    const int read_end = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    REQUIRE(read_end >= 0);
    {
      auto file = util::AtomicFile::create(fifo);
      REQUIRE_MESSAGE(file, (file ? "" : file.error()));
      file->write("a,b\n1,2\n");
      CHECK(file->commit());
    }
    ::fcntl(read_end, F_SETFL, ::fcntl(read_end, F_GETFL) & ~O_NONBLOCK);
    std::string received;
    char buffer[256];
    for (ssize_t got; (got = ::read(read_end, buffer, sizeof buffer)) > 0;) {
      received.append(buffer, static_cast<std::size_t>(got));
    }
    ::close(read_end);
    CHECK(received == "a,b\n1,2\n");
    struct stat info {};
    REQUIRE(::lstat(fifo.c_str(), &info) == 0);
    CHECK(S_ISFIFO(info.st_mode));
  }

  TEST_CASE("check: a target create() and commit() could write now passes, and nothing is left") {
    test::TempDir dir;
    CHECK(util::AtomicFile::check(dir.file("out.csv")));
    CHECK(util::AtomicFile::check("-"));
    CHECK(entries_in(dir.path()) == 0);  // the trial file is gone and the target was not made

    const std::string previous = dir.file("previous.csv");
    std::ofstream(previous, std::ios::binary) << "keep\n";
    CHECK(util::AtomicFile::check(previous));
    CHECK(test::read_bytes(previous) == "keep\n");
    CHECK(entries_in(dir.path()) == 1);

    // A FIFO is not opened: with no reader, opening it to write would wait forever.
    const std::string fifo = dir.file("pipe");
    REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
    CHECK(util::AtomicFile::check(fifo));
  }

  TEST_CASE("check: a missing folder or a target that is a folder is create()'s error") {
    test::TempDir dir;
    const std::string missing = dir.file("no-such-folder") + "/out.csv";
    const auto in_missing = util::AtomicFile::check(missing);
    REQUIRE_FALSE(in_missing);
    CHECK(in_missing.error() == "cannot write " + missing + ": No such file or directory");
    CHECK(in_missing.error() == util::AtomicFile::create(missing).error());

    const std::string folder = dir.file("folder");
    std::filesystem::create_directory(folder);
    const auto onto_folder = util::AtomicFile::check(folder);
    REQUIRE_FALSE(onto_folder);
    CHECK(onto_folder.error() == "cannot write " + folder + ": Is a directory");
    CHECK(entries_in(folder) == 0);
  }

  TEST_CASE("a regular file is replaced whole; a failed commit leaves the previous content") {
    test::TempDir dir;
    const std::string target = dir.file("out.csv");
    {
      auto file = util::AtomicFile::create(target);
      REQUIRE(file);
      file->write("first\n");
      REQUIRE(file->commit());
    }
    CHECK(test::read_bytes(target) == "first\n");
    {
      auto file = util::AtomicFile::create(target);
      REQUIRE(file);
      file->write("second, never committed\n");
    }  // dropped without commit()
    CHECK(test::read_bytes(target) == "first\n");
    CHECK(entries_in(dir.path()) == 1);
  }
}
