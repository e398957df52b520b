# `cmake --install` and the Debian package (CPack). The usual places under the prefix:
#   bin/roster-enrich
#   share/man/man1/roster-enrich.1
#   share/bash-completion/completions/roster-enrich      (bash-completion loads it on demand)
#   share/zsh/vendor-completions/_roster-enrich          (on Debian's default $fpath)
#   share/doc/roster-enrich/                             README.md, the sample rosters and outputs
# The simulators are test tools, not part of the product: they are installed only when asked for,
# `cmake --install build --component simulator`, and stay out of the package (they would add a
# dependency on libcpp-httplib and put fake API servers on users' PATH).
include(GNUInstallDirs)

install(TARGETS roster-enrich RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT roster-enrich)
install(FILES ${PROJECT_SOURCE_DIR}/man/roster-enrich.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1
        COMPONENT roster-enrich)
install(FILES ${PROJECT_SOURCE_DIR}/completions/roster-enrich.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME roster-enrich
        COMPONENT roster-enrich)
install(FILES ${PROJECT_SOURCE_DIR}/completions/_roster-enrich
        DESTINATION ${CMAKE_INSTALL_DATADIR}/zsh/vendor-completions COMPONENT roster-enrich)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT roster-enrich)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/samples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        COMPONENT roster-enrich)
install(TARGETS creatorscore-sim creatoraudit-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT simulator EXCLUDE_FROM_ALL)

# CPack: `cpack --config build/CPackConfig.cmake` builds roster-enrich_<version>_<arch>.deb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME roster-enrich)
set(CPACK_PACKAGE_VENDOR "roster-enrich")
set(CPACK_PACKAGE_CONTACT "roster-enrich maintainers <roster-enrich@localhost>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "score every creator of a roster through the CreatorScore API")
set(CPACK_PACKAGE_DESCRIPTION
    "roster-enrich reads a creator roster (CSV), scores every creator through the CreatorScore API\n"
    "and writes the roster back enriched, as CSV, JSON or JSON Lines. It never pays twice for a\n"
    "score, resumes after any interruption, stays inside the API's rate limit and reports through\n"
    "its exit status, so it can run unattended from cron or CI.")
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
set(CPACK_STRIP_FILES ON)
# Only the product: the `simulator` component is excluded from the default install.
set(CPACK_DEB_COMPONENT_INSTALL OFF)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION utils)
set(CPACK_DEBIAN_PACKAGE_PRIORITY optional)
set(CPACK_DEBIAN_PACKAGE_HOMEPAGE "https://creatorscore.io")
set(CPACK_DEBIAN_PACKAGE_SUGGESTS "bash-completion")
# Depends: computed by dpkg-shlibdeps from the binary's libraries where it is installed (dpkg-dev,
# which scripts/install-deps.sh installs); otherwise what dpkg-shlibdeps gives on Debian 12.
# libcurl4 is named by hand: it is dlopen'ed (src/http/curl_library.hpp), so dpkg-shlibdeps cannot
# see it. 7.85.0 is the first with CURLOPT_PROTOCOLS_STR, which the transport sets.
find_program(DPKG_SHLIBDEPS_EXECUTABLE dpkg-shlibdeps)
if(DPKG_SHLIBDEPS_EXECUTABLE)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "libcurl4 (>= 7.85.0)")  # CPack appends what dpkg-shlibdeps finds
else()
  set(CPACK_DEBIAN_PACKAGE_DEPENDS
      "libc6 (>= 2.34), libcsv3 (>= 3.0.3), libcurl4 (>= 7.85.0), libgcc-s1 (>= 3.0), libsqlite3-0 (>= 3.20.0), libstdc++6 (>= 11)")
endif()
include(CPack)
