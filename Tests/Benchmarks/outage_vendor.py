#!/usr/bin/env python3
"""A vendor API that goes down on command, for Tests/Benchmarks/outage.sh (stdlib only).

While up, every request gets 200 and a small JSON body after --latency seconds. While down it fails in one of two
ways (--failure):

    503      every request gets 503 Service Unavailable at once (no Retry-After: nothing says when it comes back)
    refused  the listening socket is closed and every open connection dropped, so connects are refused; it listens
             again on the same port when it comes back

A second listener, the control port, is never affected and is not counted:
    POST /down    the outage begins        POST /up    it ends
    GET  /stats   {"received": {"up": n, "down": n}, "state": "up"|"down"}
Both ports are chosen by the kernel (127.0.0.1:0) and written as "DATA CONTROL" to --port-file once they listen.
"""

import argparse
import asyncio
import json
import os
import signal
import socket
import sys

MAX_HEAD = 64 * 1024
REASONS = {200: b"OK", 404: b"Not Found", 503: b"Service Unavailable"}


def response(status, body, close=False):
    lines = [b"HTTP/1.1 %d %s" % (status, REASONS.get(status, b"Status")), b"Content-Type: application/json",
             b"Content-Length: %d" % len(body)]
    if close:
        lines.append(b"Connection: close")
    return b"\r\n".join(lines) + b"\r\n\r\n" + body


class Requests(asyncio.Protocol):
    """HTTP/1.1 requests without bodies (the benchmark sends GETs), one at a time per connection."""

    def __init__(self, handler, connections=None):
        self.handler = handler
        self.connections = connections
        self.buffer = bytearray()
        self.transport = None
        self.busy = False
        self.dead = False
        self.handle = None

    def connection_made(self, transport):
        self.transport = transport
        if self.connections is not None:
            self.connections.add(self)

    def connection_lost(self, exc):
        self.dead = True
        if self.connections is not None:
            self.connections.discard(self)
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
            head = bytes(self.buffer[:end])
            del self.buffer[: end + 4]
            try:
                method, target, _ = head.split(b"\r\n", 1)[0].split(b" ", 2)
            except ValueError:
                self.transport.close()
                return
            delay, answer = self.handler(method, target)
            if delay > 0:
                self.busy = True
                self.handle = asyncio.get_running_loop().call_later(delay, self.send, answer)
                return
            self.send(answer)

    def send(self, answer):
        self.handle = None
        self.busy = False
        if self.dead:
            return
        self.transport.write(answer)
        if self.buffer:
            self.process()

    def drop(self):
        self.dead = True
        self.transport.abort()


class Vendor:
    def __init__(self, args):
        self.args = args
        self.down = False
        self.received = {"up": 0, "down": 0}
        self.connections = set()
        self.server = None
        self.port = 0

    def answer(self, method, target):
        self.received["down" if self.down else "up"] += 1
        if self.down:
            return 0, response(503, b'{"error":"unavailable","detail":"the vendor is down"}\n')
        return self.args.latency, response(200, b'{"ok":true}\n')

    async def listen(self):
        loop = asyncio.get_running_loop()
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(("127.0.0.1", self.port))
        self.port = sock.getsockname()[1]
        self.server = await loop.create_server(
            lambda: Requests(self.answer, self.connections), sock=sock, backlog=1024)

    async def control(self, method, target):
        if method == b"POST" and target == b"/down":
            self.down = True
            if self.args.failure == "refused" and self.server is not None:
                self.server.close()
                self.server = None
                for connection in list(self.connections):
                    connection.drop()
            return response(200, b'{"state":"down"}')
        if method == b"POST" and target == b"/up":
            self.down = False
            if self.server is None:
                await self.listen()
            return response(200, b'{"state":"up"}')
        if method == b"GET" and target == b"/stats":
            state = "down" if self.down else "up"
            return response(200, json.dumps({"received": self.received, "state": state}).encode())
        return response(404, b'{"error":"unknown control endpoint"}')


class Control(asyncio.Protocol):
    def __init__(self, vendor):
        self.vendor = vendor
        self.buffer = bytearray()

    def connection_made(self, transport):
        self.transport = transport

    def data_received(self, data):
        self.buffer += data
        end = self.buffer.find(b"\r\n\r\n")
        if end < 0:
            return
        method, target, _ = bytes(self.buffer[:end]).split(b"\r\n", 1)[0].split(b" ", 2)
        self.buffer.clear()
        asyncio.ensure_future(self.reply(method, target))

    async def reply(self, method, target):
        answer = await self.vendor.control(method, target)
        self.transport.write(answer)
        self.transport.close()


async def serve(args):
    vendor = Vendor(args)
    await vendor.listen()
    loop = asyncio.get_running_loop()
    control = await loop.create_server(lambda: Control(vendor), "127.0.0.1", 0)
    control_port = control.sockets[0].getsockname()[1]
    with open(args.port_file + ".tmp", "w") as handle:
        handle.write(f"{vendor.port} {control_port}\n")
    os.rename(args.port_file + ".tmp", args.port_file)
    stop = asyncio.Event()
    loop.add_signal_handler(signal.SIGTERM, stop.set)
    loop.add_signal_handler(signal.SIGINT, stop.set)
    await stop.wait()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port-file", required=True, help="'DATA CONTROL' ports are written here")
    parser.add_argument("--latency", type=float, default=0.02, help="seconds before each 200 (0.02)")
    parser.add_argument("--failure", choices=["503", "refused"], default="503")
    args = parser.parse_args()
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
