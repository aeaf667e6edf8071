#!/usr/bin/env python3
"""Closed-loop keep-alive clients and the report for Tests/Benchmarks/quota.sh (stdlib only).

    quota_clients.py run --mode on-3 --ports 4101,4102,4103 --vendor-port 4200 --out on-3.json [...]
    quota_clients.py report on-1.json on-3.json ...

run: resets the vendor (POST /_qbench/reset, straight to the vendor: window 0 starts then), then opens --clients
keep-alive connections, client i to retryd port i mod N (a fleet: each application process talks to its own
sidecar), and each sends GETs for --duration seconds, one at a time, the next as soon as the previous answer is in.
Each answer's status and latency are recorded. At the end (window 0's start + duration) requests still unanswered
are abandoned (their connections closed), and after a short settle the vendor's per-window counters are read.
Only the windows inside the run count: quota used = vendor 200s / (Q x windows), so the duration should be a
multiple of the window. --skip-windows k leaves the first k windows (retryd's cold start: it has seen no quota
headers yet) out of the vendor figures and the quota; the client figures always cover the whole run.
The result is written as JSON; `report` prints one table row per result, the target check and the details.

A mode whose configuration retryd refused is a JSON file {"mode": ..., "rejected": "<retryd's message>"}; one that
could not be set up is {"mode": ..., "failed": "<what>"}.
"""

import argparse
import asyncio
import collections
import json
import math
import socket
import sys
import time

sys.dont_write_bytecode = True

TARGET_SHARE = 1.0  # vendor 429s, % of vendor requests, at most
TARGET_USED = 90.0  # vendor 200s, % of the quota of the windows elapsed, at least


def vendor_call(port: int, method: str, path: str) -> dict:
    """One request straight to the vendor's control endpoints (blocking; outside the measured run)."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(f"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n".encode())
        data = bytearray()
        while chunk := sock.recv(65536):
            data += chunk
    head, _, body = bytes(data).partition(b"\r\n\r\n")
    if not head.startswith(b"HTTP/1.1 200"):
        raise SystemExit(f"quota_clients: vendor {method} {path}: {head[:80]!r}")
    return json.loads(body)


class Answer(Exception):
    pass


async def read_answer(reader) -> tuple:
    """(status, close) of one response; its body is read and dropped."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head[:-4].split(b"\r\n")
    parts = lines[0].split(b" ", 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/1."):
        raise Answer(f"bad status line {lines[0][:60]!r}")
    status = int(parts[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers[name.strip().lower()] = value.strip()
    if b"chunked" in headers.get(b"transfer-encoding", b"").lower():
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2) if size else await reader.readuntil(b"\r\n")
            if size == 0:
                break
    elif b"content-length" in headers:
        await reader.readexactly(int(headers[b"content-length"]))
    close = headers.get(b"connection", b"").lower() == b"close" or parts[0] == b"HTTP/1.0"
    return status, close


class Client:
    def __init__(self, number: int, port: int, t0: float, w: float, results: dict):
        self.number = number
        self.port = port
        self.t0 = t0
        self.w = w
        self.results = results
        self.pending = False
        self.writer = None

    async def run(self):
        sequence = 0
        reader = None
        while True:
            if self.writer is None:
                try:
                    reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port, limit=1 << 20)
                except OSError as error:
                    self.results["errors"][f"connect: {error.strerror or error}"] += 1
                    await asyncio.sleep(0.1)
                    continue
            sequence += 1
            request = (f"GET /v1/assets/{self.number}-{sequence} HTTP/1.1\r\n"
                       f"Host: 127.0.0.1:{self.port}\r\nAccept: application/json\r\n\r\n").encode()
            start = time.monotonic()
            self.pending = True
            try:
                self.writer.write(request)
                status, close = await read_answer(reader)
            except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, Answer) as error:
                self.pending = False
                self.results["errors"][type(error).__name__] += 1
                self.drop()
                await asyncio.sleep(0.05)
                continue
            end = time.monotonic()
            self.pending = False
            self.results["answers"].append((status, end - start, self.port, math.floor((end - self.t0) / self.w)))
            if close:
                self.drop()

    def drop(self):
        if self.writer is not None:
            self.writer.transport.abort()
            self.writer = None


