#!/usr/bin/env bash
# Installs the Debian packages roster-enrich needs to build and test, and only those missing.
# Idempotent: a second run installs nothing. Both README commands call it.
set -euo pipefail

packages=(
  build-essential cmake pkg-config
  libcli11-dev nlohmann-json3-dev doctest-dev
  libcurl4-openssl-dev libsqlite3-dev libcsv-dev
  libcpp-httplib-dev
  libssl-dev                 # HMAC-SHA256 and CRYPTO_memcmp for webhook signatures (src/webhook/)
  clang libclang-rt-14-dev   # libFuzzer and sanitizer runtimes for the fuzz targets
  mandoc                     # `mandoc -Tlint` checks the man page
  lintian                    # the package test: the .deb has no lintian error or warning
  python3                    # test helpers
  openssl                    # tests/integration/tls.sh makes a self-signed certificate
  dpkg-dev file              # cpack's .deb: dpkg-shlibdeps computes Depends, `file` finds the ELF files
  man-db                     # the package test reads the installed page with `man -l`
  zsh                        # the zsh completion test
  tmux                       # integration.live_line_tmux reads the live line off a terminal
  time                       # /usr/bin/time: peak RSS of a run in the limits suite
  chromium                   # integration.report_browser renders the HTML report headless
)

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then
  sudo_cmd=(sudo)
fi
echo "install-deps: installing ${missing[*]}" >&2
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >&2
