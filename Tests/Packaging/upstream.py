"""A stand-in vendor for the packaging checks: python3 upstream.py PORTFILE

Listens on 127.0.0.1 on a free port, writes the port to PORTFILE, and answers every request with JSON naming the path
it saw and its X-Api-Key header. The first request to a path containing /flaky gets 503, later ones 200, so a check can see
retryd retry.
"""

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

seen = set()
lock = threading.Lock()


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self):
        status = 200
        if "/flaky" in self.path:
            with lock:
                if self.path not in seen:
                    seen.add(self.path)
                    status = 503
        body = json.dumps({"path": self.path, "api_key": self.headers.get("X-Api-Key")}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format, *args):
        sys.stderr.write("upstream: " + (format % args) + "\n")


server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
with open(sys.argv[1], "w") as portfile:
    portfile.write(str(server.server_address[1]))
server.serve_forever()
