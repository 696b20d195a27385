#!/usr/bin/env python3
"""tests/unit/import/oai_server.py DIR - a tiny OAI-PMH repository for the
harvester test (test_dc.c). GET /NAME?verb=ListRecords&... answers with the
file DIR/NAME-TOKEN.xml, TOKEN being the resumptionToken argument or "first";
every query is appended to DIR/requests.log so the test can check what the
harvester asked. /http500 answers 500; /busy answers 503 + Retry-After: 1
once, then serves busy-first.xml. Binds 127.0.0.1 port 0 and prints the port
on stdout; exits when its stdin closes (the test ended or died) or after 60 s.
"""
import http.server
import os
import re
import sys
import threading
import urllib.parse

root = sys.argv[1]
busy_seen = False


class Handler(http.server.BaseHTTPRequestHandler):
    def do_GET(self):
        global busy_seen
        url = urllib.parse.urlsplit(self.path)
        query = urllib.parse.parse_qs(url.query)
        name = url.path.strip("/")
        with open(os.path.join(root, "requests.log"), "a", encoding="utf-8") as log:
            log.write(f"{url.path}?{url.query}\n")
        if name == "http500":
            return self.reply(500, b"internal error")
        if name == "busy" and not busy_seen:
            busy_seen = True
            return self.reply(503, b"busy", [("Retry-After", "1")])
        token = query.get("resumptionToken", ["first"])[0]
        if not re.fullmatch(r"[A-Za-z0-9_-]+", name + token):
            return self.reply(400, b"bad request")
        path = os.path.join(root, f"{name}-{token}.xml")
        if not os.path.exists(path):
            return self.reply(404, b"not found")
        with open(path, "rb") as f:
            self.reply(200, f.read(), [("Content-Type", "text/xml; charset=utf-8")])

    def reply(self, status, body, headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)


def stop_when_stdin_closes():
    sys.stdin.read()
    server.shutdown()


threading.Thread(target=stop_when_stdin_closes, daemon=True).start()
timer = threading.Timer(60, server.shutdown)
timer.daemon = True
timer.start()
server.serve_forever()
