#!/usr/bin/env bash
# TLS verification cannot be turned off (PRODUCT.md: "TLS certificates are always verified").
# A loopback server with a self-signed certificate made at test time (tls_server.py) serves a
# valid account both over https:// and over plain http://. Over http:// the binary accepts it (so
# the answer itself is fine); over https:// it must fail with one clear line about the certificate
# and exit 69, before any request reaches the server, whatever flag or environment variable a user
# might try; --insecure and -k are usage errors (64).
source "$(dirname "$0")/lib.sh"
R="$ROSTER_ENRICH"
E="$WORK/err"
HERE="$(cd "$(dirname "$0")" && pwd)"

command -v openssl >/dev/null || { echo "openssl is not installed (scripts/install-deps.sh installs it)" >&2; exit 125; }

# A self-signed certificate for 127.0.0.1 (the name matches: only trust is missing). EC keys are
# made in milliseconds.
if ! openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 \
    -subj "/CN=127.0.0.1" -addext "subjectAltName=IP:127.0.0.1" \
    -keyout "$WORK/key.pem" -out "$WORK/cert.pem" 2>"$WORK/openssl.err"; then
  echo "openssl could not make a certificate: $(cat "$WORK/openssl.err")" >&2
  exit 125
fi

LOG="$WORK/requests.log"
: >"$LOG"
python3 "$HERE/tls_server.py" "$WORK/cert.pem" "$WORK/key.pem" "$LOG" >"$WORK/ports" 2>"$WORK/server.err" &
SERVER_PID=$!
trap 'tls_status=$?; kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true
      cleanup "$tls_status"' EXIT
tls_server_ready() {
  [ "$(grep -c . "$WORK/ports" 2>/dev/null)" = 2 ] || ! kill -0 "$SERVER_PID" 2>/dev/null
}
wait_until "$TEST_WAIT_SECONDS" tls_server_ready || true  # no ports yet: said just below
HTTPS_PORT=$(sed -n 's/^https //p' "$WORK/ports")
HTTP_PORT=$(sed -n 's/^http //p' "$WORK/ports")
if [ -z "$HTTPS_PORT" ] || [ -z "$HTTP_PORT" ]; then
  echo "the TLS test server did not start: $(cat "$WORK/server.err")" >&2
  exit 125
fi
HTTPS_URL="https://127.0.0.1:$HTTPS_PORT"
HTTP_URL="http://127.0.0.1:$HTTP_PORT"
unset CREATORSCORE_BASE_URL

https_requests() { grep -c '^https ' "$LOG" || true; }
# tls_line: the last command's stderr ($E) is one line about the certificate, naming the host.
tls_line() { [ "$(grep -c . "$E")" -eq 1 ] && grep -q "certificate" "$E" && grep -qF "127.0.0.1" "$E"; }

# --- the control: the same server over plain http is accepted ---
expect_exit 0 "control: the server's account over plain http:// is accepted" -- "$R" account --base-url "$HTTP_URL" 2>"$E" >"$WORK/account.out"
check "control: the account shows the server's tenant" grep -q "TLS Test Agency" "$WORK/account.out"
check "control: the request reached the server" grep -q '^http GET /api/v1/account$' "$LOG"

# --- https with the self-signed certificate: refused, one line, exit 69, nothing sent ---
expect_exit 69 "self-signed https: account exits 69" -- "$R" account --base-url "$HTTPS_URL" 2>"$E"
check "self-signed https: one line naming the certificate problem and the host" tls_line
check "self-signed https: says self-signed" grep -q "self-signed\|self signed" "$E"
expect_exit 69 "self-signed https, -v: exits 69" -- "$R" -v account --base-url "$HTTPS_URL" 2>"$E"
check "self-signed https: tried once, never retried" test "$(grep -c '(attempt ' "$E")" = 1
check "self-signed https: no request got past the handshake" test "$(https_requests)" = 0

ROSTER="$SAMPLES/roster.csv"
printf 'previous output\n' >"$WORK/out.csv"
expect_exit 69 "self-signed https: run exits 69" -- "$R" run "$ROSTER" -o "$WORK/out.csv" --state "$WORK/run.db" -q --base-url "$HTTPS_URL" 2>"$E"
check "self-signed https: run: one line about the certificate" tls_line
check "self-signed https: run: the previous output is untouched" test "$(cat "$WORK/out.csv")" = "previous output"

# --- no environment variable turns verification off ---
for setting in CURL_INSECURE=1 CURL_SSL_NO_VERIFY=1 CURLOPT_SSL_VERIFYPEER=0 CURLOPT_SSL_VERIFYHOST=0 \
               SSL_CERT_FILE=/dev/null SSL_CERT_FILE=/nonexistent SSL_CERT_DIR=/nonexistent CURL_CA_BUNDLE=/dev/null \
               SSL_NO_VERIFY=1 GIT_SSL_NO_VERIFY=1 PYTHONHTTPSVERIFY=0 NODE_TLS_REJECT_UNAUTHORIZED=0 \
               ROSTER_ENRICH_INSECURE=1 CREATORSCORE_INSECURE=1 "CURL_HOME=$WORK" "HOME=$WORK"; do
  printf 'insecure\n' >"$WORK/.curlrc"  # what curl(1) would read from CURL_HOME or HOME
  expect_exit 69 "env $setting: still refused" -- env "$setting" "$R" account --base-url "$HTTPS_URL" 2>"$E"
  check "env $setting: one line about the certificate" tls_line
done
check "no environment variable let a request past the handshake" test "$(https_requests)" = 0

# --- no flag turns it off: --insecure and -k are usage errors; --allow-insecure-http is about http ---
for flag in --insecure -k --no-verify --no-check-certificate --ssl-no-verify; do
  expect_exit 64 "flag $flag: a usage error" -- "$R" account --base-url "$HTTPS_URL" "$flag" 2>"$E"
  check "flag $flag: the message names it" grep -qF -- "$flag" "$E"
  expect_exit 64 "flag $flag after run: a usage error" -- "$R" run "$ROSTER" -o "$WORK/out.csv" --state "$WORK/run.db" "$flag" --base-url "$HTTPS_URL" 2>"$E"
done
expect_exit 69 "--allow-insecure-http does not turn TLS verification off" -- "$R" account --allow-insecure-http --base-url "$HTTPS_URL" 2>"$E"
check "--allow-insecure-http: one line about the certificate" tls_line
check "no flag let a request past the handshake" test "$(https_requests)" = 0
check "the previous output is still untouched" test "$(cat "$WORK/out.csv")" = "previous output"

finish
