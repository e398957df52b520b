#pragma once

// One `creatorscore-sim` child process on 127.0.0.1 and a free port, for the length of one test
// case: started with posix_spawn, its port read from the one line it prints on stdout, stopped
// (SIGTERM, then SIGKILL if it lingers) and reaped when the object goes away.

#include <sys/types.h>

#include <string>
#include <vector>

namespace client_http {

class SimProcess {
 public:
  // Starts `$CREATORSCORE_SIM --port 0 --host 127.0.0.1 --time-scale <time_scale> <flags...>`.
  // Never throws; ok() tells whether it is listening, error() why not.
  SimProcess(double time_scale, const std::vector<std::string>& flags);
  ~SimProcess();
  SimProcess(const SimProcess&) = delete;
  SimProcess& operator=(const SimProcess&) = delete;

  bool ok() const { return m_port > 0; }
  const std::string& error() const { return m_error; }
  int port() const { return m_port; }
  double time_scale() const { return m_time_scale; }
  // http://127.0.0.1:PORT, without a trailing slash.
  std::string base_url() const { return "http://127.0.0.1:" + std::to_string(m_port); }

  // Stops the simulator now and returns its exit status (0 expected after SIGTERM), -1 when it
  // could not be reaped normally.
  int stop();

 private:
  std::string stderr_text() const;

  double m_time_scale;
  pid_t m_pid = -1;
  int m_stdout = -1;
  int m_port = 0;
  std::string m_stderr_path;
  std::string m_error;
};

// The simulator binary: $CREATORSCORE_SIM, empty when unset.
std::string sim_binary();

}  // namespace client_http
