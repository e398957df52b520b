#include "http/curl_transport.hpp"

#include <curl/curl.h>

#include <optional>
#include <string>

#include "http/curl_library.hpp"
#include "http/proxy_policy.hpp"
#include "http/url_policy.hpp"
#include "util/text.hpp"

namespace http {

namespace {

// Only a list built through the loaded library reaches it (unique_ptr never deletes null).
struct SlistDeleter {
  void operator()(curl_slist* list) const { curl_library()->slist_free_all(list); }
};
using Slist = std::unique_ptr<curl_slist, SlistDeleter>;

struct Sink {
  Response* response = nullptr;
  std::size_t cap = 0;
  bool over_cap = false;
};

extern "C" std::size_t on_body(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t bytes = size * count;
  if (bytes > sink->cap - sink->response->body.size()) {
    sink->over_cap = true;
    return 0;  // makes curl stop with CURLE_WRITE_ERROR
  }
  sink->response->body.append(data, bytes);
  return bytes;
}

extern "C" std::size_t on_header(char* data, std::size_t size, std::size_t count, void* user) {
  auto* sink = static_cast<Sink*>(user);
  const std::size_t bytes = size * count;
  const std::string_view line(data, bytes);
  if (util::starts_with_ignoring_case(line, "HTTP/")) {
    sink->response->headers.clear();  // a new response (after a 100 Continue or a redirect)
  } else if (const auto colon = line.find(':'); colon != std::string_view::npos) {
    sink->response->headers.emplace_back(std::string(util::trim(line.substr(0, colon))),
                                         std::string(util::trim(line.substr(colon + 1))));
  }
  return bytes;
}

// CURLOPT_XFERINFOFUNCTION: a non-zero return abandons the transfer (CURLE_ABORTED_BY_CALLBACK).
extern "C" int on_progress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
  const auto* stop_flag = static_cast<const std::atomic<bool>*>(user);
  return stop_flag != nullptr && stop_flag->load() ? 1 : 0;
}

// "8 MiB" for the usual caps, the exact byte count otherwise.
std::string describe_size(std::size_t bytes) {
  constexpr std::size_t k_mib = 1024 * 1024;
  return bytes % k_mib == 0 ? std::to_string(bytes / k_mib) + " MiB" : std::to_string(bytes) + " bytes";
}

ErrorKind kind_of(CURLcode code) {
  switch (code) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY: return ErrorKind::connect;
    case CURLE_OPERATION_TIMEDOUT: return ErrorKind::timeout;
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_PARTIAL_FILE: return ErrorKind::dropped;
    case CURLE_SSL_CONNECT_ERROR:
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE: return ErrorKind::tls;
    case CURLE_ABORTED_BY_CALLBACK: return ErrorKind::interrupted;
    default: return ErrorKind::other;
  }
}

// Sets options on one easy handle and keeps the first that libcurl refuses: a request must not go
// out with an option silently unset, since some of them keep the key on the API's host and TLS
// verified.
class OptionSetter {
 public:
  OptionSetter(const CurlLibrary& curl, CURL* easy) : m_curl(curl), m_easy(easy) {}

  template <class Value>
  void set(CURLoption option, const char* name, Value value) {
    if (m_refused != nullptr) {
      return;
    }
    if (const CURLcode code = m_curl.easy_setopt(m_easy, option, value); code != CURLE_OK) {
      m_refused = name;
      m_code = code;
    }
  }

  // Why the request cannot go out, in one line; nothing when every option was set.
  std::optional<std::string> problem() const {
    if (m_refused == nullptr) {
      return std::nullopt;
    }
    return refused_option_message(m_curl, m_refused, m_code);
  }

 private:
  const CurlLibrary& m_curl;
  CURL* m_easy;
  const char* m_refused = nullptr;
  CURLcode m_code = CURLE_OK;
};

}  // namespace

