#pragma once

// The HTTP face of a simulator: cpp-httplib on 127.0.0.1, every request translated into a
// SimRequest and answered by the model (creatorscore-sim's Simulator, or any other model's handle
// function, e.g. creatoraudit-sim's) under one mutex, at API time = real time since start x the
// time scale. It carries out what the model asks of the transport: a delayed answer (fault_slow) and
// a connection cut after half the body (fault_drop).

#include <functional>
#include <memory>
#include <string>

#include "sim/model.hpp"

namespace sim {

struct ServerOptions {
  // API time runs this many times faster than real time (> 0).
  double time_scale = 1.0;
  // httplib refuses bodies above this with a bare 413; the model answers smaller oversized bodies
  // with its own JSON 413 (SimConfig::max_body).
  std::size_t max_body = 1024 * 1024;
  // One line per request on stderr (method, target, status); never headers, so never the key.
  bool verbose = false;
  // The name that starts each verbose line.
  std::string log_name = "creatorscore-sim";
};

// A model's request handler: one request at one API instant; never throws.
using ModelHandler = std::function<SimResponse(const SimRequest&, util::TimePoint)>;

class HttpServer {
 public:
  // `model` must outlive the server.
  HttpServer(Simulator& model, ServerOptions options);
  // Any model: `model_handler` is called under the adapter's mutex, one request at a time.
  HttpServer(ModelHandler model_handler, ServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds 127.0.0.1:`port`, or a free port when `port` is 0. Returns the port, or -1 on failure.
  int bind(int port);

  // Serves until stop(); returns false if serving could not start.
  bool serve();

  // Ends serve() from any thread.
  void stop();

  // Runs `action` at the current API instant under the lock the model's requests take (the webhook
  // sender's way into the model between requests).
  void with_model(const std::function<void(util::TimePoint)>& action);

  // API time runs this many times faster than real time.
  double time_scale() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> m_impl;
};

// Serves until SIGINT or SIGTERM, once `startup_line` is printed on stdout (scripts wait for it).
// Blocks the two signals in every thread (httplib's workers inherit the mask) and waits for them in
// a thread of its own, which may then call the non-signal-safe stop(). Returns the process's exit
// code: 0 after a signal, 1 when serving could not start.
int serve_until_signalled(HttpServer& server, const std::string& startup_line);

}  // namespace sim
