#!/usr/bin/env python3
"""Keep-alive clients for Tests/Benchmarks/soak.sh (stdlib only): drive retryd, check every answer, sample its RSS,
then read the upstream's ledger for POSTs processed twice. Prints the report; exits 1 on a violation.

Client-side rules, for every request written:
  - it ends in exactly one of: a complete answer, a cut-off (head seen, connection closed before the framing ended),
    a close before any head, or a hang (nothing complete within --hang-after seconds);
  - a complete upstream answer (it carries X-Soak-Id) is for this request (same id) and its body is exactly
    soak_pattern(id, X-Soak-Length). A shorter body that still ends its framing (all Content-Length bytes, or the
    last chunk) is "truncated but complete-looking"; any other difference is "corrupt";
  - after the run, no unsolicited bytes are waiting on a connection (a second answer to one request).
Upstream-side rule (the ledger holds one line per request the upstream read in full, before it answered):
  - for each POST id, every attempt but the last was answered with a status in --non-idempotent-statuses
    (retryd's non_idempotent_statuses, [429, 503] by default). Any other earlier attempt (2xx, 404, 500/502/504,
    reset or close before or after the head, hang, cut-off) may have taken effect, so a later attempt of the same id
    is a duplicate POST.
Client faults mixed in: a share of requests (--abort-share) is abandoned by the client, which closes its connection
at a random moment within 1.5 s unless the answer came first; a share of connections (--slow-share) asks for
0.25-2 MiB bodies and reads them slowly through a small buffer, so retryd's back-pressure pauses the upstream.
Failures (exit 1): a hang, a duplicate POST, a truncated-but-complete-looking body, a corrupt or mismatched answer,
unsolicited bytes, or retryd gone.
"""

import argparse
import asyncio
import collections
import json
import os
import random
import sys
import time

sys.dont_write_bytecode = True  # no __pycache__ next to the scripts
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from soak_upstream import soak_pattern  # noqa: E402


class Cut(Exception):
    """The connection closed after the response head, before the framing ended."""


class Stats:
    def __init__(self):
        self.sent = 0
        self.get = 0
        self.post = 0
        self.connections = 0
        self.by_class = collections.Counter()
        self.proxy_statuses = collections.Counter()  # answers retryd made itself (no X-Soak-Id)
        self.upstream_statuses = collections.Counter()
        self.closed_before_head = 0
        self.client_aborts = 0
        self.slow_connections = 0
        self.cutoffs = collections.Counter()  # by the X-Soak-Fault of the cut answer
        self.hangs = []
        self.truncated_complete = []
        self.corrupt = []
        self.mismatched = []
        self.unsolicited = 0
        self.attempts = collections.Counter()


def body_size(rng: random.Random) -> int:
    roll = rng.random()
    if roll < 0.75:
        return rng.randint(0, 2048)
    if roll < 0.95:
        return rng.randint(2048, 32 * 1024)
    return rng.randint(32 * 1024, 256 * 1024)


async def read_exactly(reader, count, slow):
    """readexactly, or for a slow reader 8 KiB at a time with a pause after each piece."""
    if not slow:
        return await reader.readexactly(count)
    parts = []
    while count > 0:
        piece = await reader.readexactly(min(count, 8192))
        parts.append(piece)
        count -= len(piece)
        await asyncio.sleep(0.002)
    return b"".join(parts)


