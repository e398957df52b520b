#include <csignal>

#include "cli/app.hpp"

int main(int argc, char** argv) {
  // Past a file size limit (`ulimit -f`) the kernel sends SIGXFSZ, whose default action kills the
  // process with no message (exit 153). Ignored, the write fails with EFBIG instead and takes the
  // path of any failed write: one line, exit 73, the state kept (man/roster-enrich.1, "EXIT STATUS").
  std::signal(SIGXFSZ, SIG_IGN);
  return cli::run(argc, argv);
}
