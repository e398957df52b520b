#!/usr/bin/env bash
# package.deb: `cmake --install` puts every file in its usual place; CPack builds the .deb; its
# contents (dpkg-deb -c) and control fields (Depends) are right; extracted into a scratch root
# (dpkg -x), the binary runs (--version), its libraries resolve, and `man -l` and mandoc read the
# installed man page; the installed bash completion loads; lintian finds no error and no warning
# (its whole report is printed when it does); `--prefix /usr/local` puts the zsh completion where zsh
# looks there (share/zsh/site-functions).
#   BUILD_DIR=build VERSION=0.1.0 bash tests/package/deb.sh      (after a full build)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/../shell/err_trap.sh"  # says what failed, and where
: "${BUILD_DIR:?set by ctest}" "${VERSION:?set by ctest}"
for tool in cpack dpkg-deb dpkg man mandoc lintian; do
  command -v "$tool" >/dev/null || { echo "$tool is missing (scripts/install-deps.sh)" >&2; exit 1; }
done
mkdir -p "${TEST_TMP:-/tmp}"
work=$(mktemp -d "${TEST_TMP:-/tmp}/deb.XXXXXX")
failures=0
trap 'if [ "$failures" -eq 0 ]; then rm -rf "$work"; else echo "kept $work" >&2; fi' EXIT
pass() { echo "ok - $*"; }
fail() { echo "FAIL - $*" >&2; failures=$((failures + 1)); }
check() { local what=$1; shift; if "$@"; then pass "$what"; else fail "$what"; fi; }

# 1. cmake --install into a staging directory.
DESTDIR="$work/stage" cmake --install "$BUILD_DIR" --prefix /usr >"$work/install.log"
for path in usr/bin/roster-enrich usr/share/man/man1/roster-enrich.1.gz \
            usr/share/bash-completion/completions/roster-enrich usr/share/zsh/vendor-completions/_roster-enrich \
            usr/share/doc/roster-enrich/README.md usr/share/doc/roster-enrich/examples/roster.csv \
            usr/share/doc/roster-enrich/copyright usr/share/doc/roster-enrich/changelog.gz; do
  check "cmake --install: /$path" test -f "$work/stage/$path"
done
check "cmake --install --prefix /usr: no zsh completion in site-functions (the admin's, on Debian)" \
  test ! -e "$work/stage/usr/share/zsh/site-functions/_roster-enrich"
DESTDIR="$work/stage-local" cmake --install "$BUILD_DIR" --prefix /usr/local >/dev/null
check "cmake --install --prefix /usr/local: zsh completion in share/zsh/site-functions (on zsh's \$fpath)" \
  test -f "$work/stage-local/usr/local/share/zsh/site-functions/_roster-enrich"
check "cmake --install --prefix /usr/local: nothing in share/zsh/vendor-completions" \
  test ! -e "$work/stage-local/usr/local/share/zsh/vendor-completions"
DESTDIR="$work/stage-sim" cmake --install "$BUILD_DIR" --prefix /usr --component simulator >/dev/null
for sim in creatorscore-sim creatoraudit-sim; do
  check "cmake --install: $sim is not installed by default" test ! -e "$work/stage/usr/bin/$sim"
  check "cmake --install --component simulator: /usr/bin/$sim" test -x "$work/stage-sim/usr/bin/$sim"
done

# 2. cpack builds the .deb.
if ! cpack --config "$BUILD_DIR/CPackConfig.cmake" -G DEB -B "$work/out" >"$work/cpack.log" 2>&1; then
  cat "$work/cpack.log" >&2
  fail "cpack -G DEB"
  exit 1
fi
arch=$(dpkg --print-architecture)
deb="$work/out/roster-enrich_${VERSION}_${arch}.deb"
check "cpack made roster-enrich_${VERSION}_${arch}.deb" test -f "$deb"

# 3. Its contents.
dpkg-deb -c "$deb" >"$work/contents"
for path in ./usr/bin/roster-enrich ./usr/share/man/man1/roster-enrich.1.gz \
            ./usr/share/bash-completion/completions/roster-enrich ./usr/share/zsh/vendor-completions/_roster-enrich \
            ./usr/share/doc/roster-enrich/README.md ./usr/share/doc/roster-enrich/copyright \
            ./usr/share/doc/roster-enrich/changelog.gz; do
  check "dpkg-deb -c lists $path" grep -qE " ${path//./\\.}\$" "$work/contents"
