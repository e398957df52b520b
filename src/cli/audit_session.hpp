#pragma once

// Everything a command needs to talk to CreatorAudit, beside ApiSession (CreatorScore's): the key
// (CREATORAUDIT_API_KEY or --audit-key-file), the base URL (--audit-base-url,
// CREATORAUDIT_BASE_URL, else the default, under the same http/TLS rules as --base-url), the same
// time-scaled clock, proxy and TLS settings, and its own HeaderPacer learning the X-RateLimit-*
// headers; never CreatorScore's limiter.

#include <atomic>
#include <memory>
#include <string>

#include "cli/global_options.hpp"
#include "cli/providers.hpp"
#include "core/exit_code.hpp"
#include "creatoraudit/types.hpp"

namespace util {
class RealClock;
}
namespace http {
class Client;
class Transport;
}  // namespace http
namespace creatoraudit {
class Client;
class HeaderPacer;
class Session;
}  // namespace creatoraudit

namespace cli {

inline constexpr const char* k_default_audit_base_url = "https://api.creatoraudit.com/v2";

// --audit-base-url, else CREATORAUDIT_BASE_URL, else the default, without a trailing slash, checked
// as --base-url is (exit 64 for an insecure URL).
std::string resolve_audit_base_url(const AuditConnectionOptions& audit, const GlobalOptions& global);

// The key from --audit-key-file or CREATORAUDIT_API_KEY; empty when neither is set; exit 77 when
// the file cannot be read or holds no key.
std::string read_audit_key(const AuditConnectionOptions& audit);

// The line for exit 77 when CreatorAudit is in use and no key is set.
std::string missing_audit_key_message();

class AuditSession {
 public:
  // Throws core::Fatal(key_rejected) naming CreatorAudit when `api_key` is empty.
  // `shared_clock`, when given, is the clock of the run's other provider: one clock for the whole
  // run, so that the due times of both providers compare (it must outlive the session).
  AuditSession(const GlobalOptions& options, std::string base_url, std::string api_key,
               const std::atomic<bool>* stop_flag, util::RealClock* shared_clock = nullptr);
  ~AuditSession();

  util::RealClock& clock() { return *m_clock_in_use; }
  http::Client& http() { return *m_http; }
  creatoraudit::Client& api() { return *m_api; }
  creatoraudit::HeaderPacer& pacer() { return *m_pacer; }
  const std::string& base_url() const { return m_base_url; }

 private:
  std::string m_base_url;
  std::unique_ptr<util::RealClock> m_clock;  // unless shared
  util::RealClock* m_clock_in_use = nullptr;
  std::unique_ptr<http::Transport> m_transport;
  std::unique_ptr<creatoraudit::HeaderPacer> m_pacer;
  std::unique_ptr<http::Client> m_http;
  std::unique_ptr<creatoraudit::Session> m_session;
  std::unique_ptr<creatoraudit::Client> m_api;
};

// The exit code and one line for a CreatorAudit error that ends a command, naming CreatorAudit:
// 77 for a rejected key, 75 for a stop, 69 for everything else.
core::Fatal audit_fatal_from(const creatoraudit::ApiError& error);

}  // namespace cli