async def drive(args, t0: float, w: float) -> dict:
    ports = [int(port) for port in args.ports.split(",")]
    results = {"answers": [], "errors": collections.Counter()}
    clients = [Client(number, ports[number % len(ports)], t0, w, results) for number in range(args.clients)]
    tasks = [asyncio.create_task(client.run()) for client in clients]
    end = t0 + args.duration
    await asyncio.sleep(max(0.0, end - time.monotonic()))
    abandoned = sum(client.pending for client in clients)
    for task in tasks:
        task.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    for client in clients:
        client.drop()
    results["abandoned"] = abandoned
    return results


def percentile(values: list, share: float):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(share * len(ordered)) - 1))]


def count_lines(paths: list, needle: str) -> int:
    total = 0
    for path in paths:
        try:
            with open(path, errors="replace") as handle:
                total += sum(needle in line for line in handle)
        except OSError:
            pass
    return total


def run(args):
    reset = vendor_call(args.vendor_port, "POST", "/_qbench/reset")
    t0, q, w = reset["t0"], reset["q"], reset["w"]
    results = asyncio.run(drive(args, t0, w))
    time.sleep(args.settle)  # let retryd's last attempts reach the vendor before its counters are read
    stats = vendor_call(args.vendor_port, "GET", "/_qbench/stats")
    windows = max(1, math.ceil(args.duration / w - 1e-6))
    skip = min(args.skip_windows, windows - 1)
    inside = [row for row in stats["windows"] if skip <= row["index"] < windows]
    after = [row for row in stats["windows"] if row["index"] >= windows]
    answers = results["answers"]
    statuses = collections.Counter(status for status, _, _, _ in answers)
    latencies = [latency for _, latency, _, _ in answers]
    ok_latencies = [latency for status, latency, _, _ in answers if status == 200]
    per_window_answers = collections.Counter((index, status) for status, _, _, index in answers)
    logs = args.retryd_logs.split(",") if args.retryd_logs else []
    received = sum(row["received"] for row in inside)
    limited = sum(row["limited"] for row in inside)
    ok = sum(row["ok"] for row in inside)
    result = {
        "mode": args.mode,
        "instances": len(args.ports.split(",")),
        "clients": args.clients,
        "duration": args.duration,
        "q": q,
        "w": w,
        "windows": windows,
        "skipped_windows": skip,
        "completed": len(answers),
        "client_statuses": {str(status): count for status, count in sorted(statuses.items())},
        "client_429": statuses.get(429, 0),
        "client_errors": dict(results["errors"]),
        "abandoned": results["abandoned"],
        "p50": percentile(latencies, 0.50),
        "p99": percentile(latencies, 0.99),
        "p50_200": percentile(ok_latencies, 0.50),
        "p99_200": percentile(ok_latencies, 0.99),
        "max": max(latencies) if latencies else None,
        "vendor_received": received,
        "vendor_ok": ok,
        "vendor_429": limited,
        "vendor_unkeyed": sum(row["unkeyed"] for row in inside),
        "vendor_keys": stats["keys"],
        "vendor_after_end": sum(row["received"] for row in after),
        "vendor_429_share": 100.0 * limited / received if received else 0.0,
        "quota_used": 100.0 * ok / (q * (windows - skip)),
        "vendor_windows": [row for row in stats["windows"] if 0 <= row["index"] < windows],
        "client_per_window": {
            str(index): {"ok": per_window_answers.get((index, 200), 0),
                         "429": per_window_answers.get((index, 429), 0),
                         "other": sum(count for (i, status), count in per_window_answers.items()
                                      if i == index and status not in (200, 429))}
            for index in range(windows)
        },
        "retryd_retries": count_lines(logs, "retrying "),
        "retryd_giveups": count_lines(logs, "retry gave up"),
    }
    with open(args.out, "w") as handle:
        json.dump(result, handle, indent=1)
    print(f"  {args.mode}: {len(answers)} answers ({dict(sorted(statuses.items()))}), vendor {received} requests,"
          f" {limited} 429 ({result['vendor_429_share']:.1f}%), quota used {result['quota_used']:.1f}%")


def milliseconds(value) -> str:
    return "-" if value is None else f"{value * 1000:,.0f} ms"


def meets_target(result: dict) -> bool:
    return result["vendor_429_share"] <= TARGET_SHARE and result["quota_used"] >= TARGET_USED


