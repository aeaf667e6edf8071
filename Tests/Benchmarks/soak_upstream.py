#!/usr/bin/env python3
"""A fault-injecting HTTP/1.1 upstream for Tests/Benchmarks/soak.sh (stdlib only).

Every request it receives in full gets one answer drawn at random from FAULTS (weights below), and one line in the
ledger before any byte of the answer is written:

    <G|P> <request id> <fault> <status or ->

The ledger is opened O_APPEND and written with one os.write per line, so it survives the SIGKILL that soak.sh uses
to restart the upstream, and a restarted upstream appends to the same file. soak_client.py reads it to find POST ids
that were processed more than once.

Responses carry X-Soak-Id (the request id), X-Soak-Fault and X-Soak-Length (the body length this answer would have
had in full); the body is soak_pattern(id, length), so the client can tell a complete body from a cut-off one and
its own answer from another request's.
"""

import argparse
import asyncio
import os
import random
import signal
import socket
import struct
import sys
import time

# Weights per attempt, outside a 429 burst. ok* answers are 200 with the body size the client asked for.
FAULTS = [
    ("ok_length", 40),  # Content-Length body, all of it
    ("ok_chunked", 14),  # chunked body, all of it
    ("slow_body", 5),  # Content-Length body in 5-10 pieces, 20-150 ms apart (never silent for 1 s)
    ("status_5xx", 12),  # 500, 502, 503 or 504 with a short body (keep-alive)
    ("status_429", 2),  # 429 with Retry-After: 1
    ("status_404", 2),  # final for every method
    ("reset_before_head", 5),  # RST after the full request was read, nothing answered
    ("close_before_head", 2),  # FIN after the full request was read, nothing answered
    ("reset_after_head", 4),  # 200 head (Content-Length), part of the body, then RST
    ("cut_length", 4),  # 200 head promising Content-Length N, N/2 bytes, then FIN
    ("cut_chunked", 4),  # chunked, some chunks, FIN without the last chunk
    ("stall_body", 2),  # 200 head and part of the body, then silence until retryd gives up on it
    ("hang", 4),  # the request is read, nothing is ever answered
]
# During a burst most attempts get 429 + Retry-After.
BURST_EVERY = 12.0
BURST_LENGTH = 1.5
BURST_SHARE = 0.6

MAX_HEAD = 64 * 1024


