#include "cli/signals.hpp"

#include <csignal>
#include <unistd.h>

namespace cli {

namespace {

std::atomic<bool> g_stop_requested{false};

extern "C" void on_stop_signal(int signal_number) {
  if (g_stop_requested.exchange(true) && signal_number == SIGINT) {
    // Second Ctrl-C: the person wants out now. Only async-signal-safe calls here.
    constexpr char message[] = "\nroster-enrich: interrupted again, exiting now; run the same command to resume\n";
    [[maybe_unused]] const auto written = ::write(STDERR_FILENO, message, sizeof message - 1);
    ::_exit(75);
  }
}

}  // namespace

const std::atomic<bool>& install_stop_handlers() {
  static const bool installed = [] {
    struct sigaction action {};
    action.sa_handler = on_stop_signal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
    return true;
  }();
  (void)installed;
  return g_stop_requested;
}

}  // namespace cli
