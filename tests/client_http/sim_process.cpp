#include "sim_process.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <thread>

extern char** environ;

namespace client_http {

namespace {

using namespace std::chrono_literals;

// A loaded 2-core machine may take a while to schedule the child; it prints its line at once.
constexpr auto k_start_timeout = 15s;
constexpr std::string_view k_banner = "creatorscore-sim listening on http://127.0.0.1:";

std::string format_scale(double scale) {
  std::ostringstream out;
  out << scale;
  return out.str();
}

}  // namespace

std::string sim_binary() {
  const char* path = std::getenv("CREATORSCORE_SIM");
  return path != nullptr ? std::string(path) : std::string();
}

SimProcess::SimProcess(double time_scale, const std::vector<std::string>& flags) : m_time_scale(time_scale) {
  const std::string binary = sim_binary();
  if (binary.empty()) {
    m_error = "CREATORSCORE_SIM is not set";
    return;
  }
  std::vector<std::string> args = {binary, "--port", "0", "--host", "127.0.0.1", "--time-scale",
                                   format_scale(time_scale)};
  args.insert(args.end(), flags.begin(), flags.end());
  std::vector<char*> argv;
  for (std::string& arg : args) {
    argv.push_back(arg.data());
  }
  argv.push_back(nullptr);

  int out_pipe[2];
  if (::pipe2(out_pipe, O_CLOEXEC) != 0) {
    m_error = std::string("pipe: ") + std::strerror(errno);
    return;
  }
  const char* tmp = std::getenv("TEST_TMP");
  std::string stderr_template = std::string(tmp != nullptr && *tmp != '\0' ? tmp : "/tmp") + "/client_http_sim.XXXXXX";
  const int err_fd = ::mkostemp(stderr_template.data(), O_CLOEXEC);
  if (err_fd >= 0) {
    m_stderr_path = stderr_template;
  }

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, out_pipe[1], STDOUT_FILENO);
  if (err_fd >= 0) {
    posix_spawn_file_actions_adddup2(&actions, err_fd, STDERR_FILENO);
  }
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  const int spawned = ::posix_spawn(&m_pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  ::close(out_pipe[1]);
  if (err_fd >= 0) {
    ::close(err_fd);
  }
  m_stdout = out_pipe[0];
  if (spawned != 0) {
    m_pid = -1;
    m_error = "cannot start " + binary + ": " + std::strerror(spawned);
    return;
  }

  // Read the banner line (and nothing more: the simulator prints nothing else on stdout).
  std::string line;
  const auto deadline = std::chrono::steady_clock::now() + k_start_timeout;
  while (line.find('\n') == std::string::npos) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    if (left <= 0ms) {
      m_error = "creatorscore-sim printed no banner within 15 s";
      break;
    }
    pollfd waiting{m_stdout, POLLIN, 0};
    const int ready = ::poll(&waiting, 1, static_cast<int>(left.count()));
    if (ready < 0 && errno == EINTR) {
      continue;
    }
    if (ready <= 0) {
      continue;
    }
    char buffer[256];
    const ssize_t got = ::read(m_stdout, buffer, sizeof buffer);
    if (got <= 0) {
      m_error = "creatorscore-sim exited before listening";
      break;
    }
    line.append(buffer, static_cast<std::size_t>(got));
  }
  if (m_error.empty()) {
    const auto at = line.find(k_banner);
    if (at == std::string::npos) {
      m_error = "unexpected first line from creatorscore-sim: " + line;
    } else {
      m_port = std::atoi(line.c_str() + at + k_banner.size());
      if (m_port <= 0) {
        m_error = "no port in: " + line;
      }
    }
  }
  if (!m_error.empty()) {
    m_port = 0;
    stop();
    m_error += "; its stderr: " + stderr_text();
  }
}

std::string SimProcess::stderr_text() const {
  if (m_stderr_path.empty()) {
    return "(not captured)";
  }
  std::ifstream file(m_stderr_path);
  std::ostringstream text;
  text << file.rdbuf();
  return text.str();
}

int SimProcess::stop() {
  int result = -1;
  if (m_pid > 0) {
    ::kill(m_pid, SIGTERM);
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    int status = 0;
    for (;;) {
      const pid_t done = ::waitpid(m_pid, &status, WNOHANG);
      if (done == m_pid) {
        result = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        break;
      }
      if (done < 0 && errno != EINTR) {
        break;
      }
      if (std::chrono::steady_clock::now() > deadline) {
        ::kill(m_pid, SIGKILL);
        ::waitpid(m_pid, &status, 0);
        break;
      }
      std::this_thread::sleep_for(5ms);
    }
    m_pid = -1;
  }
  if (m_stdout >= 0) {
    ::close(m_stdout);
    m_stdout = -1;
  }
  return result;
}

SimProcess::~SimProcess() {
  stop();
  if (!m_stderr_path.empty()) {
    ::unlink(m_stderr_path.c_str());
  }
}

}  // namespace client_http
