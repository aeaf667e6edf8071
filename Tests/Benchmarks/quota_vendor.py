#!/usr/bin/env python3
"""A rate-limited vendor API for Tests/Benchmarks/quota.sh (stdlib only).

Each API key (the --key-header request header) may make Q requests per fixed W-second window; the windows are
consecutive from the last reset (start-up, or POST /_qbench/reset). A request within the quota gets 200 and a small
JSON body; past it, 429. Every answer carries the quota headers (--style):

    ratelimit  Ratelimit-Limit: Q, Ratelimit-Remaining: n, Ratelimit-Reset: s        (the default)
    ietf       RateLimit-Policy: "default";q=Q;w=W, RateLimit: "default";r=n;t=s
    x          X-RateLimit-Limit: Q, X-RateLimit-Remaining: n, X-RateLimit-Reset: epoch seconds of the window end

where n is what is left of the window's quota after this request and s the seconds until the window ends, rounded
up (so 1 ≤ s ≤ W). A 429 carries Retry-After: s as well. A request without the key gets 401 and counts as unkeyed.
The decision is taken when the request has arrived; the answer is written --latency seconds later (a vendor's
service time), one request at a time per connection (libcurl does not pipeline).

Control endpoints, for the benchmark's clients, not counted and not rate-limited:
    POST /_qbench/reset   clears the counters and starts window 0 now; answers {"t0": ..., "q": Q, "w": W}
    GET  /_qbench/stats   {"t0", "q", "w", "keys", "windows": [{"index", "received", "ok", "limited", "unkeyed"}]}
t0 is time.monotonic() (CLOCK_MONOTONIC, the same clock in every process on the machine).

The port is chosen by the kernel (127.0.0.1:0) and written to --port-file once the socket listens.
"""

import argparse
import asyncio
import json
import math
import os
import signal
import sys
import time

MAX_HEAD = 64 * 1024


class Vendor:
    def __init__(self, q: int, w: float, latency: float, style: str, key_header: str):
        self.q = q
        self.w = w
        self.latency = latency
        self.style = style
        self.key_header = key_header.lower().encode()
        self.reset()

    def reset(self):
        self.t0 = time.monotonic()
        self.used = {}  # key -> (window index, 200s in it)
        self.windows = {}  # window index -> [received, ok, limited, unkeyed]

    def window_of(self, now: float) -> int:
        return math.floor((now - self.t0) / self.w)

    def stats(self) -> dict:
        return {
            "t0": self.t0,
            "q": self.q,
            "w": self.w,
            "latency": self.latency,
            "style": self.style,
            "keys": len(self.used),
            "windows": [
                {"index": index, "received": row[0], "ok": row[1], "limited": row[2], "unkeyed": row[3]}
                for index, row in sorted(self.windows.items())
            ],
        }

    def decide(self, key):
        """(status, extra header lines, body) for one rate-limited request, counted in its window."""
        now = time.monotonic()
        index = self.window_of(now)
        row = self.windows.setdefault(index, [0, 0, 0, 0])
        row[0] += 1
        if key is None:
            row[3] += 1
            return 401, [], b'{"error":"missing_api_key"}\n'
        window, count = self.used.get(key, (index, 0))
        if window != index:
            count = 0
        end = self.t0 + (index + 1) * self.w
        reset = max(1, math.ceil(end - now))
        if count < self.q:
            count += 1
            self.used[key] = (index, count)
            row[1] += 1
            status, body = 200, b'{"id":%d,"ok":true}\n' % (row[0])
        else:
            self.used[key] = (index, count)
            row[2] += 1
            status, body = 429, b'{"error":"rate_limited","detail":"quota spent for this window"}\n'
        remaining = self.q - count
        if self.style == "ietf":
            lines = [b'RateLimit-Policy: "default";q=%d;w=%d' % (self.q, math.ceil(self.w)),
                     b'RateLimit: "default";r=%d;t=%d' % (remaining, reset)]
        elif self.style == "x":
            lines = [b"X-RateLimit-Limit: %d" % self.q, b"X-RateLimit-Remaining: %d" % remaining,
                     b"X-RateLimit-Reset: %d" % math.ceil(time.time() + (end - now))]
        else:
            lines = [b"Ratelimit-Limit: %d" % self.q, b"Ratelimit-Remaining: %d" % remaining,
                     b"Ratelimit-Reset: %d" % reset]
        if status == 429:
            lines.append(b"Retry-After: %d" % reset)
        return status, lines, body


