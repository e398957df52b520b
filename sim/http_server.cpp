#include "sim/http_server.hpp"

#include <httplib.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <mutex>
#include <thread>

#include "util/text.hpp"

namespace sim {

namespace {

constexpr const char* k_host = "127.0.0.1";

// The request target as the client sent it. httplib keeps it in `target`; should it ever be empty,
// rebuild it from the decoded path and parameters (re-encoding what a path or query cannot hold).
std::string target_of(const httplib::Request& request) {
  if (!request.target.empty()) {
    return request.target;
  }
  std::string target = util::percent_encode(request.path, "/");
  char separator = '?';
  for (const auto& [name, value] : request.params) {
    target += separator;
    target += util::percent_encode(name) + "=" + util::percent_encode(value);
    separator = '&';
  }
  return target;
}

// Bytes [offset, offset + count) of the body `response` streams: its `body`, filler, its `body_suffix`,
// `streamed_size` bytes in all.
std::string streamed_piece(const SimResponse& response, std::size_t offset, std::size_t count) {
  const std::size_t total = response.streamed_size;
  const std::size_t suffix_start = total - response.body_suffix.size();
  std::string piece;
  piece.reserve(count);
  for (std::size_t at = offset; at < offset + count && at < total; ++at) {
    if (at < response.body.size()) {
      piece += response.body[at];
    } else if (at >= suffix_start) {
      piece += response.body_suffix[at - suffix_start];
    } else {
      piece += 'x';
    }
  }
  return piece;
}

// Sends `response`'s generated body 64 KiB at a time, so a 50 MiB answer costs no 50 MiB buffer.
void stream(const SimResponse& sim_response, const std::string& content_type, httplib::Response& response) {
  constexpr std::size_t k_piece = 64 * 1024;
  auto shared = std::make_shared<SimResponse>(sim_response);
  const auto send_from = [shared](std::size_t offset, httplib::DataSink& sink) {
    const std::string piece = streamed_piece(*shared, offset, k_piece);
    return sink.write(piece.data(), piece.size());  // false once the client has hung up
  };
  if (sim_response.streamed_sized) {
    response.set_content_provider(sim_response.streamed_size, content_type,
                                  [send_from](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                    return send_from(offset, sink);
                                  });
    return;
  }
  response.set_chunked_content_provider(content_type, [send_from, total = sim_response.streamed_size](
                                                          std::size_t offset, httplib::DataSink& sink) {
    if (offset >= total) {
      sink.done();
      return true;
    }
    return send_from(offset, sink);
  });
}

}  // namespace

struct HttpServer::Impl {
  ModelHandler model;
  ServerOptions options;
  httplib::Server server;
  std::mutex model_mutex;
  std::chrono::steady_clock::time_point started = std::chrono::steady_clock::now();

  Impl(ModelHandler handler, ServerOptions server_options)
      : model(std::move(handler)), options(std::move(server_options)) {}

  util::TimePoint api_now() const {
    const std::chrono::duration<double, std::milli> real = std::chrono::steady_clock::now() - started;
    return util::TimePoint{util::Duration(static_cast<std::int64_t>(std::floor(real.count() * options.time_scale)))};
  }

