"""A stand-in vendor for the status page check: python3 vendor.py PORTFILE

Listens on 127.0.0.1 on a free port and writes the port to PORTFILE. Paths containing /fail answer 503 with a fresh
X-Request-Id, /hostile 503 with a request id that is an HTML script tag (the page must escape it), and every
other path answers 200 with RateLimit-* headers counting down a 100-request window, so the page has give-ups, a
breaker that opens, and a quota window to show.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

lock = threading.Lock()
served = {"count": 0}


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        with lock:
            served["count"] += 1
            count = served["count"]
        headers = {"Content-Type": "application/json"}
        if "/fail" in self.path:
            status, headers["X-Request-Id"] = 503, "req-%04d" % count
        elif "/hostile" in self.path:
            status, headers["X-Request-Id"] = 503, "<script>alert(1)</script>"
        else:
            status = 200
            headers.update({"RateLimit-Limit": "100", "RateLimit-Remaining": str(max(100 - count, 0)),
                            "RateLimit-Reset": "40"})
        body = json.dumps({"path": self.path, "status": status}).encode()
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        pass


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as portfile:
    portfile.write(str(server.server_address[1]))
server.serve_forever()