REASONS = {200: b"OK", 400: b"Bad Request", 401: b"Unauthorized", 404: b"Not Found", 429: b"Too Many Requests"}


class Connection(asyncio.Protocol):
    def __init__(self, vendor: Vendor):
        self.vendor = vendor
        self.buffer = bytearray()
        self.transport = None
        self.busy = False  # an answer is pending; later bytes wait until it is written
        self.dead = False
        self.handle = None

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.dead = True
        if self.handle is not None:
            self.handle.cancel()

    def data_received(self, data):
        self.buffer += data
        if not self.busy:
            self.process()

    def process(self):
        while not self.busy and not self.dead:
            end = self.buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buffer) > MAX_HEAD:
                    self.transport.close()
                return
            lines = bytes(self.buffer[:end]).split(b"\r\n")
            try:
                method, target, _ = lines[0].split(b" ", 2)
            except ValueError:
                self.transport.close()
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            length = int(headers.get(b"content-length", b"0") or b"0")
            if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
                self.transport.close()  # never sent by the benchmark's GETs
                return
            if len(self.buffer) < end + 4 + length:
                return
            del self.buffer[: end + 4 + length]
            close = headers.get(b"connection", b"").lower() == b"close"
            if target.startswith(b"/_qbench/"):
                self.control(method, target, close)
                continue
            status, extra, body = self.vendor.decide(headers.get(self.vendor.key_header))
            response = self.response(status, extra, body, close, method == b"HEAD")
            if self.vendor.latency > 0:
                self.busy = True
                self.handle = asyncio.get_running_loop().call_later(self.vendor.latency, self.send, response, close)
                return
            self.send(response, close)

    def control(self, method, target, close):
        if method == b"POST" and target == b"/_qbench/reset":
            self.vendor.reset()
            body = json.dumps({"t0": self.vendor.t0, "q": self.vendor.q, "w": self.vendor.w}).encode()
            status = 200
        elif method == b"GET" and target == b"/_qbench/stats":
            body = json.dumps(self.vendor.stats()).encode()
            status = 200
        else:
            body, status = b'{"error":"unknown control endpoint"}', 404
        self.send(self.response(status, [], body, close, False), close)

    @staticmethod
    def response(status, extra, body, close, head):
        lines = [b"HTTP/1.1 %d %s" % (status, REASONS.get(status, b"Status")),
                 b"Content-Type: application/json", b"Content-Length: %d" % len(body)]
        lines += extra
        if close:
            lines.append(b"Connection: close")
        return b"\r\n".join(lines) + b"\r\n\r\n" + (b"" if head else body)

    def send(self, response, close):
        self.handle = None
        self.busy = False
        if self.dead:
            return
        self.transport.write(response)
        if close:
            self.transport.close()
            self.dead = True
            return
        if self.buffer:
            self.process()


async def serve(args):
    vendor = Vendor(args.quota, args.window, args.latency, args.style, args.key_header)
    loop = asyncio.get_running_loop()
    server = await loop.create_server(lambda: Connection(vendor), "127.0.0.1", 0, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as handle:
        handle.write(f"{port}\n")
    os.rename(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()
    server.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True, help="the chosen port is written here")
    parser.add_argument("--quota", type=int, default=20, help="requests per window per key (20)")
    parser.add_argument("--window", type=float, default=2.0, help="window length in seconds (2)")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds before each answer (0.05)")
    parser.add_argument("--style", choices=["ratelimit", "ietf", "x"], default="ratelimit")
    parser.add_argument("--key-header", default="X-Api-Key")
    args = parser.parse_args()
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
