#!/usr/bin/env python3
"""A stand-in CreatorScore API for tests/integration/tls.sh: one handler served twice on 127.0.0.1,
over TLS with the certificate given (self-signed in the test) and over plain HTTP, so the test can
show that the same answer is accepted over http:// and refused over https:// only because the
certificate is not trusted. It answers GET /api/v1/account with a valid account and anything else
with 404, and appends "SCHEME METHOD PATH" to LOG for every request that got past the handshake.

Usage: tls_server.py CERT KEY LOG. Prints "https PORT" and "http PORT", then serves until killed.
"""
import http.server
import json
import ssl
import sys
import threading

CERT, KEY, LOG = sys.argv[1:4]
ACCOUNT = {
    "tenant": {"id": "ten_tls", "name": "TLS Test Agency"},
    "api_key": {"id": "key_tls", "label": "tls test", "created_at": "2026-11-01T00:00:00Z", "last_used_at": None},
    "credits": {"balance": 42},
    "pricing": {"per_platform_credits": {"tiktok": 1, "youtube": 3}, "cached_score_credits": 0,
                "cache_freshness_days": 30},
}
log_lock = threading.Lock()


def handler_for(scheme):
    class Handler(http.server.BaseHTTPRequestHandler):
        def answer(self):
            with log_lock, open(LOG, "a") as log:
                log.write(f"{scheme} {self.command} {self.path}\n")
            found = self.command == "GET" and self.path == "/api/v1/account"
            body = json.dumps(ACCOUNT if found else {"error": "not_found", "message": "no such path"}).encode()
            self.send_response(200 if found else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = answer
        do_POST = answer

        def log_message(self, *args):
            pass

    return Handler


tls = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for("https"))
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(CERT, KEY)
# A failed handshake raises from accept(), which socketserver ignores (an OSError): no request logged.
tls.socket = context.wrap_socket(tls.socket, server_side=True)
plain = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler_for("http"))
for server in (tls, plain):
    threading.Thread(target=server.serve_forever, daemon=True).start()
print(f"https {tls.server_address[1]}\nhttp {plain.server_address[1]}", flush=True)
threading.Event().wait()
