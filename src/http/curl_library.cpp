#include "http/curl_library.hpp"

#include <dlfcn.h>

#include <atomic>

namespace http {

namespace {

// True once curl_global_init has succeeded: release_curl_library() must clean up only what was
// initialised, and must not load libcurl just to do so.
std::atomic<bool> g_curl_initialised{false};

std::string dl_error_text() {
  const char* text = dlerror();
  return text != nullptr ? text : "unknown error";
}

std::string cannot_load(const char* soname, const std::string& why) {
  return std::string("cannot load ") + soname + " (" + why + "): install libcurl4 (apt-get install libcurl4)";
}

// dlsym's `void*` into the function's own pointer type (POSIX guarantees the two convert).
template <typename Function>
bool resolve_curl_function(void* library, const char* name, Function& slot) {
  void* symbol = dlsym(library, name);
  slot = reinterpret_cast<Function>(symbol);
  return symbol != nullptr;
}

util::Expected<CurlLibrary, std::string> load_and_initialise_curl() {
  auto loaded = detail::load_curl_library(k_curl_soname);
  if (!loaded) {
    return loaded;
  }
  // Once per process, before the first easy handle: curl_global_init(3) is not thread-safe on
  // every build, and curl_library()'s static makes this run exactly once.
  if (const CURLcode code = loaded->global_init(CURL_GLOBAL_DEFAULT); code != CURLE_OK) {
    return util::unexpected(std::string(k_curl_soname) + " could not be initialised (curl_global_init: " +
                            loaded->easy_strerror(code) + ")");
  }
  g_curl_initialised = true;
  return loaded;
}

}  // namespace

namespace detail {

util::Expected<CurlLibrary, std::string> load_curl_library(const char* soname) {
  // RTLD_NOW: a missing function shows here, as one error, rather than as a crash at its first
  // call. RTLD_LOCAL: libcurl's symbols stay out of the global namespace, as when it was linked.
  void* library = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
  if (library == nullptr) {
    return util::unexpected(cannot_load(soname, dl_error_text()));
  }
  CurlLibrary curl;
  const bool resolved = resolve_curl_function(library, "curl_global_init", curl.global_init) &&
                        resolve_curl_function(library, "curl_global_cleanup", curl.global_cleanup) &&
                        resolve_curl_function(library, "curl_easy_init", curl.easy_init) &&
                        resolve_curl_function(library, "curl_easy_setopt", curl.easy_setopt) &&
                        resolve_curl_function(library, "curl_easy_perform", curl.easy_perform) &&
                        resolve_curl_function(library, "curl_easy_getinfo", curl.easy_getinfo) &&
                        resolve_curl_function(library, "curl_easy_reset", curl.easy_reset) &&
                        resolve_curl_function(library, "curl_easy_cleanup", curl.easy_cleanup) &&
                        resolve_curl_function(library, "curl_easy_strerror", curl.easy_strerror) &&
                        resolve_curl_function(library, "curl_slist_append", curl.slist_append) &&
                        resolve_curl_function(library, "curl_slist_free_all", curl.slist_free_all);
  if (!resolved) {
    std::string why = dl_error_text();  // before dlclose, which may set its own
    dlclose(library);
    return util::unexpected(cannot_load(soname, why));
  }
  // The handle is never closed: the table points into the library for the rest of the process.
  return curl;
}

}  // namespace detail

std::string refused_option_message(const CurlLibrary& curl, const char* option, CURLcode code) {
  const std::string what = std::string(option) + " (" + curl.easy_strerror(code) + ")";
  if (code == CURLE_UNKNOWN_OPTION || code == CURLE_NOT_BUILT_IN) {
    return std::string(k_curl_soname) + " does not support " + what +
           ": install libcurl4 7.85 or later (apt-get install libcurl4)";
  }
  return "libcurl refused " + what + " for this request";
}

const util::Expected<CurlLibrary, std::string>& curl_library() {
  static const util::Expected<CurlLibrary, std::string> library = load_and_initialise_curl();
  return library;
}

void release_curl_library() {
  if (g_curl_initialised.exchange(false)) {
    curl_library()->global_cleanup();
  }
}

}  // namespace http
