#pragma once

// libcurl, loaded with dlopen on first use instead of by the dynamic loader at every start. Mapping
// and relocating libcurl and the ~28 libraries it pulls in (TLS, Kerberos, LDAP, SSH, HTTP/2) cost
// each start ~20 ms of CPU (19 ms measured), which --help, --version, status and quote without a
// key paid for nothing: they never send a request. The binary still compiles against
// <curl/curl.h> for its types and constants, but calls libcurl only through the table below, so the
// library is no DT_NEEDED entry of roster-enrich. Only http/ includes this header (the one outside .cpp files
// that includes curl.h, see ARCHITECTURE.md); the rest of the program goes through curl_transport.

#include <curl/curl.h>

#include <string>

#include "util/expected.hpp"

namespace http {

// The library loaded, by the name its runtime package (libcurl4) installs.
inline constexpr const char* k_curl_soname = "libcurl.so.4";

// The libcurl functions roster-enrich calls, each resolved from the loaded library (never null).
struct CurlLibrary {
  decltype(&::curl_global_init) global_init = nullptr;
  decltype(&::curl_global_cleanup) global_cleanup = nullptr;
  decltype(&::curl_easy_init) easy_init = nullptr;
  decltype(&::curl_easy_setopt) easy_setopt = nullptr;
  decltype(&::curl_easy_perform) easy_perform = nullptr;
  decltype(&::curl_easy_getinfo) easy_getinfo = nullptr;
  decltype(&::curl_easy_reset) easy_reset = nullptr;
  decltype(&::curl_easy_cleanup) easy_cleanup = nullptr;
  decltype(&::curl_easy_strerror) easy_strerror = nullptr;
  decltype(&::curl_slist_append) slist_append = nullptr;
  decltype(&::curl_slist_free_all) slist_free_all = nullptr;
};

// libcurl, loaded and curl_global_init'ed by the first call (thread-safe); every later call returns
// the same table. Or, when libcurl.so.4 is missing, lacks a function or will not initialise, why,
// in one line for the user that says what to install; that error too is the same on every call.
const util::Expected<CurlLibrary, std::string>& curl_library();

// curl_global_cleanup, if curl_library() ever initialised libcurl (a start that sent no request
// never loads it). For the end of the process, once every easy handle is gone; later calls do
// nothing. The library stays mapped: unloading it buys nothing at exit.
void release_curl_library();

// Why a request cannot go out when `curl` refused `option` (its name, e.g. "CURLOPT_URL") with
// `code`, in one line: an option this libcurl does not know means an older library than the one
// roster-enrich is built for (CURLOPT_PROTOCOLS_STR needs 7.85), which it says how to replace.
std::string refused_option_message(const CurlLibrary& curl, const char* option, CURLcode code);

namespace detail {

// Loads `soname` and resolves the table from it, without curl_global_init and without caching:
// curl_library()'s own step, apart so that tests can load a library that is missing or is not
// libcurl. The error reads "cannot load <soname> (<dlerror>): install libcurl4 ...".
util::Expected<CurlLibrary, std::string> load_curl_library(const char* soname);

}  // namespace detail

}  // namespace http
