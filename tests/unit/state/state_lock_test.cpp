#include "state/state_lock.hpp"

#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <thread>

#include "state_test_support.hpp"

using state::LockError;
using state::LockHolder;
using state::StateLock;

namespace {

// A child process that takes the lock, reports through a pipe, then waits to be killed.
struct LockingChild {
  explicit LockingChild(const std::string& state_path) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
      ::close(fds[0]);
      auto lock = StateLock::acquire(state_path);
      const char answer = lock ? 'y' : 'n';
      (void)!::write(fds[1], &answer, 1);
      for (;;) {
        ::pause();
      }
    }
    ::close(fds[1]);
    char answer = 0;
    REQUIRE(::read(fds[0], &answer, 1) == 1);
    ::close(fds[0]);
    locked = answer == 'y';
  }
  void kill_hard() {
    ::kill(pid, SIGKILL);
    int status = 0;
    ::waitpid(pid, &status, 0);
    CHECK(WIFSIGNALED(status));
    pid = -1;
  }
  ~LockingChild() {
    if (pid > 0) {
      kill_hard();
    }
  }
  pid_t pid = -1;
  bool locked = false;
};

}  // namespace

TEST_SUITE("state::StateLock") {
  TEST_CASE("acquire: creates <state>.lock 0600 and writes the holder's PID and start time") {
    test::TempDir dir;
    const std::string state_path = dir.file("sub/state.db");
    auto lock = StateLock::acquire(state_path);
    REQUIRE(lock.has_value());
    CHECK(lock->lock_path() == state_path + ".lock");
    struct stat info {};
    REQUIRE(::stat(lock->lock_path().c_str(), &info) == 0);
    CHECK((info.st_mode & 0777) == 0600);
    const std::string text = test::read_bytes(lock->lock_path());
    CHECK(text.rfind("pid " + std::to_string(::getpid()) + "\nstarted 20", 0) == 0);
    CHECK(text.back() == '\n');
  }

  TEST_CASE("acquire: a second lock on the same file is refused, also in the same process") {
    test::TempDir dir;
    const std::string state_path = dir.file("state.db");
    auto first = StateLock::acquire(state_path);
    REQUIRE(first.has_value());
    auto second = StateLock::acquire(state_path);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().kind == LockError::Kind::held);
    CHECK(second.error().holder_pid == ::getpid());
    CHECK(second.error().holder_started.size() == 20);
    CHECK(second.error().message == "the state file " + state_path + " is in use by process " +
                                        std::to_string(::getpid()) + " (started " + second.error().holder_started +
                                        "); wait for it or stop it");
  }

  TEST_CASE("destruction: unlocks, so the next acquire succeeds") {
    test::TempDir dir;
    const std::string state_path = dir.file("state.db");
    { auto first = StateLock::acquire(state_path); REQUIRE(first.has_value()); }
    auto again = StateLock::acquire(state_path);
    CHECK(again.has_value());
    // Moving the lock keeps it held.
    REQUIRE(again.has_value());
    StateLock moved(std::move(again).value());
    CHECK_FALSE(StateLock::acquire(state_path).has_value());
  }

  TEST_CASE("acquire: another live process holding the lock is named; after it is SIGKILLed the lock is free") {
    test::TempDir dir;
    const std::string state_path = dir.file("state.db");
    LockingChild child(state_path);
    REQUIRE(child.locked);
    auto refused = StateLock::acquire(state_path);
    REQUIRE_FALSE(refused.has_value());
    CHECK(refused.error().kind == LockError::Kind::held);
    CHECK(refused.error().holder_pid == child.pid);
    CHECK(refused.error().message.find("is in use by process " + std::to_string(child.pid) + " (started ") !=
          std::string::npos);

    child.kill_hard();  // the stale lock file stays, with the dead child's PID in it
    auto taken = StateLock::acquire(state_path);
    REQUIRE(taken.has_value());
    CHECK(test::read_bytes(taken->lock_path()).rfind("pid " + std::to_string(::getpid()) + "\n", 0) == 0);
  }

  TEST_CASE("acquire: a holder that has not written its details yet is still refused, without a PID") {
    test::TempDir dir;
    const std::string state_path = dir.file("state.db");
    auto first = StateLock::acquire(state_path);
    REQUIRE(first.has_value());
    std::ofstream(first->lock_path(), std::ios::trunc).flush();
    auto second = StateLock::acquire(state_path);
    REQUIRE_FALSE(second.has_value());
    CHECK(second.error().holder_pid == 0);
    CHECK(second.error().message ==
          "the state file " + state_path + " is in use by another process; wait for it or stop it");
  }

  TEST_CASE("acquire: an unwritable place is an error that says so") {
    test::TempDir dir;
    std::ofstream(dir.file("plain")) << "x";
    auto lock = StateLock::acquire(dir.file("plain/state.db"));
    REQUIRE_FALSE(lock.has_value());
    CHECK(lock.error().kind == LockError::Kind::cannot_open);
    CHECK(lock.error().message == "cannot lock the state file " + dir.file("plain/state.db") + ": " +
                                      dir.file("plain") +
                                      " is not a directory; check the directory's permissions or pass --state FILE");
  }

  TEST_CASE(
      "find_lock_holder: free without a lock file; held by this process while it holds the lock; free "
      "after") {
    test::TempDir dir;
    const std::string state_path = dir.file("state.db");
    CHECK(state::find_lock_holder(state_path).state == LockHolder::State::free);
    {
      auto lock = StateLock::acquire(state_path);
      REQUIRE(lock.has_value());
      const LockHolder holder = state::find_lock_holder(state_path);
      CHECK(holder.state == LockHolder::State::held);
      CHECK(holder.pid == ::getpid());
      CHECK(test::read_bytes(lock->lock_path()).find("started " + holder.started + "\n") !=
            std::string::npos);
      CHECK(holder.started.size() == 20);
    }
    // The lock file still names this (live) process, which no longer has it open: a PID that
    // outlived its lock, as a reused one would.
    CHECK(test::read_bytes(state_path + ".lock").rfind("pid " + std::to_string(::getpid()) + "\n", 0) == 0);
    const LockHolder after = state::find_lock_holder(state_path);
    CHECK(after.state == LockHolder::State::free);
    CHECK(after.pid == 0);
  }

  TEST_CASE(
      "find_lock_holder: another process holding it is named; SIGKILLed, it is free; unwritten, unknown") {
    test::TempDir dir;
    const std::string state_path = dir.file("state.db");
    LockingChild child(state_path);
    REQUIRE(child.locked);
    const LockHolder holder = state::find_lock_holder(state_path);
    CHECK(holder.state == LockHolder::State::held);
    CHECK(holder.pid == child.pid);
    // Nothing was taken by looking: the holder's lock is intact and this process can still not lock.
    CHECK_FALSE(StateLock::acquire(state_path).has_value());

    child.kill_hard();  // the lock file stays, naming the dead child
    CHECK(test::read_bytes(state_path + ".lock").rfind("pid " + std::to_string(holder.pid) + "\n", 0) == 0);
    CHECK(state::find_lock_holder(state_path).state == LockHolder::State::free);

    auto lock = StateLock::acquire(state_path);
    REQUIRE(lock.has_value());
    std::ofstream(lock->lock_path(), std::ios::trunc).flush();  // a holder between lock and write
    const LockHolder unwritten = state::find_lock_holder(state_path);
    CHECK(unwritten.state == LockHolder::State::held);
    CHECK(unwritten.pid == 0);
    CHECK(unwritten.started.empty());
  }

  TEST_CASE("find_lock_holder: a lock file that cannot be opened is unknown") {
    test::TempDir dir;
    const std::string state_path = dir.file("state.db");
    REQUIRE(::symlink("state.db.lock", (state_path + ".lock").c_str()) == 0);  // a loop: ELOOP
    CHECK(state::find_lock_holder(state_path).state == LockHolder::State::unknown);
  }

  TEST_CASE("acquire: waits out a `status` looking at the lock (shared, for a moment) instead of failing") {
    test::TempDir dir;
    const std::string state_path = dir.file("state.db");
    { REQUIRE(StateLock::acquire(state_path).has_value()); }  // the lock file exists, free
    const int probe = ::open((state_path + ".lock").c_str(), O_RDONLY | O_CLOEXEC);
    REQUIRE(probe >= 0);
    REQUIRE(::flock(probe, LOCK_SH | LOCK_NB) == 0);
    std::thread status([probe] {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      ::flock(probe, LOCK_UN);
    });
    {
      auto lock = StateLock::acquire(state_path);
      status.join();
      ::close(probe);
      CHECK(lock.has_value());
    }
    // And find_lock_holder's own look leaves the lock as it was: free, and taken right after.
    CHECK(state::find_lock_holder(state_path).state == LockHolder::State::free);
    CHECK(StateLock::acquire(state_path).has_value());
  }
}
