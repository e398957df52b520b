# Every dependency comes from Debian's packages (scripts/install-deps.sh); nothing is downloaded.
find_package(CLI11 CONFIG REQUIRED)
find_package(nlohmann_json CONFIG REQUIRED)
find_package(CURL REQUIRED)
find_package(SQLite3 REQUIRED)
find_package(PkgConfig REQUIRED)

# libcsv (libcsv-dev) ships neither a CMake package nor a .pc file.
find_path(CSV_INCLUDE_DIR csv.h REQUIRED)
find_library(CSV_LIBRARY csv REQUIRED)
add_library(roster_enrich_csv INTERFACE)
target_include_directories(roster_enrich_csv SYSTEM INTERFACE ${CSV_INCLUDE_DIR})
target_link_libraries(roster_enrich_csv INTERFACE ${CSV_LIBRARY})

# cpp-httplib (libcpp-httplib-dev), for the simulators and the webhook listener (src/webhook/).
pkg_check_modules(CPP_HTTPLIB REQUIRED IMPORTED_TARGET cpp-httplib)
add_library(roster_enrich_httplib INTERFACE)
target_link_libraries(roster_enrich_httplib INTERFACE PkgConfig::CPP_HTTPLIB)
find_package(Threads REQUIRED)
target_link_libraries(roster_enrich_httplib INTERFACE Threads::Threads)

# OpenSSL's libcrypto (libssl-dev): HMAC-SHA256 and CRYPTO_memcmp for webhook signatures.
find_package(OpenSSL REQUIRED)

if(ROSTER_ENRICH_TESTS)
  find_package(doctest CONFIG REQUIRED)
endif()