struct CurlTransport::Handle {
  CURL* easy = nullptr;  // null when libcurl could not be loaded or initialised
  // curl's own detail of the last failure ("SSL certificate problem: self-signed certificate"),
  // which says more than the generic text for its code (CURLOPT_ERRORBUFFER(3)). Lives as long as
  // the handle that writes into it.
  char error_detail[CURL_ERROR_SIZE] = {};
  ~Handle() {
    if (easy != nullptr) {
      curl_library()->easy_cleanup(easy);
    }
  }
};

CurlTransport::CurlTransport(CurlOptions options) : m_options(options), m_handle(std::make_unique<Handle>()) {
  // The first transport loads libcurl (see curl_library.hpp); a start that sends nothing never does.
  if (const auto& library = curl_library()) {
    m_handle->easy = library->easy_init();
  }
}

CurlTransport::~CurlTransport() = default;

util::Expected<Response, Error> CurlTransport::send(const Request& request) {
  if (!m_options.allow_insecure_http) {
    if (const auto problem = insecure_url_problem(request.url)) {
      return util::unexpected(Error{ErrorKind::refused, *problem});
    }
    if (const auto problem = insecure_proxy_problem(request.url, process_environment())) {
      return util::unexpected(Error{ErrorKind::refused, *problem});
    }
  }
  const auto& library = curl_library();
  if (!library) {
    // Not retried (refused): a missing library will not appear between two attempts.
    return util::unexpected(Error{ErrorKind::refused, library.error()});
  }
  const CurlLibrary& curl = *library;
  CURL* easy = m_handle->easy;
  if (easy == nullptr) {
    return util::unexpected(Error{ErrorKind::other, "libcurl could not be initialised"});
  }
  // Reset per request but keep the handle: its connection cache gives keep-alive to the API.
  curl.easy_reset(easy);
  Response response;
  Sink sink{&response, m_options.max_response_bytes, false};
  Slist headers;
  for (const auto& [name, value] : request.headers) {
    const std::string line = name + ": " + value;
    curl_slist* appended = curl.slist_append(headers.get(), line.c_str());
    if (appended == nullptr) {
      return util::unexpected(Error{ErrorKind::other, "out of memory building request headers"});
    }
    (void)headers.release();
    headers.reset(appended);
  }
  const std::string user_agent = std::string("roster-enrich/") + ROSTER_ENRICH_VERSION;
  OptionSetter options(curl, easy);
  options.set(CURLOPT_URL, "CURLOPT_URL", request.url.c_str());
  // The path goes out as built: libcurl would otherwise squash `/..` and `/.` (another endpoint).
  options.set(CURLOPT_PATH_AS_IS, "CURLOPT_PATH_AS_IS", 1L);
  options.set(CURLOPT_HTTPHEADER, "CURLOPT_HTTPHEADER", headers.get());
  options.set(CURLOPT_USERAGENT, "CURLOPT_USERAGENT", user_agent.c_str());
  options.set(CURLOPT_NOSIGNAL, "CURLOPT_NOSIGNAL", 1L);
  options.set(CURLOPT_CONNECTTIMEOUT_MS, "CURLOPT_CONNECTTIMEOUT_MS",
              static_cast<long>(m_options.connect_timeout.count()));
  options.set(CURLOPT_TIMEOUT_MS, "CURLOPT_TIMEOUT_MS", static_cast<long>(m_options.total_timeout.count()));
  m_handle->error_detail[0] = '\0';
  options.set(CURLOPT_ERRORBUFFER, "CURLOPT_ERRORBUFFER", m_handle->error_detail);
  options.set(CURLOPT_WRITEFUNCTION, "CURLOPT_WRITEFUNCTION", on_body);
  options.set(CURLOPT_WRITEDATA, "CURLOPT_WRITEDATA", &sink);
  options.set(CURLOPT_HEADERFUNCTION, "CURLOPT_HEADERFUNCTION", on_header);
  options.set(CURLOPT_HEADERDATA, "CURLOPT_HEADERDATA", &sink);
  // SIGINT/SIGTERM end the run within about a second, even while an answer is awaited.
  options.set(CURLOPT_NOPROGRESS, "CURLOPT_NOPROGRESS", 0L);
  options.set(CURLOPT_XFERINFOFUNCTION, "CURLOPT_XFERINFOFUNCTION", on_progress);
  options.set(CURLOPT_XFERINFODATA, "CURLOPT_XFERINFODATA", static_cast<const void*>(m_options.stop_flag));
  options.set(CURLOPT_PROTOCOLS_STR, "CURLOPT_PROTOCOLS_STR", "http,https");
  // A redirect would carry the key elsewhere; TLS verification is never switched off.
  options.set(CURLOPT_FOLLOWLOCATION, "CURLOPT_FOLLOWLOCATION", 0L);
  options.set(CURLOPT_SSL_VERIFYPEER, "CURLOPT_SSL_VERIFYPEER", 1L);
  options.set(CURLOPT_SSL_VERIFYHOST, "CURLOPT_SSL_VERIFYHOST", 2L);
  options.set(CURLOPT_ACCEPT_ENCODING, "CURLOPT_ACCEPT_ENCODING", "");
  // Refuses at once a body whose Content-Length is past the cap; on_body catches the others.
  options.set(CURLOPT_MAXFILESIZE_LARGE, "CURLOPT_MAXFILESIZE_LARGE",
              static_cast<curl_off_t>(m_options.max_response_bytes));
  if (request.method == Method::post) {
    options.set(CURLOPT_POST, "CURLOPT_POST", 1L);
    options.set(CURLOPT_POSTFIELDS, "CURLOPT_POSTFIELDS", request.body.data());
    options.set(CURLOPT_POSTFIELDSIZE_LARGE, "CURLOPT_POSTFIELDSIZE_LARGE",
                static_cast<curl_off_t>(request.body.size()));
  } else {
    options.set(CURLOPT_HTTPGET, "CURLOPT_HTTPGET", 1L);
  }
  if (auto problem = options.problem()) {
    // Not retried (refused): the same options would be refused again.
    return util::unexpected(Error{ErrorKind::refused, std::move(*problem)});
  }

  const CURLcode code = curl.easy_perform(easy);
  long status = 0;
  curl.easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &status);
  if ((sink.over_cap || code == CURLE_FILESIZE_EXCEEDED) && status != 0) {
    // An oversized answer is a malformed one, as a truncated body is: keep its status for the retry
    // policy and the error line, free what arrived (PRODUCT.md: "Responses are capped in size").
    std::string().swap(response.body);
    response.status = static_cast<int>(status);
    response.body_problem = "the response body is larger than " + describe_size(m_options.max_response_bytes) +
                            ", the limit for one answer";
    return response;
  }
  if (code != CURLE_OK) {
    // (A cap passed before any status line cannot happen: a body follows its headers. Were it to,
    // the default branch reports it as a transport error, which is retried.)
    const std::string_view detail = util::trim(m_handle->error_detail);
    const ErrorKind kind = kind_of(code);
    std::string message = (detail.empty() ? std::string(curl.easy_strerror(code)) : std::string(detail)) + " (" +
                          url_host(request.url) + ")";
    if (kind == ErrorKind::tls) {
      message += "; certificates are always verified: the server's must chain to a CA this system trusts";
    } else if (kind == ErrorKind::interrupted) {
      message = "abandoned on SIGINT/SIGTERM before its answer arrived (" + url_host(request.url) + ")";
    }
    return util::unexpected(Error{kind, std::move(message)});
  }
  response.status = static_cast<int>(status);
  return response;
}

std::optional<std::string> curl_unavailable_reason() {
  if (const auto& library = curl_library(); !library) {
    return library.error();
  }
  return std::nullopt;
}

void release_curl() { release_curl_library(); }

}  // namespace http