def report(args):
    results = []
    for path in args.results:
        with open(path) as handle:
            results.append(json.load(handle))
    header = ["mode", "inst", "completed", "vendor req", "vendor 429", "429 share", "client 429", "quota used",
              "p50", "p99"]
    rows = []
    for result in results:
        if "completed" not in result:
            reason = result.get("rejected") or result.get("failed")
            label = "config rejected" if "rejected" in result else "failed"
            rows.append([result["mode"], str(result.get("instances", "")), f"{label}: {reason}"])
            continue
        rows.append([result["mode"], str(result["instances"]), f"{result['completed']:,}",
                     f"{result['vendor_received']:,}", f"{result['vendor_429']:,}",
                     f"{result['vendor_429_share']:.1f}%", f"{result['client_429']:,}",
                     f"{result['quota_used']:.1f}%", milliseconds(result["p50"]), milliseconds(result["p99"])])
    full = [row for row in rows if len(row) == len(header)]
    widths = [max(len(row[i]) for row in full + [header]) for i in range(len(header))]
    widths[0] = max(len(row[0]) for row in rows + [header])

    def line(row):
        if len(row) < len(header):
            return "  ".join([row[0].ljust(widths[0]), row[1].rjust(widths[1]), row[2]])
        cells = [row[0].ljust(widths[0])] + [cell.rjust(width) for cell, width in zip(row[1:], widths[1:])]
        return "  ".join(cells)

    first = next((r for r in results if "completed" in r), None)
    if first:
        print(f"\n{first['clients']} closed-loop keep-alive clients for {first['duration']:g} s; vendor quota"
              f" {first['q']} requests per {first['w']:g} s window ({first['windows']} windows)")
        if first.get("skipped_windows"):
            print(f"vendor figures and quota leave out the first {first['skipped_windows']} window(s)")
    print(line(header))
    print("  ".join("-" * width for width in widths))
    for row in rows:
        print(line(row))
    print(f"\ntarget: vendor 429 share <= {TARGET_SHARE:g}% and quota used >= {TARGET_USED:g}%"
          " (applies to on-*; off-* are the baseline)")
    for result in results:
        name = result["mode"].ljust(widths[0])
        if "rejected" in result:
            print(f"  {name}  config rejected (not measured)")
        elif "failed" in result:
            print(f"  {name}  not measured: {result['failed']}")
        else:
            verdict = "PASS" if meets_target(result) else "FAIL"
            role = "baseline" if result["mode"].startswith("off") else "target"
            print(f"  {name}  {verdict}  ({role}: 429 share {result['vendor_429_share']:.1f}%,"
                  f" quota used {result['quota_used']:.1f}%)")
    print("\ndetails")
    for result in results:
        if "completed" not in result:
            continue
        per_window = " ".join(f"{row['ok']}/{row['limited']}" for row in result["vendor_windows"])
        statuses = ", ".join(f"{status}: {count:,}" for status, count in result["client_statuses"].items())
        errors = ", ".join(f"{name}: {count}" for name, count in result["client_errors"].items()) or "none"
        print(f"  {result['mode']}: vendor 200/429 per window: {per_window}")
        print(f"    client answers {statuses}; errors {errors}; unanswered at the end {result['abandoned']};"
              f" 200s p50 {milliseconds(result['p50_200'])} p99 {milliseconds(result['p99_200'])},"
              f" slowest answer {milliseconds(result['max'])}")
        print(f"    retryd: {result['retryd_retries']:,} retries logged, {result['retryd_giveups']:,} give-ups;"
              f" vendor: {result['vendor_after_end']} requests after the end, {result['vendor_unkeyed']} without"
              f" the key, {result['vendor_keys']} key(s)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    runner = commands.add_parser("run")
    runner.add_argument("--mode", required=True)
    runner.add_argument("--ports", required=True, help="retryd listener ports, comma-separated")
    runner.add_argument("--vendor-port", type=int, required=True)
    runner.add_argument("--clients", type=int, default=32)
    runner.add_argument("--duration", type=float, default=20.0)
    runner.add_argument("--skip-windows", type=int, default=0, help="windows left out of the vendor figures (0)")
    runner.add_argument("--settle", type=float, default=1.0, help="seconds after the end before reading the vendor")
    runner.add_argument("--retryd-logs", default="", help="retryd log files, comma-separated (retries, give-ups)")
    runner.add_argument("--out", required=True)
    reporter = commands.add_parser("report")
    reporter.add_argument("results", nargs="+")
    args = parser.parse_args()
    if args.command == "run":
        run(args)
    else:
        report(args)


if __name__ == "__main__":
    main()
