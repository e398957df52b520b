#include "cli/api_session.hpp"

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <random>
#include <string>
#include <sys/prctl.h>

#include "creatorscore/client.hpp"
#include "http/client.hpp"
#include "http/curl_transport.hpp"
#include "http/proxy_policy.hpp"
#include "http/rate_limiter.hpp"
#include "http/retry_policy.hpp"
#include "http/url_policy.hpp"
#include "util/clock.hpp"
#include "util/duration.hpp"
#include "util/text.hpp"

namespace cli {

using core::ExitCode;
using core::Fatal;

std::string configured_url(const std::string& flag_value, const char* env_name, const char* default_url) {
  std::string url = flag_value;
  if (url.empty()) {
    const char* from_env = std::getenv(env_name);
    url = (from_env != nullptr && *from_env != '\0') ? from_env : default_url;
  }
  while (!url.empty() && url.back() == '/') {
    url.pop_back();
  }
  return url;
}

std::string configured_base_url(const GlobalOptions& options) {
  return configured_url(options.base_url, "CREATORSCORE_BASE_URL", k_default_base_url);
}

std::string resolve_base_url(const GlobalOptions& options) {
  return checked_base_url(configured_base_url(options), options.allow_insecure_http);
}

std::string checked_base_url(std::string url, bool allow_insecure_http) {
  if (const auto problem = http::insecure_url_problem(url)) {
    const bool only_insecure = util::starts_with_ignoring_case(url, "http://");
    if (!(only_insecure && allow_insecure_http)) {
      throw Fatal(ExitCode::usage, *problem);
    }
  }
  // The proxy libcurl would take from the environment sees a plain http:// request whole.
  if (!allow_insecure_http) {
    if (const auto problem = http::insecure_proxy_problem(url, http::process_environment())) {
      throw Fatal(ExitCode::usage, *problem);
    }
  }
  return url;
}

namespace {

// A core dump, or a debugger of the same user attaching through ptrace, would hand over the key
// held in memory: once a key is loaded the process is marked not dumpable (prctl(2)), as the man
// page says (SECURITY CONSIDERATIONS). Where that fails (no such kernel feature) nothing else can.
std::string keep_out_of_core_dumps(std::string key) {
  if (!key.empty()) {
    (void)::prctl(PR_SET_DUMPABLE, 0L, 0L, 0L, 0L);
  }
  return key;
}

}  // namespace

std::string read_api_key(const GlobalOptions& options) {
  return read_key("CREATORSCORE_API_KEY", options.api_key_file, "API key");
}

std::string read_key(const char* env_name, const std::string& key_file, const std::string& what) {
  if (key_file.empty()) {
    const char* from_env = std::getenv(env_name);
    return keep_out_of_core_dumps(from_env != nullptr ? std::string(util::trim(from_env)) : std::string());
  }
  std::string line;
  if (key_file == "-") {
    std::getline(std::cin, line);
  } else {
    std::ifstream file(key_file);
    if (!file) {
      throw Fatal(ExitCode::key_rejected,
                  "cannot read the " + what + " file " + key_file + ": check the path and its permissions");
    }
    std::getline(file, line);
  }
  const std::string key(util::trim(line));
  if (key.empty()) {
    const std::string where = key_file == "-" ? "standard input" : key_file;
    throw Fatal(ExitCode::key_rejected, "no " + what + " in " + where + ": its first line must hold the key");
  }
  return keep_out_of_core_dumps(key);
}

double resolve_time_scale() {
  const double scale = util::time_scale_from_environment();
  if (scale <= 0) {
    throw Fatal(ExitCode::usage, "ROSTER_ENRICH_TIME_SCALE must be a positive number (it is for tests only)");
  }
  return scale;
}

std::unique_ptr<http::Transport> make_transport(const GlobalOptions& options, const std::atomic<bool>* stop_flag) {
  // Checked before anything is opened or sent (a run's state file, the account request): without
  // libcurl no request can go out. 69, as sysexits(3) says of EX_UNAVAILABLE, "a support program or
  // file does not exist"; a library missing from the system is no bug of roster-enrich (70).
  if (auto problem = http::curl_unavailable_reason()) {
    throw Fatal(ExitCode::api_unavailable, std::move(*problem));
  }
  http::CurlOptions curl_options;
  curl_options.allow_insecure_http = options.allow_insecure_http;
  curl_options.stop_flag = stop_flag;
  return std::make_unique<http::CurlTransport>(curl_options);
}

std::uint64_t fresh_jitter_seed() {
  // A seed per process: many clients started by the same cron minute must not retry in step.
  return (static_cast<std::uint64_t>(std::random_device{}()) << 32) ^ std::random_device{}();
}

void observe_requests(http::Client& client, const GlobalOptions& options) {
  // A Retry-After past the cap is never shortened silently (`run` logs it through its progress
  // printer instead, JSON included).
  client.set_wait_observer([quiet = options.quiet](const http::WaitNotice& notice) {
    if (!quiet) {
      std::fprintf(stderr, "roster-enrich: warning: %s\n", notice.message.c_str());
    }
  });
  if (options.verbosity > 0 && !options.quiet) {
    client.set_observer([](const http::ExchangeEvent& event) {
      const char* method = event.request->method == http::Method::get ? "GET" : "POST";
      if (event.response != nullptr) {
        std::fprintf(stderr, "roster-enrich: %s %s -> HTTP %d (%s, attempt %d)\n", method, event.request->url.c_str(),
                     event.response->status, util::format_duration(event.elapsed).c_str(), event.attempt);
      } else if (event.error != nullptr) {
        std::fprintf(stderr, "roster-enrich: %s %s -> %s (attempt %d)\n", method, event.request->url.c_str(),
                     event.error->message.c_str(), event.attempt);
      }
      if (event.attempt == 1) {
        // Redacted again here, whatever the client passed on: the key must never reach a log.
        for (const auto& [name, value] : http::redacted_headers(event.request->headers)) {
          std::fprintf(stderr, "roster-enrich:   %s: %s\n", name.c_str(), value.c_str());
        }
      }
    });
  }
}

ApiSession::ApiSession(const GlobalOptions& options, std::string base_url, std::string api_key,
                       const std::atomic<bool>* stop_flag)
    : m_base_url(std::move(base_url)) {
  if (api_key.empty()) {
    throw Fatal(ExitCode::key_rejected,
                "no API key: set CREATORSCORE_API_KEY or pass --api-key-file FILE (create keys at "
                "https://creatorscore.io/account/api)");
  }
  m_clock = std::make_unique<util::RealClock>(resolve_time_scale(), stop_flag);
  m_transport = make_transport(options, stop_flag);
  m_limiter = std::make_unique<http::RateLimiter>(*m_clock, static_cast<std::size_t>(options.rate_limit));
  m_jitter_seed = fresh_jitter_seed();
  m_http = std::make_unique<http::Client>(*m_transport, *m_clock, *m_limiter, http::RetryPolicy{{}, m_jitter_seed});
  observe_requests(*m_http, options);
  m_api = std::make_unique<creatorscore::Client>(*m_http, m_base_url, std::move(api_key));
}

ApiSession::~ApiSession() = default;

core::Fatal fatal_from(const creatorscore::ApiError& error) {
  using creatorscore::ApiErrorKind;
  switch (error.kind) {
    case ApiErrorKind::key_rejected: return Fatal(ExitCode::key_rejected, error.message);
    case ApiErrorKind::insufficient_credits: return Fatal(ExitCode::out_of_credits, error.message);
    case ApiErrorKind::interrupted: return Fatal(ExitCode::incomplete, "interrupted");
    case ApiErrorKind::deadline: return Fatal(ExitCode::incomplete, error.message);
    case ApiErrorKind::refused:
    case ApiErrorKind::bad_request:
    case ApiErrorKind::unavailable:
    case ApiErrorKind::bad_response: return Fatal(ExitCode::api_unavailable, error.message);
  }
  return Fatal(ExitCode::api_unavailable, error.message);
}

}  // namespace cli
