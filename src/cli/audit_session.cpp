#include "cli/audit_session.hpp"

#include "cli/api_session.hpp"
#include "creatoraudit/client.hpp"
#include "creatoraudit/header_pacer.hpp"
#include "creatoraudit/session.hpp"
#include "http/client.hpp"
#include "http/retry_policy.hpp"
#include "http/transport.hpp"
#include "util/clock.hpp"

namespace cli {

using core::ExitCode;
using core::Fatal;

std::string resolve_audit_base_url(const AuditConnectionOptions& audit, const GlobalOptions& global) {
  return checked_base_url(configured_url(audit.base_url, "CREATORAUDIT_BASE_URL", k_default_audit_base_url),
                          global.allow_insecure_http);
}

std::string read_audit_key(const AuditConnectionOptions& audit) {
  return read_key("CREATORAUDIT_API_KEY", audit.key_file, "CreatorAudit key");
}

std::string missing_audit_key_message() {
  return "no CreatorAudit key: set CREATORAUDIT_API_KEY or pass --audit-key-file FILE (the key of your "
         "CreatorAudit organization)";
}

AuditSession::AuditSession(const GlobalOptions& options, std::string base_url, std::string api_key,
                           const std::atomic<bool>* stop_flag, util::RealClock* shared_clock)
    : m_base_url(std::move(base_url)), m_clock_in_use(shared_clock) {
  if (api_key.empty()) {
    throw Fatal(ExitCode::key_rejected, missing_audit_key_message());
  }
  if (m_clock_in_use == nullptr) {
    m_clock = std::make_unique<util::RealClock>(resolve_time_scale(), stop_flag);
    m_clock_in_use = m_clock.get();
  }
  m_transport = make_transport(options, stop_flag);
  m_pacer = std::make_unique<creatoraudit::HeaderPacer>(*m_clock_in_use);
  const std::uint64_t seed = fresh_jitter_seed();
  m_http = std::make_unique<http::Client>(*m_transport, *m_clock_in_use, *m_pacer, http::RetryPolicy{{}, seed});
  observe_requests(*m_http, options);
  m_session = std::make_unique<creatoraudit::Session>(*m_http, m_base_url, std::move(api_key));
  m_api = std::make_unique<creatoraudit::Client>(*m_session);
}

AuditSession::~AuditSession() = default;

core::Fatal audit_fatal_from(const creatoraudit::ApiError& error) {
  using creatoraudit::ApiErrorKind;
  const std::string& message = error.message;  // it names CreatorAudit already
  switch (error.kind) {
    case ApiErrorKind::key_rejected:
      return Fatal(ExitCode::key_rejected, message);
    case ApiErrorKind::interrupted:
      return Fatal(ExitCode::incomplete, "interrupted");
    case ApiErrorKind::deadline:
      return Fatal(ExitCode::incomplete, message);
    case ApiErrorKind::refused:
    case ApiErrorKind::bad_request:
    case ApiErrorKind::unavailable:
    case ApiErrorKind::bad_response:
      return Fatal(ExitCode::api_unavailable, message);
  }
  return Fatal(ExitCode::api_unavailable, message);
}

}  // namespace cli