def soak_pattern(request_id: bytes, length: int) -> bytes:
    """The body of `length` bytes every answer to `request_id` carries: the id and a colon, repeated."""
    unit = request_id + b":"
    return (unit * (length // len(unit) + 1))[:length]


def parse_faults(text: str) -> list:
    """`ok_length=40,status_5xx=12`: the weights to use instead of FAULTS (names from FAULTS)."""
    known = {name for name, _ in FAULTS}
    result = []
    for item in text.split(","):
        name, _, weight = item.partition("=")
        if name not in known:
            raise SystemExit(f"soak_upstream: unknown fault {name!r}; known: {', '.join(sorted(known))}")
        result.append((name, float(weight or 1)))
    return result


class Upstream:
    def __init__(self, ledger_fd: int, seed: int, faults: list, burst_share: float):
        self.ledger_fd = ledger_fd
        self.random = random.Random(seed)
        self.started = time.monotonic()
        names, weights = zip(*faults)
        self.names = names
        self.weights = weights
        self.burst_share = burst_share

    def pick(self) -> str:
        elapsed = time.monotonic() - self.started
        if elapsed % BURST_EVERY < BURST_LENGTH and self.random.random() < self.burst_share:
            return "status_429"
        return self.random.choices(self.names, self.weights)[0]

    def record(self, method: bytes, request_id: bytes, fault: str, status: int | None):
        kind = b"P" if method == b"POST" else b"G"
        line = b"%s %s %s %s\n" % (kind, request_id, fault.encode(), b"-" if status is None else b"%d" % status)
        os.write(self.ledger_fd, line)


class Connection(asyncio.Protocol):
    def __init__(self, upstream: Upstream):
        self.upstream = upstream
        self.buffer = bytearray()
        self.transport = None
        self.busy = False  # an answer is being produced; later bytes wait (no pipelining from libcurl anyway)
        self.dead = False
        self.handles = []

    def connection_made(self, transport):
        self.transport = transport

    def connection_lost(self, exc):
        self.dead = True
        for handle in self.handles:
            handle.cancel()
        self.handles.clear()

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
            lines = head.split(b"\r\n")
            try:
                method, target, _ = lines[0].split(b" ", 2)
            except ValueError:
                self.transport.close()
                return
            headers = {}
            for line in lines[1:]:
                name, _, value = line.partition(b":")
                headers[name.strip().lower()] = value.strip()
            body_start = end + 4
            if b"transfer-encoding" in headers:
                parsed = self.dechunk(body_start)
                if parsed is None:
                    return
                body, consumed = parsed
            else:
                length = int(headers.get(b"content-length", b"0"))
                if len(self.buffer) - body_start < length:
                    return
                body = bytes(self.buffer[body_start : body_start + length])
                consumed = body_start + length
            del self.buffer[:consumed]
            self.answer(method, target, body)

    def dechunk(self, start):
        body = bytearray()
        position = start
        while True:
            line_end = self.buffer.find(b"\r\n", position)
            if line_end < 0:
                return None
            size = int(bytes(self.buffer[position:line_end]).split(b";")[0], 16)
            position = line_end + 2
            if size == 0:
                trailer_end = self.buffer.find(b"\r\n", position)
                if trailer_end < 0:
                    return None
                return bytes(body), trailer_end + 2
            if len(self.buffer) < position + size + 2:
                return None
            body += self.buffer[position : position + size]
            position += size + 2

    @staticmethod
    def query(target: bytes) -> dict:
        _, _, query = target.partition(b"?")
        result = {}
        for pair in query.split(b"&"):
            name, _, value = pair.partition(b"=")
            result[name] = value
        return result

    def answer(self, method: bytes, target: bytes, body: bytes):
        query = self.query(target)
        if method == b"POST":
            # The id is taken from the body: the upstream counts what it processed, not what the path said.
            marker = body.find(b'"id":"')
            request_id = body[marker + 6 : body.find(b'"', marker + 6)] if marker >= 0 else b"?"
        else:
            request_id = query.get(b"id", b"?")
        size = int(query.get(b"size", b"0") or 0)
        fault = self.upstream.pick()
        rng = self.upstream.random
        status = None
        if fault == "status_5xx":
            status = rng.choice((500, 502, 503, 504))
        elif fault == "status_429":
            status = 429
        elif fault == "status_404":
            status = 404
        elif fault in ("ok_length", "ok_chunked", "slow_body", "reset_after_head", "cut_length", "cut_chunked",
                       "stall_body"):
            status = 200
        self.upstream.record(method, request_id, fault, status)

        def head(status, framed, full, extra=b""):
            """`framed` is the Content-Length sent (None: chunked); `full` the body length in full (X-Soak-Length)."""
            framing = b"Transfer-Encoding: chunked\r\n" if framed is None else b"Content-Length: %d\r\n" % framed
            return (
                b"HTTP/1.1 %d Soak\r\nContent-Type: application/octet-stream\r\nX-Soak-Id: %s\r\n"
                b"X-Soak-Fault: %s\r\nX-Soak-Length: %d\r\n%s%s\r\n"
                % (status, request_id, fault.encode(), full, extra, framing)
            )

        # A cut-off needs bytes to cut: the faults that break a body promise at least a few.
        promised = max(size, 4)
        write = self.transport.write
        if fault == "ok_length":
            write(head(200, size, size) + soak_pattern(request_id, size))
        elif fault == "ok_chunked":
            payload = soak_pattern(request_id, size)
            out = [head(200, None, size)]
            for offset in range(0, size, 16 * 1024):
                piece = payload[offset : offset + 16 * 1024]
                out.append(b"%x\r\n%s\r\n" % (len(piece), piece))
            out.append(b"0\r\n\r\n")
            write(b"".join(out))
        elif fault in ("status_5xx", "status_404", "status_429"):
            extra = b"Retry-After: 1\r\n" if status == 429 else b""
            write(head(status, 32, 32, extra) + soak_pattern(request_id, 32))
        elif fault == "reset_before_head":
            self.reset()
        elif fault == "close_before_head":
            self.transport.close()
        elif fault == "reset_after_head":
            write(head(200, promised, promised) + soak_pattern(request_id, promised // 3))
            self.later(0.005, self.reset)
        elif fault == "cut_length":
            write(head(200, promised, promised) + soak_pattern(request_id, promised // 2))
            self.later(0.005, self.transport.close)
        elif fault == "cut_chunked":
            payload = soak_pattern(request_id, promised // 2)
            write(head(200, None, promised) + b"%x\r\n%s\r\n" % (len(payload), payload))
            self.later(0.005, self.transport.close)
        elif fault == "stall_body":
            write(head(200, promised, promised) + soak_pattern(request_id, promised // 2))
            self.busy = True  # silent until retryd gives up on the body and closes the connection
        elif fault == "hang":
            self.busy = True  # never answered; retryd's attempt timeout closes the connection
        elif fault == "slow_body":
            self.slow(request_id, size, fault)

    def slow(self, request_id, size, fault):
        self.busy = True
        rng = self.upstream.random
        payload = soak_pattern(request_id, size)
        pieces = rng.randint(5, 10)
        step = max(1, -(-size // pieces))
        self.transport.write(
            b"HTTP/1.1 200 Soak\r\nContent-Type: application/octet-stream\r\nX-Soak-Id: %s\r\n"
            b"X-Soak-Fault: %s\r\nX-Soak-Length: %d\r\nContent-Length: %d\r\n\r\n"
            % (request_id, fault.encode(), size, size)
        )
        offsets = list(range(0, size, step))

        def send_next():
            if self.dead:
                return
            if not offsets:
                self.busy = False
                self.process()
                return
            offset = offsets.pop(0)
            self.transport.write(payload[offset : offset + step])
            self.later(rng.uniform(0.02, 0.15), send_next)

        send_next()

    def later(self, delay, callback):
        self.handles.append(asyncio.get_running_loop().call_later(delay, callback))

    def reset(self):
        if self.dead:
            return
        sock = self.transport.get_extra_info("socket")
        if sock is not None:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.transport.abort()


async def serve(args):
    ledger_fd = os.open(args.ledger, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
    faults = parse_faults(args.faults) if args.faults else FAULTS
    upstream = Upstream(ledger_fd, args.seed, faults, args.burst_share)
    loop = asyncio.get_running_loop()
    # SO_REUSEADDR: a restarted upstream takes its port back while the killed one's connections sit in TIME_WAIT.
    server = await loop.create_server(
        lambda: Connection(upstream), "127.0.0.1", args.port, reuse_address=True, backlog=1024)
    port = server.sockets[0].getsockname()[1]
    if args.port_file:
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
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port (written to --port-file)")
    parser.add_argument("--port-file")
    parser.add_argument("--ledger", required=True)
    parser.add_argument("--seed", type=int, default=int(time.time()))
    parser.add_argument("--faults", help="weights replacing FAULTS, e.g. ok_length=40,status_5xx=12")
    parser.add_argument("--burst-share", type=float, default=BURST_SHARE,
                        help=f"share of attempts answered 429 during a burst ({BURST_SHARE}; 0: no bursts)")
    args = parser.parse_args()
    try:
        asyncio.run(serve(args))
    except KeyboardInterrupt:
        pass
    sys.exit(0)


if __name__ == "__main__":
    main()
