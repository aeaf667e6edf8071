#!/usr/bin/env python3
"""Open-loop clients and the report for Tests/Benchmarks/outage.sh (stdlib only).

    run     sends --rate GETs per second for --duration seconds through retryd, one connection each (as a legacy
            application's HTTP library without a pool would), whatever the earlier ones are still waiting for; takes
            the vendor down at --down-at for --down-for seconds through its control port; reads retryd's /metrics
            when the outage begins and ends; writes every request's start, latency and answer to --out
    report  prints one row per result file

Amplification is retryd's attempts while the vendor was down (retryd_attempts_total at the end of the outage less
at its start) divided by the client requests started in it. Latencies are split by when the request started:
before, during and after the outage. Recovery is the time from the vendor's return to the first request after which
every request got a 200. All times are time.monotonic().
"""

import argparse
import asyncio
import json
import math
import sys
import time


async def http(port, method, target, timeout):
    """(status, head, body) of one request on a fresh connection; status 0 when there was no answer."""
    try:
        reader, writer = await asyncio.wait_for(asyncio.open_connection("127.0.0.1", port), timeout)
    except (OSError, asyncio.TimeoutError):
        return 0, b"", b""
    try:
        writer.write(b"%s %s HTTP/1.1\r\nHost: vendor\r\nConnection: close\r\n\r\n" % (method, target))
        data = await asyncio.wait_for(reader.read(-1), timeout)
    except (OSError, asyncio.TimeoutError):
        return 0, b"", b""
    finally:
        writer.close()
    head, _, body = data.partition(b"\r\n\r\n")
    try:
        return int(head.split(b" ", 2)[1]), head, body
    except (IndexError, ValueError):
        return 0, b"", b""


def header(head, name):
    for line in head.split(b"\r\n")[1:]:
        key, _, value = line.partition(b":")
        if key.strip().lower() == name:
            return value.strip().decode(errors="replace")
    return None


async def attempts(admin_port):
    """retryd_attempts_total summed over every label."""
    status, _, body = await http(admin_port, b"GET", b"/metrics", 5)
    total = 0.0
    for line in body.decode(errors="replace").splitlines():
        if line.startswith("retryd_attempts_total{"):
            total += float(line.rsplit(" ", 1)[1])
    return total


async def run(args):
    t0 = time.monotonic()
    records = []
    marks = {}

    async def one(index, start):
        status, head, body = await http(args.port, b"GET", b"/v1/jobs/%d" % index, args.timeout)
        error = None
        if status >= 500:
            try:
                error = json.loads(body).get("error")
            except (ValueError, AttributeError):
                error = None  # the vendor's own 503 body is JSON too, with "unavailable"
        records.append({"start": start - t0, "latency": time.monotonic() - start, "status": status, "error": error,
                        "attempts": header(head, b"x-retryd-attempts")})

    async def outage():
        await asyncio.sleep(max(t0 + args.down_at - time.monotonic(), 0))
        marks["attempts_down"] = await attempts(args.admin_port)
        await http(args.control_port, b"POST", b"/down", 5)
        marks["down"] = time.monotonic() - t0
        await asyncio.sleep(max(t0 + args.down_at + args.down_for - time.monotonic(), 0))
        marks["attempts_up"] = await attempts(args.admin_port)
        await http(args.control_port, b"POST", b"/up", 5)
        marks["up"] = time.monotonic() - t0

    tasks = [asyncio.ensure_future(outage())]
    count = int(args.rate * args.duration)
    for index in range(count):
        start = t0 + index / args.rate
        await asyncio.sleep(max(start - time.monotonic(), 0))
        tasks.append(asyncio.ensure_future(one(index, time.monotonic())))
    await asyncio.gather(*tasks)
    marks["attempts_end"] = await attempts(args.admin_port)
    result = {"mode": args.mode, "failure": args.failure, "rate": args.rate, "duration": args.duration,
              "marks": marks, "requests": sorted(records, key=lambda r: r["start"])}
    with open(args.out, "w") as handle:
        json.dump(result, handle)


