#include <doctest/doctest.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "cli/api_session.hpp"
#include "core/exit_code.hpp"

namespace {

// Runs `load` in a child process (marking this test process undumpable would outlive the test) and
// returns what prctl(PR_GET_DUMPABLE) says there afterwards: 1 dumpable, 0 not, -1 the child failed.
template <class Load>
int dumpable_after(Load load) {
  const pid_t child = ::fork();
  if (child == 0) {
    try {
      load();
    } catch (...) {
      ::_exit(100);
    }
    ::_exit(::prctl(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L) == 0 ? 0 : 1);
  }
  int status = 0;
  if (child < 0 || ::waitpid(child, &status, 0) != child || !WIFEXITED(status) || WEXITSTATUS(status) > 1) {
    return -1;
  }
  return WEXITSTATUS(status);
}

}  // namespace

TEST_SUITE("cli::read_api_key") {
  TEST_CASE("a loaded key makes the process undumpable (no core dump, no ptrace by the same user)") {
    const int before = ::prctl(PR_GET_DUMPABLE, 0L, 0L, 0L, 0L);
    REQUIRE(before == 1);  // the check below would prove nothing in an undumpable test process

    CHECK(dumpable_after([] {
            ::setenv("CREATORSCORE_API_KEY", "sk_test_core_dump", 1);
            (void)cli::read_api_key(cli::GlobalOptions{});
          }) == 0);

    CHECK(dumpable_after([] {
            char path[] = "/tmp/api_key_test.XXXXXX";
            const int fd = ::mkstemp(path);
            if (fd < 0 || ::write(fd, "sk_test_from_file\n", 18) != 18) {
              ::_exit(100);
            }
            ::close(fd);
            cli::GlobalOptions options;
            options.api_key_file = path;
            const std::string key = cli::read_api_key(options);
            ::unlink(path);
            if (key != "sk_test_from_file") {
              ::_exit(100);
            }
          }) == 0);

    // No key loaded (the commands that send nothing): nothing changes, a crash still dumps.
    CHECK(dumpable_after([] {
            ::unsetenv("CREATORSCORE_API_KEY");
            (void)cli::read_api_key(cli::GlobalOptions{});
          }) == 1);
  }
}