  void answer(const httplib::Request& request, httplib::Response& response) {
    SimRequest sim_request{request.method, target_of(request), {}, request.body};
    for (const auto& [name, value] : request.headers) {
      sim_request.headers.emplace_back(name, value);
    }
    SimResponse sim_response;
    {
      // Reading the clock under the lock keeps the model's time line monotonic.
      const std::lock_guard<std::mutex> lock(model_mutex);
      sim_response = model(sim_request, api_now());
    }
    if (options.verbose) {
      std::fprintf(stderr, "%s: %s %s -> %d%s%s\n", options.log_name.c_str(), request.method.c_str(),
                   sim_request.target.c_str(), sim_response.status,
                   sim_response.drop_connection ? " (dropped)" : "",
                   sim_response.delay.count() > 0 ? " (slow)" : "");
    }
    if (sim_response.delay.count() > 0) {
      // Outside the lock: a slow answer must not hold up the other connections.
      std::this_thread::sleep_for(sim_response.delay);
    }
    std::string content_type = "application/json";
    response.status = sim_response.status;
    for (const auto& [name, value] : sim_response.headers) {
      if (util::to_lower(name) == "content-type") {
        content_type = value;
      } else {
        response.set_header(name, value);
      }
    }
    if (sim_response.streamed_size > 0) {
      stream(sim_response, content_type, response);
      return;
    }
    if (sim_response.drop_connection) {
      // Promise the whole body, send half, then fail the provider: httplib closes the socket and the
      // client sees a truncated response (curl: "transfer closed with N bytes remaining").
      auto body = std::make_shared<std::string>(std::move(sim_response.body));
      response.set_content_provider(body->size(), content_type,
                                    [body](std::size_t offset, std::size_t, httplib::DataSink& sink) {
                                      const std::size_t half = body->size() / 2;
                                      if (offset < half) {
                                        sink.write(body->data() + offset, half - offset);
                                        return true;
                                      }
                                      return false;
                                    });
      return;
    }
    response.set_content(sim_response.body, content_type);
  }
};

HttpServer::HttpServer(Simulator& model, ServerOptions options)
    : HttpServer(
          [&model](const SimRequest& request, util::TimePoint now) { return model.handle(request, now); },
          std::move(options)) {}

HttpServer::HttpServer(ModelHandler model_handler, ServerOptions options)
    : m_impl(std::make_unique<Impl>(std::move(model_handler), options)) {
  httplib::Server& server = m_impl->server;
  // Above the model's own limit, so the model can answer oversized bodies with the API's JSON.
  server.set_payload_max_length(options.max_body * 2 + 64 * 1024);
  // httplib writes a response's headers and body separately; with Nagle's algorithm the body then
  // waits for the client's delayed ACK (40 ms on Linux), a minute of API time at a scale of 1000.
  server.set_tcp_nodelay(true);
  const auto handler = [impl = m_impl.get()](const httplib::Request& request, httplib::Response& response) {
    impl->answer(request, response);
  };
  server.Get(".*", handler);
  server.Post(".*", handler);
  server.Put(".*", handler);
  server.Patch(".*", handler);
  server.Delete(".*", handler);
  server.Options(".*", handler);
  // httplib compresses with brotli at its fixed quality 11 whenever a client accepts "br" (curl's
  // default does): 50-150 ms of real time per response, which a time scale of 600 turns into a
  // minute of API time between the model's answer and the client reading it, so timed tests and
  // benchmarks measured the compressor. Hide "br" from httplib (gzip costs ~1 ms); the request object
  // is httplib's own, mutable, passed as const only by the handler's signature.
  server.set_pre_routing_handler([](const httplib::Request& request, httplib::Response&) {
    auto& headers = const_cast<httplib::Request&>(request).headers;
    const auto [first, last] = headers.equal_range("Accept-Encoding");  // names compare case-insensitively
    for (auto it = first; it != last; ++it) {
      std::string kept;
      std::size_t start = 0;
      while (start <= it->second.size()) {
        const std::size_t comma = std::min(it->second.find(',', start), it->second.size());
        const std::string token = it->second.substr(start, comma - start);
        const std::string name = util::to_lower(token.substr(0, token.find(';')));
        if (name.find("br") == std::string::npos && name.find_first_not_of(' ') != std::string::npos) {
          kept += (kept.empty() ? "" : ",") + token;
        }
        start = comma + 1;
      }
      it->second = kept.empty() ? "identity" : kept;
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  server.set_exception_handler([](const httplib::Request&, httplib::Response& response, std::exception_ptr) {
    response.status = 500;
    response.set_content(R"({"error":"internal_error","message":"Simulator error."})", "application/json");
  });
}

HttpServer::~HttpServer() = default;

int HttpServer::bind(int port) {
  if (port == 0) {
    return m_impl->server.bind_to_any_port(k_host);
  }
  return m_impl->server.bind_to_port(k_host, port) ? port : -1;
}

bool HttpServer::serve() {
  return m_impl->server.listen_after_bind();
}

void HttpServer::stop() {
  m_impl->server.stop();
}

void HttpServer::with_model(const std::function<void(util::TimePoint)>& action) {
  const std::lock_guard<std::mutex> lock(m_impl->model_mutex);
  action(m_impl->api_now());
}

double HttpServer::time_scale() const {
  return m_impl->options.time_scale;
}

int serve_until_signalled(HttpServer& server, const std::string& startup_line) {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  std::atomic<bool> signalled{false};
  std::atomic<bool> finished{false};
  std::thread waiter([&] {
    int received = 0;
    sigwait(&stop_signals, &received);
    signalled = true;
    // httplib's stop() does nothing until listening has begun: repeat until serve() returns.
    while (!finished) {
      server.stop();
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });

  std::cout << startup_line << std::endl;
  const bool served = server.serve();
  finished = true;
  if (!signalled) {
    // serve() ended on its own: wake the waiter so it can be joined.
    kill(getpid(), SIGTERM);
  }
  waiter.join();
  return served || signalled ? 0 : 1;
}

}  // namespace sim
