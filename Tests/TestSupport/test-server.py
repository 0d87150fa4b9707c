#!/usr/bin/env python3
"""A scripted HTTP server on 127.0.0.1 for the fetch tests: prints its port, serves until its
standard input closes (so it dies with the test process that started it)."""
import gzip
import json
import os
import socket
import sys
import threading
import time
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

FEED = b"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Loopback feed</title><link>/</link>
<item><title>One</title><link>/posts/1</link></item></channel></rss>
"""
# The same feed in two encodings, each served with the other's charset: a wrong Content-Type.
WRONG_CHARSET = ('<?xml version="1.0"?>\n<rss version="2.0"><channel><title>Zürich café</title><link>/</link>'
                 '<item><title>Été naïve — {0}</title><link>/posts/{0}</link></item></channel></rss>\n')
BOMB = gzip.compress(b"\0" * (64 << 20), compresslevel=9)
# A feed longer than the decoder's 16 KiB output buffer, for the Content-Encoding tests.
LONG_FEED = (b'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>Long feed</title>'
             + b"".join(b"<item><title>Item %d</title><link>/posts/%d</link><description>%s</description></item>\n"
                        % (i, i, b"words of the item %d " % i * 8) for i in range(300))
             + b"</channel></rss>\n")


def raw_deflate(data):
    compressor = zlib.compressobj(6, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


# /encoded?coding=NAME: LONG_FEED with Content-Encoding (header value, body), made once.
WHOLE_GZIP = gzip.compress(LONG_FEED)
ENCODED = {
    "gzip": ("gzip", WHOLE_GZIP),
    "x-gzip": ("x-gzip", WHOLE_GZIP),
    "deflate-zlib": ("deflate", zlib.compress(LONG_FEED)),
    "deflate-raw": ("deflate", raw_deflate(LONG_FEED)),
    "gzip-members": ("gzip", gzip.compress(LONG_FEED[:len(LONG_FEED) // 2]) + gzip.compress(LONG_FEED[len(LONG_FEED) // 2:])),
    "gzip-trailing": ("gzip", WHOLE_GZIP + b"\0\0trailing bytes"),
    "gzip-truncated": ("gzip", WHOLE_GZIP[: len(WHOLE_GZIP) // 2]),
    "gzip-bad-crc": ("gzip", WHOLE_GZIP[:-8] + bytes([WHOLE_GZIP[-8] ^ 0xFF]) + WHOLE_GZIP[-7:]),
    "gzip-corrupt": ("gzip", WHOLE_GZIP[:10] + b"\xff" * 64 + WHOLE_GZIP[74:]),
    "br": ("br", b"\x1b\x00\x00"),
    "identity": ("identity", LONG_FEED),
}
# In-flight and highest concurrent requests per group, for the connection-limit tests.
LOCK = threading.Lock()
IN_FLIGHT = {}
HIGHEST = {}
# The client ports that asked for /counted per group: how many connections its requests came on.
CONNECTIONS = {}
CHAT_REQUESTS = [0]
# Requests so far per /growing.xml?id=…, whose items change with each request.
GROWING = {}
GROWING_ITEMS = [
    ("Meta releases Llama 3 with open weights", "Meta releases Llama 3 with open weights; OpenAI answers with GPT-4o"),
    ("OpenAI launches GPT-4o, available only through its API", "OpenAI launches GPT-4o, available only through its API"),
]


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *args):
        pass

    def send(self, status, body=b"", headers=()):
        self.send_response(status)
        for name, value in headers:
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        path, _, query = self.path.partition("?")
        params = dict(p.split("=", 1) for p in query.split("&") if "=" in p)
        if path == "/growing.xml":
            # No validators: every fetch is a 200. Request 1 has item 1; request 2 adds item 2;
            # from request 3 on, item 1 has a new title.
            with LOCK:
                GROWING[params.get("id")] = count = GROWING.get(params.get("id"), 0) + 1
            items = "".join(f"<item><title>{titles[0] if count < 3 else titles[1]}</title><link>/growing/{n}</link></item>"
                            for n, titles in enumerate(GROWING_ITEMS[:count], start=1))
            body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>Growing</title><link>/</link>{items}</channel></rss>'
            return self.send(200, body.encode(), [("Content-Type", "application/rss+xml")])
        if path == "/feed-new.xml":
            return self.send(200, FEED, [("Content-Type", "application/rss+xml")])
        if path == "/latin1-said-utf8.xml":
            return self.send(200, WRONG_CHARSET.format("latin1").replace("—", "-").encode("latin-1"),
                             [("Content-Type", "application/rss+xml; charset=utf-8")])
        if path == "/utf8-said-latin1.xml":
            return self.send(200, WRONG_CHARSET.format("utf8").encode("utf-8"), [("Content-Type", "text/xml; charset=ISO-8859-1")])
        if path == "/moved":
            return self.send(301, headers=[("Location", "/feed-new.xml")])
        if path == "/temp":
            return self.send(302, headers=[("Location", "/feed-new.xml")])
        if path == "/gone":
            return self.send(410, b"gone", [("Content-Type", "text/plain")])
        if path == "/unavailable":
            return self.send(503, headers=[("Retry-After", "Fri, 31 Dec 2100 23:59:59 GMT")])
        if path == "/cached.xml":
            return self.send(200, FEED, [("Content-Type", "application/rss+xml"), ("Cache-Control", "public, max-age=7200")])
        if path == "/page.html":
            page = (b'<!DOCTYPE html><html><head><title>Site</title>'
                    b'<link rel="alternate" type="application/rss+xml" href="/feed.xml"></head><body><p>Hi</p></body></html>')
            return self.send(200, page, [("Content-Type", "text/html; charset=utf-8")])
        if path == "/long-page.html":
            # Long enough that the parser finds the page out before its end.
            page = (b'<!DOCTYPE html><html><head><title>Site</title>'
                    b'<link rel="alternate" type="application/atom+xml" href="/atom.xml"></head><body>'
                    + b"<p>A long page of news.</p>" * 20000 + b"</body></html>")
            return self.send(200, page, [("Content-Type", "text/html; charset=utf-8")])
        if path == "/feed.xml":
            if self.headers.get("If-None-Match") == '"v1"':
                return self.send(304, headers=[("ETag", '"v1"')])
            return self.send(200, FEED, [("Content-Type", "application/rss+xml; charset=utf-8"), ("ETag", '"v1"'),
                                         ("Last-Modified", "Mon, 23 Nov 2026 08:00:00 GMT"),
                                         ("X-Seen-User-Agent", self.headers.get("User-Agent", ""))])
        if path == "/gzip.xml":
            if "gzip" not in self.headers.get("Accept-Encoding", ""):
                return self.send(406)
            return self.send(200, gzip.compress(FEED), [("Content-Type", "application/rss+xml"), ("Content-Encoding", "gzip")])
        if path in ("/encoded", "/encoded-bytes"):
            # /encoded-bytes gives the same bytes without the header, for the decoder's own tests.
            coding, body = ENCODED[params["coding"]]
            headers = [("Content-Type", "application/rss+xml")]
            if path == "/encoded":
                headers.append(("Content-Encoding", coding))
            drip = int(params.get("drip", "0"))
            if not drip:
                return self.send(200, body, headers)
            # The body in pieces of `drip` bytes, each its own write, so it arrives in many reads.
            self.send_response(200)
            for name, value in headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.flush()
            self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            for start in range(0, len(body), drip):
                self.wfile.write(body[start:start + drip])
                self.wfile.flush()
                if start // drip % 64 == 0:
                    time.sleep(0.001)
            return
        if path == "/bomb":
            return self.send(200, BOMB, [("Content-Type", "application/rss+xml"), ("Content-Encoding", "gzip")])
        if path == "/endless":
            self.send_response(200)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            chunk = b"<item><title>more</title></item>" * 256
            try:
                for _ in range(100000):
                    self.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if path == "/redirect":
            hops = int(query.split("=")[1]) if query else 0
            target = "/feed.xml" if hops <= 0 else "/redirect?n=%d" % (hops - 1)
            return self.send(301, headers=[("Location", target)])
        if path == "/loop":
            return self.send(302, headers=[("Location", "/loop")])
        if path == "/to-ftp":
            return self.send(302, headers=[("Location", "ftp://127.0.0.1/feed.xml")])
        if path == "/slow":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            try:
                for _ in range(100):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(1)
            except (BrokenPipeError, ConnectionResetError):
                pass
            return
        if path == "/delay":
            group = params.get("group", "")
            with LOCK:
                IN_FLIGHT[group] = IN_FLIGHT.get(group, 0) + 1
                HIGHEST[group] = max(HIGHEST.get(group, 0), IN_FLIGHT[group])
            # With until=N the answer waits (at most ms) until N requests of the group have been
            # in flight at once, so a client that is slow to start its transfers still shows them
            # overlapping; without it, it waits ms.
            deadline = time.monotonic() + int(params.get("ms", "100")) / 1000
            until = int(params.get("until", "0"))
            while time.monotonic() < deadline:
                with LOCK:
                    if until and HIGHEST[group] >= until:
                        break
                time.sleep(0.005)
            with LOCK:
                IN_FLIGHT[group] -= 1
            return self.send(200, FEED, [("Content-Type", "application/rss+xml")])
        if path == "/counted":
            with LOCK:
                CONNECTIONS.setdefault(params.get("group"), set()).add(self.client_address[1])
            return self.send(200, FEED, [("Content-Type", "application/rss+xml")])
        if path == "/connections":
            with LOCK:
                return self.send(200, str(len(CONNECTIONS.get(params.get("group"), ()))).encode(), [("Content-Type", "text/plain")])
        if path == "/highest":
            group = query.partition("=")[2]
            with LOCK:
                return self.send(200, str(HIGHEST.get(group, 0)).encode(), [("Content-Type", "text/plain")])
        if path == "/retry":
            return self.send(429, headers=[("Retry-After", "120")])
        if path == "/chat-requests":
            with LOCK:
                return self.send(200, str(CHAT_REQUESTS[0]).encode(), [("Content-Type", "text/plain")])
        return self.send(404, b"not here", [("Content-Type", "text/plain")])

    def do_POST(self):
        """An OpenAI-compatible chat endpoint that summarises by naming the story it was asked about."""
        body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
        with LOCK:
            CHAT_REQUESTS[0] += 1
        if self.path != "/v1/chat/completions":
            return self.send(500, b'{"error": "broken"}', [("Content-Type", "application/json")])
        request = json.loads(body)
        prompt = request["messages"][-1]["content"]
        title = prompt.split("\n", 1)[0].removeprefix("Story: ")
        answer = {"choices": [{"index": 0, "message": {"role": "assistant", "content": f"  A summary written for {title} by {request['model']}.\n"}}]}
        return self.send(200, json.dumps(answer).encode(), [("Content-Type", "application/json")])


def main():
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    server.request_queue_size = 128
    print(server.server_address[1], flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    sys.stdin.read()
    os._exit(0)


if __name__ == "__main__":
    main()
