#include <doctest/doctest.h>

#include <string>

#include "http/curl_library.hpp"

namespace {

// Every pointer of the table, so that a function added to it without being resolved fails here.
bool every_curl_function_resolved(const http::CurlLibrary& curl) {
  return curl.global_init != nullptr && curl.global_cleanup != nullptr && curl.easy_init != nullptr &&
         curl.easy_setopt != nullptr && curl.easy_perform != nullptr && curl.easy_getinfo != nullptr &&
         curl.easy_reset != nullptr && curl.easy_cleanup != nullptr && curl.easy_strerror != nullptr &&
         curl.slist_append != nullptr && curl.slist_free_all != nullptr;
}

}  // namespace

TEST_SUITE("http::curl_library") {
  TEST_CASE("loads libcurl.so.4 and resolves every function it calls") {
    const auto& library = http::curl_library();
    REQUIRE_MESSAGE(library, (library ? std::string() : library.error()));
    CHECK(every_curl_function_resolved(*library));
    // The table works: an easy handle comes and goes (curl_global_init has run).
    CURL* easy = library->easy_init();
    CHECK(easy != nullptr);
    library->easy_cleanup(easy);
    CHECK(std::string(library->easy_strerror(CURLE_OK)) == "No error");
  }

  TEST_CASE("a second call returns the same table, loaded once") {
    const auto& first = http::curl_library();
    const auto& second = http::curl_library();
    CHECK(&first == &second);
    REQUIRE(first);
    // (Doubled parentheses: doctest cannot print a function pointer, so it must not decompose.)
    CHECK((first->easy_perform == second->easy_perform));
    // Loading the library again resolves the same functions: one libcurl in the process.
    const auto again = http::detail::load_curl_library(http::k_curl_soname);
    REQUIRE(again);
    CHECK((again->easy_init == first->easy_init));
    CHECK((again->slist_free_all == first->slist_free_all));
  }

  TEST_CASE("a refused option: one line naming it; an unknown one says which libcurl to install") {
    const auto& library = http::curl_library();
    REQUIRE(library);
    CHECK(http::refused_option_message(*library, "CURLOPT_PROTOCOLS_STR", CURLE_UNKNOWN_OPTION) ==
          "libcurl.so.4 does not support CURLOPT_PROTOCOLS_STR (An unknown option was passed in to libcurl): "
          "install libcurl4 7.85 or later (apt-get install libcurl4)");
    CHECK(http::refused_option_message(*library, "CURLOPT_ACCEPT_ENCODING", CURLE_NOT_BUILT_IN).find(
              "install libcurl4 7.85 or later") != std::string::npos);
    CHECK(http::refused_option_message(*library, "CURLOPT_URL", CURLE_BAD_FUNCTION_ARGUMENT) ==
          "libcurl refused CURLOPT_URL (A libcurl function was given a bad argument) for this request");
  }

  TEST_CASE("a missing library is one line naming it, why, and what to install") {
    const auto missing = http::detail::load_curl_library("libroster-enrich-no-such-curl.so.4");
    REQUIRE_FALSE(missing);
    const std::string& message = missing.error();
    CHECK(message.rfind("cannot load libroster-enrich-no-such-curl.so.4 (", 0) == 0);
    CHECK(message.find("cannot open shared object file") != std::string::npos);  // dlerror's reason
    CHECK(message.find("): install libcurl4 (apt-get install libcurl4)") != std::string::npos);
    CHECK(message.find('\n') == std::string::npos);
  }

  TEST_CASE("a library that is not libcurl names the function it lacks") {
    // libc is loaded in every process and exports none of curl's functions.
    const auto not_curl = http::detail::load_curl_library("libc.so.6");
    REQUIRE_FALSE(not_curl);
    CHECK(not_curl.error().rfind("cannot load libc.so.6 (", 0) == 0);
    CHECK(not_curl.error().find("undefined symbol: curl_global_init") != std::string::npos);
    CHECK(not_curl.error().find("install libcurl4") != std::string::npos);
  }
}