def percentile(values, fraction):
    if not values:
        return None
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, math.ceil(fraction * len(ordered)) - 1))]


def ms(value):
    return "" if value is None else f"{value * 1000:,.0f} ms" if value >= 0.1 else f"{value * 1000:.1f} ms"


def summarize(result):
    marks = result["marks"]
    down, up = marks["down"], marks["up"]
    requests = result["requests"]
    during = [r for r in requests if down <= r["start"] < up]
    after = [r for r in requests if r["start"] >= up]
    # Requests the open breaker answered before any attempt (retries it stopped waited their backoff first).
    fast = [r for r in during if r["error"] == "circuit_open" and r.get("attempts") == "0"]
    amplification = (marks["attempts_up"] - marks["attempts_down"]) / max(len(during), 1)
    late = [r["start"] for r in after if r["status"] != 200]
    recovery = (max(late) - up + 1 / result["rate"]) if late else 0.0
    return {
        "mode": result["mode"], "failure": result["failure"], "during": len(during),
        "attempts": marks["attempts_up"] - marks["attempts_down"], "amplification": amplification,
        "during_p50": percentile([r["latency"] for r in during], 0.5),
        "during_p99": percentile([r["latency"] for r in during], 0.99),
        "fast": len(fast), "fast_p99": percentile([r["latency"] for r in fast], 0.99),
        "opened_after": (min(r["start"] for r in fast) - down) if fast else None,
        "within_50ms": sum(1 for r in during if r["latency"] <= 0.05) / max(len(during), 1),
        "after_p50": percentile([r["latency"] for r in after], 0.5),
        "after_p99": percentile([r["latency"] for r in after], 0.99),
        "recovery": recovery,
        "answers": {str(status): sum(1 for r in during if r["status"] == status)
                    for status in sorted({r["status"] for r in during})},
    }


def report(paths):
    print("| mode | vendor down as | amplification | attempts / requests during | p50 during | p99 during |"
          " answered ≤ 50 ms during | breaker open after | fast 503s (p99) | p50 after | p99 after | recovery |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for path in paths:
        with open(path) as handle:
            result = json.load(handle)
        if "failed" in result:
            print(f"| {result['mode']} | {result.get('failure', '')} | not measured: {result['failed']} |")
            continue
        row = summarize(result)
        fast = f"{row['fast']:,} ({ms(row['fast_p99'])})" if row["fast"] else "0"
        opened = "" if row["opened_after"] is None else f"{row['opened_after']:.1f} s"
        print(f"| {row['mode']} | {row['failure']} | {row['amplification']:.2f}× |"
              f" {row['attempts']:,.0f} / {row['during']:,} | {ms(row['during_p50'])} | {ms(row['during_p99'])} |"
              f" {row['within_50ms'] * 100:.0f}% |"
              f" {opened} |"
              f" {fast} | {ms(row['after_p50'])} | {ms(row['after_p99'])} |"
              f" {row['recovery']:.1f} s |")
        sys.stderr.write(f"  {row['mode']}/{row['failure']}: answers during the outage by status {row['answers']}\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    runner = commands.add_parser("run")
    runner.add_argument("--mode", required=True)
    runner.add_argument("--failure", default="503")
    runner.add_argument("--port", type=int, required=True, help="retryd's listener")
    runner.add_argument("--admin-port", type=int, required=True)
    runner.add_argument("--control-port", type=int, required=True, help="the vendor's control port")
    runner.add_argument("--rate", type=float, default=50)
    runner.add_argument("--duration", type=float, default=60)
    runner.add_argument("--down-at", type=float, default=20)
    runner.add_argument("--down-for", type=float, default=20)
    runner.add_argument("--timeout", type=float, default=90, help="seconds a client waits for its answer")
    runner.add_argument("--out", required=True)
    reporter = commands.add_parser("report")
    reporter.add_argument("results", nargs="+")
    args = parser.parse_args()
    if args.command == "run":
        asyncio.run(run(args))
    else:
        report(args.results)


if __name__ == "__main__":
    main()