done
check "dpkg-deb -c: roster-enrich is executable (rwxr-xr-x)" grep -qE '^-rwxr-xr-x .* \./usr/bin/roster-enrich$' "$work/contents"
check "the package holds no simulator" bash -c "! grep -qE 'creator(score|audit)-sim' '$work/contents'"
check "the package installs nothing outside /usr" bash -c "! awk '{print \$NF}' '$work/contents' | grep -vE '^\./(usr/.*)?\$'"

# 4. Its control fields.
check "Package: roster-enrich" test "$(dpkg-deb -f "$deb" Package)" = roster-enrich
check "Version: $VERSION" test "$(dpkg-deb -f "$deb" Version)" = "$VERSION"
check "Architecture: $arch" test "$(dpkg-deb -f "$deb" Architecture)" = "$arch"
depends=$(dpkg-deb -f "$deb" Depends)
echo "# Depends: $depends"
depends_names=$(sed 's/, */\n/g' <<<"$depends" | sed 's/ .*//')
for package in ca-certificates libc6 libcurl4 libsqlite3-0 libcsv3 libstdc++6; do
  check "Depends names $package" grep -qxF "$package" <<<"$depends_names"
done
check "Depends names no -dev package" bash -c "! grep -q -- '-dev' <<<'$depends'"
description=$(dpkg-deb -f "$deb" Description)
check "Description: no line of the extended description starts with ;" \
  bash -c "! sed 1d <<<\"\$1\" | grep -q '^ *;'" _ "$description"

# 4b. lintian, at the error and warning levels (info and pedantic tags are advice). Overrides, if
# ever needed, belong in the package with a comment why (cmake/Install.cmake).
if lintian --fail-on error,warning --display-level '>=warning' "$deb" >"$work/lintian.log" 2>&1; then
  pass "lintian: no error, no warning"
else
  sed 's/^/# lintian: /' "$work/lintian.log" >&2
  fail "lintian: no error, no warning (its report is above)"
fi

# 5. Installed into a scratch root.
dpkg -x "$deb" "$work/root"
bin="$work/root/usr/bin/roster-enrich"
check "installed binary: --version prints roster-enrich $VERSION" test "$("$bin" --version)" = "roster-enrich $VERSION"
check "installed binary: every library resolves" bash -c "! ldd '$bin' | grep -q 'not found'"
check "installed binary: --help leads with examples" bash -c "'$bin' --help | sed -n 3p | grep -q '^Examples:'"
page="$work/root/usr/share/man/man1/roster-enrich.1.gz"
# gzip's header: flags (byte 3) 0 = no name, time stamp (bytes 4-7) 0, extra flags (byte 8) 2 = -9.
check "the installed man page is gzip -9n (no name, no time stamp, best compression)" \
  test "$(od -An -tu1 -N9 "$page" | tr -s ' ' | cut -d' ' -f2-)" = "31 139 8 0 0 0 0 0 2"
man_text=$(MANWIDTH=80 LC_ALL=C.UTF-8 man -l "$page" 2>"$work/man.err" | sed 's/.\x08//g')
check "man -l renders the installed page: NAME" grep -qE '^ +roster-enrich .{1,3} score every creator' <<<"$man_text"
check "man -l renders the installed page: EXIT STATUS" grep -qx 'EXIT STATUS' <<<"$man_text"
check "man -l printed no warning" test ! -s "$work/man.err"
check "mandoc -Tlint: the installed page is clean" mandoc -Tlint -W warning "$page"
check "the installed bash completion registers itself" bash -c \
  "source '$work/root/usr/share/bash-completion/completions/roster-enrich' && complete -p roster-enrich >/dev/null"
if command -v zsh >/dev/null; then
  check "the installed zsh completion parses" zsh -n "$work/root/usr/share/zsh/vendor-completions/_roster-enrich"
fi

if [ "$failures" -gt 0 ]; then echo "$failures check(s) failed" >&2; exit 1; fi
echo "ok - package"
