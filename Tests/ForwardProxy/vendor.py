"""An HTTPS vendor for clients.sh: each path answers 503 on its first request and 200 after, with a JSON body."""
import http.server
import json
import ssl
import sys

hits = {}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body_in = self.rfile.read(length) if length else b""
        hits[self.path] = hits.get(self.path, 0) + 1
        status = 503 if hits[self.path] == 1 else 200
        body = json.dumps({"status": status, "hit": hits[self.path], "path": self.path,
                           "host": self.headers.get("Host"), "received": len(body_in)}).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = answer
    do_PUT = answer

    def log_message(self, *args):
        pass


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(sys.argv[1], sys.argv[2])
server.socket = context.wrap_socket(server.socket, server_side=True)
print(server.server_address[1], flush=True)
server.serve_forever()
