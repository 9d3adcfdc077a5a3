#!/usr/bin/env python3
"""A logging HTTP proxy in front of a test registry (tests 74-*).

regproxy.py LISTEN_PORT UPSTREAM_PORT LOG MODE_FILE
Every request is forwarded to 127.0.0.1:UPSTREAM_PORT and logged to LOG as one line:
"METHOD PATH CONTENT-RANGE CONTENT-LENGTH". MODE_FILE, read at each request, may say:
  stall DIGEST   a GET of that blob sends its headers and half its body, then hangs
  cut DIGEST     ... sends half its body and closes the connection (a broken transfer)
Anything else (or no file): pass through.
"""
import http.client
import http.server
import sys
import time

LISTEN, UPSTREAM, LOG, MODE = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4]


def mode():
    try:
        return open(MODE).read().split()
    except OSError:
        return []


class Proxy(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def chunked(self):
        body = b""
        while True:
            size = int(self.rfile.readline().split(b";")[0], 16)
            body += self.rfile.read(size)
            self.rfile.readline()
            if size == 0:
                return body

    def forward(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else None
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = self.chunked()
            n = len(body)
        with open(LOG, "a") as f:
            f.write("%s %s %s %d\n" % (self.command, self.path,
                                       self.headers.get("Content-Range", "-"), n))
        up = http.client.HTTPConnection("127.0.0.1", UPSTREAM)
        up.putrequest(self.command, self.path, skip_host=True, skip_accept_encoding=True)
        for k, v in self.headers.items():  # repeated headers (Accept) stay repeated
            if k.lower() not in ("transfer-encoding", "content-length"):
                up.putheader(k, v)
        if body is not None or self.command in ("PUT", "POST", "PATCH"):
            up.putheader("Content-Length", str(len(body or b"")))
        up.endheaders(body)
        r = up.getresponse()
        data = r.read()
        m = mode()
        broken = (self.command == "GET" and len(m) == 2 and r.status == 200
                  and self.path.endswith("/blobs/" + m[1]))
        self.send_response(r.status)
        for k, v in r.getheaders():
            if k.lower() not in ("transfer-encoding", "connection", "content-length"):
                self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        if self.command == "HEAD":
            return
        if not broken:
            self.wfile.write(data)
            return
        self.wfile.write(data[: len(data) // 2])
        self.wfile.flush()
        with open(LOG, "a") as f:
            f.write("%s %s\n" % (m[0], m[1]))
        if m[0] == "stall":
            time.sleep(3600)
        self.close_connection = True

    do_GET = do_HEAD = do_PUT = do_POST = do_PATCH = do_DELETE = forward


http.server.ThreadingHTTPServer.daemon_threads = True
http.server.ThreadingHTTPServer(("127.0.0.1", LISTEN), Proxy).serve_forever()
