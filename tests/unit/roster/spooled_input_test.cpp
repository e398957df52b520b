// SpooledInput from a FIFO (what `<(cat r.csv)` and `/dev/stdin` on a pipe are) and the content
// digest that names a spooled roster's state file.

#include <doctest/doctest.h>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>

#include "roster/roster.hpp"
#include "roster/roster_test_support.hpp"
#include "util/fnv1a.hpp"

using roster_test::TempDir;

namespace {

// Writes `content` into the FIFO at `path` from another thread (opening a FIFO blocks until both
// ends are open), joined on destruction.
class FifoWriter {
 public:
  FifoWriter(std::string path, std::string content)
      : m_thread([path = std::move(path), content = std::move(content)] {
          const int fd = ::open(path.c_str(), O_WRONLY);
          if (fd < 0) {
            return;
          }
          for (std::size_t written = 0; written < content.size();) {
            const ssize_t n = ::write(fd, content.data() + written, content.size() - written);
            if (n <= 0) {
              break;
            }
            written += static_cast<std::size_t>(n);
          }
          ::close(fd);
        }) {}
  ~FifoWriter() { m_thread.join(); }
  FifoWriter(const FifoWriter&) = delete;
  FifoWriter& operator=(const FifoWriter&) = delete;

 private:
  std::thread m_thread;
};

// TMPDIR set for the length of a test case.
class ScopedTmpdir {
 public:
  explicit ScopedTmpdir(const std::string& dir) {
    const char* old = std::getenv("TMPDIR");
    m_had = old != nullptr;
    m_old = m_had ? old : "";
    ::setenv("TMPDIR", dir.c_str(), 1);
  }
  ~ScopedTmpdir() {
    if (m_had) {
      ::setenv("TMPDIR", m_old.c_str(), 1);
    } else {
      ::unsetenv("TMPDIR");
    }
  }
  ScopedTmpdir(const ScopedTmpdir&) = delete;
  ScopedTmpdir& operator=(const ScopedTmpdir&) = delete;

 private:
  bool m_had = false;
  std::string m_old;
};

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

std::string digest_of(const std::string& text) {
  util::Fnv1a64 digest;
  digest.add(text);
  return digest.hex();
}

std::string make_fifo(const TempDir& dir, const std::string& name) {
  const std::string path = (dir.path() / name).string();
  REQUIRE(::mkfifo(path.c_str(), 0600) == 0);
  return path;
}

}  // namespace

TEST_SUITE("roster::SpooledInput") {
  TEST_CASE("from: a FIFO is copied and hashed; the copy has no name left behind from the start") {
    TempDir dir;
    const std::filesystem::path spool_dir = dir.path() / "tmp";
    std::filesystem::create_directories(spool_dir);
    const ScopedTmpdir tmpdir(spool_dir.string());
    std::string content = "platform,handle\n";
    for (int i = 0; i < 20000; ++i) {
      content += "tiktok,creator" + std::to_string(i) + "\n";  // several 64 KiB reads
    }
    const std::string fifo = make_fifo(dir, "fifo");
    REQUIRE(roster::needs_spooling(fifo));

    auto spool = [&] {
      const FifoWriter writer(fifo, content);
      return roster::SpooledInput::from(fifo, fifo);
    }();
    REQUIRE_MESSAGE(spool.has_value(), (spool ? "" : spool.error().message));
    const std::string path = (*spool)->path();
    CHECK(read_file(path) == content);
    CHECK(read_file(path) == content);  // read twice, as index and output do
    CHECK((*spool)->digest() == digest_of(content));
    CHECK((std::filesystem::status(path).permissions() & std::filesystem::perms::group_all) ==
          std::filesystem::perms::none);
    // No name in $TMPDIR even while the copy is in use: a SIGKILL now leaves nothing behind.
    CHECK(std::filesystem::is_empty(spool_dir));

    roster::Options options;
    options.display_name = fifo;
    auto index = roster::index_roster(path, options);
    REQUIRE(index.has_value());
    CHECK(index->rows == 20000u);
    spool->reset();
    CHECK(std::filesystem::is_empty(spool_dir));
  }

  TEST_CASE("content_digest: what the spool's digest is, for the same bytes; other bytes differ") {
    TempDir dir;
    const std::string a = "platform,handle\ntiktok,ann\n";
    const std::string b = "platform,handle\ntiktok,bob\n";
    const std::string first = make_fifo(dir, "a");
    const std::string second = make_fifo(dir, "b");
    const auto digest_a = [&] {
      const FifoWriter writer(first, a);
      return roster::content_digest(first, first);
    }();
    const auto digest_b = [&] {
      const FifoWriter writer(second, b);
      return roster::content_digest(second, second);
    }();
    REQUIRE((digest_a && digest_b));
    CHECK(*digest_a == digest_of(a));
    CHECK(*digest_b == digest_of(b));
    CHECK(*digest_a != *digest_b);
    const auto from_file = roster::content_digest(dir.write("a.csv", a), "a.csv");
    REQUIRE(from_file.has_value());
    CHECK(*from_file == *digest_a);
  }

  TEST_CASE("needs_spooling: standard input, FIFOs and devices; not files, folders or missing paths") {
    TempDir dir;
    CHECK(roster::needs_spooling("-"));
    CHECK(roster::needs_spooling(make_fifo(dir, "fifo")));
    CHECK(roster::needs_spooling("/dev/null"));
    CHECK_FALSE(roster::needs_spooling(dir.write("r.csv", "platform,handle\n")));
    CHECK_FALSE(roster::needs_spooling(dir.path().string()));
    CHECK_FALSE(roster::needs_spooling((dir.path() / "missing.csv").string()));
  }

  TEST_CASE("from: an input that cannot be opened is 66, a spool that cannot be made 73, each in one line") {
    TempDir dir;
    const std::string missing = (dir.path() / "missing").string();
    auto unopened = roster::SpooledInput::from(missing, "missing.csv");
    REQUIRE_FALSE(unopened.has_value());
    CHECK(unopened.error().code == core::ExitCode::roster_unreadable);
    CHECK(unopened.error().message == "missing.csv: cannot open: No such file or directory");

    const ScopedTmpdir tmpdir(missing);
    auto unspooled = roster::SpooledInput::from("/dev/null", "/dev/null");
    REQUIRE_FALSE(unspooled.has_value());
    CHECK(unspooled.error().code == core::ExitCode::cannot_write);
    CHECK(unspooled.error().message == "cannot spool /dev/null to " + missing +
                                           "/roster-enrich-stdin-XXXXXX: No such file or directory");
  }
}
