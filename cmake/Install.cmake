# `cmake --install` and the Debian package (CPack). The usual places under the prefix:
#   bin/roster-enrich
#   share/man/man1/roster-enrich.1.gz                    (gzip -9n, as Debian policy asks; man reads it)
#   share/bash-completion/completions/roster-enrich      (bash-completion loads it on demand)
#   share/zsh/site-functions/_roster-enrich              (zsh's $fpath under /usr/local)
#   share/zsh/vendor-completions/_roster-enrich          (instead, under /usr: Debian's place, the .deb)
#   share/doc/roster-enrich/                             README.md, the sample rosters and outputs,
#                                                        copyright and changelog.gz (packaging/deb)
# The simulators are test tools, not part of the product: they are installed only when asked for,
# `cmake --install build --component simulator`, and stay out of the package (they would add a
# dependency on libcpp-httplib and put fake API servers on users' PATH).
include(GNUInstallDirs)

install(TARGETS roster-enrich RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT roster-enrich)
# gzip -n leaves out the name and time stamp, so the same sources give the same package.
# The changelog is `changelog.gz`, not `changelog.Debian.gz`: the package is native (version
# 0.1.0, no Debian revision: upstream builds it), and lintian answers the other name with
# wrong-name-for-changelog-of-native-package (Debian Policy 12.7).
set(ROSTER_ENRICH_MAN_GZ ${PROJECT_BINARY_DIR}/packaging/roster-enrich.1.gz)
set(ROSTER_ENRICH_CHANGELOG_GZ ${PROJECT_BINARY_DIR}/packaging/changelog.gz)
configure_file(${PROJECT_SOURCE_DIR}/packaging/deb/changelog.in ${PROJECT_BINARY_DIR}/packaging/changelog.in
               @ONLY)
add_custom_command(OUTPUT ${ROSTER_ENRICH_MAN_GZ}
                   COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_SOURCE_DIR}/man/roster-enrich.1
                           ${PROJECT_BINARY_DIR}/packaging/roster-enrich.1
                   COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/packaging/roster-enrich.1
                   DEPENDS ${PROJECT_SOURCE_DIR}/man/roster-enrich.1 VERBATIM)
add_custom_command(OUTPUT ${ROSTER_ENRICH_CHANGELOG_GZ}
                   COMMAND ${CMAKE_COMMAND} -E copy ${PROJECT_BINARY_DIR}/packaging/changelog.in
                           ${PROJECT_BINARY_DIR}/packaging/changelog
                   COMMAND gzip -9nf ${PROJECT_BINARY_DIR}/packaging/changelog
                   DEPENDS ${PROJECT_BINARY_DIR}/packaging/changelog.in VERBATIM)
add_custom_target(compressed_docs ALL DEPENDS ${ROSTER_ENRICH_MAN_GZ} ${ROSTER_ENRICH_CHANGELOG_GZ})
install(FILES ${ROSTER_ENRICH_MAN_GZ} DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 COMPONENT roster-enrich)
install(FILES ${PROJECT_SOURCE_DIR}/packaging/deb/copyright ${ROSTER_ENRICH_CHANGELOG_GZ}
        DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT roster-enrich)
install(FILES ${PROJECT_SOURCE_DIR}/completions/roster-enrich.bash
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions RENAME roster-enrich
        COMPONENT roster-enrich)
# The zsh folder is chosen when installing, since `cmake --install --prefix` may change the prefix:
# zsh's $fpath has share/zsh/site-functions under /usr/local (and upstream's default elsewhere);
# under /usr, where the .deb installs (CPack installs into <staging>/usr), Debian reserves
# site-functions for the local admin and puts packages' completions in vendor-completions.
install(CODE "set(ROSTER_ENRICH_ZSH_COMPLETION \"${PROJECT_SOURCE_DIR}/completions/_roster-enrich\")"
        COMPONENT roster-enrich)
install(CODE [[
  string(REGEX REPLACE "/+$" "" prefix "${CMAKE_INSTALL_PREFIX}")
  if(prefix MATCHES "(^|/)usr$")
    set(zsh_folder share/zsh/vendor-completions)
  else()
    set(zsh_folder share/zsh/site-functions)
  endif()
  file(INSTALL DESTINATION "${CMAKE_INSTALL_PREFIX}/${zsh_folder}" TYPE FILE
       FILES "${ROSTER_ENRICH_ZSH_COMPLETION}")
]] COMPONENT roster-enrich)
install(FILES ${PROJECT_SOURCE_DIR}/README.md DESTINATION ${CMAKE_INSTALL_DOCDIR} COMPONENT roster-enrich)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/samples/ DESTINATION ${CMAKE_INSTALL_DOCDIR}/examples
        COMPONENT roster-enrich)
install(TARGETS creatorscore-sim creatoraudit-sim RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR}
        COMPONENT simulator EXCLUDE_FROM_ALL)

# CPack: `cpack --config build/CPackConfig.cmake` builds roster-enrich_<version>_<arch>.deb.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME roster-enrich)
set(CPACK_PACKAGE_VENDOR "roster-enrich")
set(CPACK_PACKAGE_CONTACT "roster-enrich maintainers <maintainers@roster-enrich.dev>")
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY "score every creator of a roster through the CreatorScore API")
# The extended description, after the synopsis above: one string (several would be joined by `;`,
# which then led its lines), in lines of at most 80 columns once dpkg indents them (lintian:
# extended-description-line-too-long).
string(CONCAT CPACK_DEBIAN_PACKAGE_DESCRIPTION
    "roster-enrich reads a creator roster (CSV), scores every creator through the\n"
    "CreatorScore API and writes the roster back enriched, as CSV, JSON or JSON\n"
    "Lines. It never pays twice for a score, resumes after any interruption, stays\n"
    "inside the API's rate limit and reports through its exit status, so it can run\n"
    "unattended from cron or CI.")
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
# see it. 7.85.0 is the first with CURLOPT_PROTOCOLS_STR, which the transport sets. ca-certificates:
# libcurl verifies the API's TLS certificate against /etc/ssl/certs, which that package fills.
find_program(DPKG_SHLIBDEPS_EXECUTABLE dpkg-shlibdeps)
if(DPKG_SHLIBDEPS_EXECUTABLE)
  set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
  # CPack appends what dpkg-shlibdeps finds.
  set(CPACK_DEBIAN_PACKAGE_DEPENDS "ca-certificates, libcurl4 (>= 7.85.0)")
else()
  string(CONCAT CPACK_DEBIAN_PACKAGE_DEPENDS
      "ca-certificates, libc6 (>= 2.34), libcsv3 (>= 3.0.3), libcurl4 (>= 7.85.0), libgcc-s1 (>= 3.0), "
      "libsqlite3-0 (>= 3.20.0), libstdc++6 (>= 11)")
endif()
include(CPack)
