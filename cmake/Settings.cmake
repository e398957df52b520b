# Warnings and sanitizers for our own targets only, never for third-party code.
add_library(roster_enrich_settings INTERFACE)
target_compile_options(roster_enrich_settings INTERFACE -Wall -Wextra -Wpedantic -Wshadow
                       -Wnon-virtual-dtor -Wold-style-cast -Wcast-align -Woverloaded-virtual)
if(ROSTER_ENRICH_WERROR)
  target_compile_options(roster_enrich_settings INTERFACE -Werror)
endif()
if(CMAKE_BUILD_TYPE STREQUAL "Debug")
  target_compile_definitions(roster_enrich_settings INTERFACE _GLIBCXX_ASSERTIONS)
endif()
if(ROSTER_ENRICH_SANITIZE)
  list(JOIN ROSTER_ENRICH_SANITIZE "," sanitizers)
  target_compile_options(roster_enrich_settings INTERFACE -fsanitize=${sanitizers} -fno-omit-frame-pointer
                         -fno-sanitize-recover=all)
  target_link_options(roster_enrich_settings INTERFACE -fsanitize=${sanitizers})
  # GCC 12's flow warnings misfire on sanitizer-instrumented libstdc++ code (e.g. -Wrestrict on a
  # std::string assignment); the unsanitized build still checks them.
  if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU")
    target_compile_options(roster_enrich_settings INTERFACE -Wno-restrict -Wno-maybe-uninitialized
                           -Wno-stringop-overflow -Wno-stringop-overread -Wno-array-bounds)
  endif()
endif()