async def read_response(reader, slow=False):
    """Returns (status, headers, body, framing) of one complete response; raises Cut or IncompleteReadError."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    status = int(lines[0].split(b" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    try:
        if status in (204, 304) or 100 <= status < 200:
            return status, headers, b"", "none"
        if headers.get(b"transfer-encoding", b"").lower() == b"chunked":
            parts = []
            while True:
                size_line = await reader.readuntil(b"\r\n")
                size = int(size_line.split(b";")[0].strip(), 16)
                if size == 0:
                    while (await reader.readuntil(b"\r\n")) != b"\r\n":
                        pass
                    return status, headers, b"".join(parts), "chunked"
                parts.append(await read_exactly(reader, size, slow))
                if await reader.readexactly(2) != b"\r\n":
                    raise ValueError("chunk without CRLF")
        if b"content-length" in headers:
            return status, headers, await read_exactly(reader, int(headers[b"content-length"]), slow), "length"
        return status, headers, await reader.read(), "close"
    except (asyncio.IncompleteReadError, ConnectionError) as error:
        raise Cut(headers.get(b"x-soak-fault", b"proxy").decode()) from error


async def worker(index, args, stats, deadline, rng, writers):
    seq = 0
    reader = writer = None
    slow = False
    while time.monotonic() < deadline:
        if writer is None:
            slow = rng.random() < args.slow_share
            try:
                # A slow reader's small buffer makes asyncio stop reading the socket, so the kernel's fills up.
                reader, writer = await asyncio.open_connection(args.host, args.port, limit=8192 if slow else 1 << 20)
            except OSError:
                await asyncio.sleep(0.05)
                continue
            stats.connections += 1
            stats.slow_connections += slow
            writers[index] = (reader, writer)
        seq += 1
        request_id = f"c{index}-{seq}".encode()
        size = rng.randint(256 * 1024, 2 * 1024 * 1024) if slow else body_size(rng)
        abort_after = rng.uniform(0, 1.5) if rng.random() < args.abort_share else None
        if rng.random() < args.post_share:
            body = b'{"id":"%s","pad":"%s"}' % (request_id, b"x" * rng.randint(0, 2000))
            request = (
                b"POST /soak/post?size=%d HTTP/1.1\r\nHost: soak\r\nContent-Type: application/json\r\n"
                b"Content-Length: %d\r\n\r\n%s" % (size, len(body), body))
            stats.post += 1
        else:
            request = b"GET /soak/get?id=%s&size=%d HTTP/1.1\r\nHost: soak\r\n\r\n" % (request_id, size)
            stats.get += 1
        stats.sent += 1
        started = time.monotonic()
        keep = True
        try:
            writer.write(request)
            status, headers, body, framing = await asyncio.wait_for(
                read_response(reader, slow), abort_after or args.hang_after)
        except asyncio.TimeoutError:
            if abort_after is not None:
                stats.client_aborts += 1
            else:
                # A slow-reading connection's large body can outlast the bound by itself: say so in the report.
                stats.hangs.append((request_id.decode(), round(time.monotonic() - started, 1), "slow" if slow else ""))
            keep = False
        except Cut as cut:
            stats.cutoffs[str(cut)] += 1
            keep = False
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError):
            stats.closed_before_head += 1
            keep = False
        else:
            check(stats, request_id, status, headers, body, framing)
            if headers.get(b"connection", b"").lower() == b"close" or framing == "close":
                keep = False
        if not keep:
            writer.close()
            writers[index] = None
            reader = writer = None


def check(stats, request_id, status, headers, body, framing):
    stats.by_class[f"{status // 100}xx"] += 1
    attempts = headers.get(b"x-retryd-attempts")
    if attempts:
        stats.attempts[int(attempts)] += 1
    answered_id = headers.get(b"x-soak-id")
    if answered_id is None:
        stats.proxy_statuses[status] += 1
        return
    stats.upstream_statuses[status] += 1
    what = (request_id.decode(), status, headers.get(b"x-soak-fault", b"").decode(), framing)
    if answered_id != request_id:
        stats.mismatched.append(what + (answered_id.decode(),))
        return
    full = int(headers.get(b"x-soak-length", b"-1"))
    if len(body) == full and body == soak_pattern(request_id, full):
        return
    if len(body) < full and body == soak_pattern(request_id, len(body)):
        stats.truncated_complete.append(what + (f"{len(body)} of {full} bytes",))
    else:
        stats.corrupt.append(what + (f"{len(body)} bytes, {full} expected",))


async def sample_rss(pid, interval, samples, stop):
    started = time.monotonic()
    while True:
        samples.append((time.monotonic() - started, rss_kib(pid)))
        try:
            await asyncio.wait_for(stop.wait(), interval)
            return
        except asyncio.TimeoutError:
            pass


def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except FileNotFoundError:
        return None
    return None


async def drain_unsolicited(writers, stats):
    async def one(pair):
        reader, writer = pair
        try:
            extra = await asyncio.wait_for(reader.read(65536), 0.3)
            if extra:
                stats.unsolicited += 1
        except (asyncio.TimeoutError, ConnectionError):
            pass
        writer.close()

    await asyncio.gather(*(one(pair) for pair in writers if pair is not None))


def ledger_duplicates(path, allowed):
    """POST ids whose earlier attempts were not all answered with an allowed status, and per-fault counts."""
    posts = collections.defaultdict(list)
    faults = collections.Counter()
    lines = 0
    with open(path, "rb") as ledger:
        for line in ledger:
            kind, request_id, fault, status = line.split()
            lines += 1
            faults[fault.decode()] += 1
            if kind == b"P":
                posts[request_id].append((fault.decode(), status.decode()))
    duplicates = []
    for request_id, attempts in posts.items():
        earlier = attempts[:-1]
        if any(status == "-" or int(status) not in allowed for _, status in earlier):
            duplicates.append((request_id.decode(), attempts))
    retried = sum(1 for attempts in posts.values() if len(attempts) > 1)
    return lines, len(posts), retried, duplicates, faults


def slope(samples, from_time):
    points = [(t, kib / 1024) for t, kib in samples if kib is not None and t >= from_time]
    if len(points) < 2:
        return 0.0
    mean_t = sum(t for t, _ in points) / len(points)
    mean_m = sum(m for _, m in points) / len(points)
    var = sum((t - mean_t) ** 2 for t, _ in points)
    return sum((t - mean_t) * (m - mean_m) for t, m in points) / var if var else 0.0


async def run(args):
    stats = Stats()
    rng = random.Random(args.seed)
    samples = []
    stop_sampling = asyncio.Event()
    sampler = asyncio.create_task(sample_rss(args.retryd_pid, args.rss_interval, samples, stop_sampling))
    started = time.monotonic()
    deadline = started + args.duration
    writers = [None] * args.connections
    await asyncio.gather(*(
        worker(index, args, stats, deadline, random.Random(rng.random()), writers)
        for index in range(args.connections)))
    elapsed = time.monotonic() - started
    await drain_unsolicited(writers, stats)
    stop_sampling.set()
    await sampler
    samples.append((time.monotonic() - started, rss_kib(args.retryd_pid)))
    return stats, samples, elapsed


def report(args, stats, samples, elapsed):
    allowed = {int(s) for s in args.non_idempotent_statuses.split(",")}
    lines, post_ids, retried, duplicates, faults = ledger_duplicates(args.ledger, allowed)
    mib = lambda kib: "gone" if kib is None else f"{kib / 1024:.1f}"
    rss = [kib for _, kib in samples]
    alive = all(kib is not None for kib in rss)
    peak = max((kib for kib in rss if kib is not None), default=None)
    second_half = slope(samples, args.duration / 2)
    answers = sum(stats.by_class.values())
    out = []
    out.append(f"soak: {args.connections} keep-alive connections for {elapsed:.0f} s against retryd pid "
               f"{args.retryd_pid} ({stats.connections} connections opened)")
    out.append(f"  requests sent         {stats.sent} ({stats.get} GET, {stats.post} POST), "
               f"{stats.sent / elapsed:.0f}/s")
    out.append(f"  complete answers      {answers}: " + ", ".join(
        f"{name} {count}" for name, count in sorted(stats.by_class.items())))
    out.append("    from the upstream   " + ", ".join(
        f"{status} {count}" for status, count in sorted(stats.upstream_statuses.items())))
    out.append("    made by retryd      " + (", ".join(
        f"{status} {count}" for status, count in sorted(stats.proxy_statuses.items())) or "none"))
    out.append("    attempts per answer " + ", ".join(
        f"{n}: {count}" for n, count in sorted(stats.attempts.items())))
    out.append(f"  cut-offs detected     {sum(stats.cutoffs.values())} (connection closed before the framing "
               "ended; by upstream fault: " + (", ".join(
                   f"{fault} {count}" for fault, count in sorted(stats.cutoffs.items())) or "none") + ")")
    out.append(f"  closed before a head  {stats.closed_before_head}")
    out.append(f"  client hung up        {stats.client_aborts} (before the answer; slow-reading connections: "
               f"{stats.slow_connections})")
    out.append(f"  hangs                 {len(stats.hangs)} (nothing complete within {args.hang_after:g} s)")
    out.append(f"  truncated, complete-looking {len(stats.truncated_complete)}; corrupt {len(stats.corrupt)}; "
               f"mismatched {len(stats.mismatched)}; unsolicited {stats.unsolicited}")
    out.append(f"  upstream attempts     {lines} read in full: " + ", ".join(
        f"{fault} {count}" for fault, count in sorted(faults.items())))
    out.append(f"  POST ids processed    {post_ids}, {retried} more than once, {len(duplicates)} duplicates "
               f"(an attempt after one not answered {sorted(allowed)})")
    out.append(f"  retryd RSS MiB        start {mib(rss[0])}, peak {mib(peak)}, end {mib(rss[-1])}; "
               f"second-half slope {second_half:+.3f} MiB/s over {sum(1 for t, _ in samples if t >= args.duration / 2)} "
               f"samples")
    print("\n".join(out))
    if args.rss_file:
        with open(args.rss_file, "w") as handle:
            for t, kib in samples:
                handle.write(f"{t:.1f} {kib}\n")
    failures = []
    if stats.hangs:
        failures.append(f"hangs: {stats.hangs[:5]}")
    if duplicates:
        failures.append(f"duplicate POSTs: {duplicates[:5]}")
    if stats.truncated_complete:
        failures.append(f"truncated but complete-looking: {stats.truncated_complete[:5]}")
    if stats.corrupt:
        failures.append(f"corrupt: {stats.corrupt[:5]}")
    if stats.mismatched:
        failures.append(f"mismatched: {stats.mismatched[:5]}")
    if stats.unsolicited:
        failures.append(f"unsolicited bytes on {stats.unsolicited} connections")
    if not alive:
        failures.append("retryd exited during the soak")
    for failure in failures:
        print(f"FAIL {failure}")
    print("soak: " + ("FAILED" if failures else "passed"))
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--retryd-pid", type=int, required=True)
    parser.add_argument("--ledger", required=True)
    parser.add_argument("--connections", type=int, default=300)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--hang-after", type=float, default=12)
    parser.add_argument("--post-share", type=float, default=0.3)
    parser.add_argument("--abort-share", type=float, default=0.02, help="requests the client abandons")
    parser.add_argument("--slow-share", type=float, default=0.02, help="connections that read large bodies slowly")
    parser.add_argument("--rss-interval", type=float, default=2)
    parser.add_argument("--rss-file")
    parser.add_argument("--non-idempotent-statuses", default="429,503")
    parser.add_argument("--seed", type=int, default=int(time.time()))
    args = parser.parse_args()
    stats, samples, elapsed = asyncio.run(run(args))
    sys.exit(report(args, stats, samples, elapsed))


if __name__ == "__main__":
    main()
