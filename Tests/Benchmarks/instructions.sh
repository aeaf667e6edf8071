#!/usr/bin/env bash
# Instructions per proxied request, counted by callgrind: retryd and libcurl alone against the same one-worker nginx
# upstream, with the counters zeroed after a warm-up. Unlike CPU time, the counts hardly move with the machine's
# noise, so a change to the hot path can be judged in one run.
#   bash Tests/Benchmarks/instructions.sh [RETRYD_BINARY]      # default: a fresh release build
# Prints Ir per request for each, and retryd's split by library (Swift runtime, retryd, libcurl, libc).
# Not a test. Kernel time (syscalls) is not counted: compare with bench.sh for CPU.
set -euo pipefail
cd "$(dirname "$0")/../.."

UPSTREAM_PORT=${UPSTREAM_PORT:-18191}
RETRYD_PORT=${RETRYD_PORT:-18193}
SECONDS_MEASURED=${SECONDS_MEASURED:-10}
CONNECTIONS=${CONNECTIONS:-16}

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk || ! need valgrind || ! need curl; then
    echo "installing nginx, wrk, valgrind and curl from Debian..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk valgrind curl >/dev/null
fi
RETRYD=${1:-}
# shellcheck source=Tests/Benchmarks/json-upstream.sh
source Tests/Benchmarks/json-upstream.sh
build_retryd_if_unset

work=$(mktemp -d /tmp/retryd-instructions.XXXXXX)
chmod 755 "$work"
cleanup() {
    [[ -f $work/upstream.pid ]] && kill "$(cat "$work/upstream.pid")" 2>/dev/null
    pkill -f "callgrind-out-file=$work" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT

start_json_upstream "$work" "$UPSTREAM_PORT"
url=$json_upstream_url

# The toolchain writes DWARF 5, which Debian's valgrind cannot read: profile a copy without debug info (the symbol
# table still names every function).
objcopy --strip-debug "$RETRYD" "$work/retryd"

total_ir() { callgrind_annotate "$1" 2>/dev/null | awk '/PROGRAM TOTALS/ { gsub(",", "", $1); print $1 }'; }

# One loop: callgrind runs threads one at a time anyway, and a dump taken while a second loop waits in epoll_wait
# would charge its stack in part, which the split below cannot tell from real cost.
write_measured_config "$work" "$RETRYD_PORT" "$UPSTREAM_PORT"
valgrind --tool=callgrind --callgrind-out-file="$work/retryd.cg" "$work/retryd" \
    --config "$work/retryd.toml" 2>"$work/logs/retryd.log" &
vpid=$!
wait_for_url "http://127.0.0.1:$RETRYD_PORT/v1/jobs/1234" 100 0.2
wrk -t1 -c"$CONNECTIONS" -d3s "http://127.0.0.1:$RETRYD_PORT/v1/jobs/1234" >/dev/null
callgrind_control -z "$vpid" >/dev/null
requests=$(wrk -t1 -c"$CONNECTIONS" -d"${SECONDS_MEASURED}s" "http://127.0.0.1:$RETRYD_PORT/v1/jobs/1234" |
    awk '/requests in/ { print $1 }')
callgrind_control -d "$vpid" >/dev/null
kill -INT "$vpid"
wait "$vpid" 2>/dev/null || true
dump=$(ls -t "$work"/retryd.cg.* | head -n 1)
ir=$(total_ir "$dump")
echo "retryd: $requests requests, $((ir / requests)) instructions per request"
# Self cost by library. A dump taken while the loop runs charges the frames still on the stack in full: skip those.
callgrind_annotate --threshold=100 --auto=no "$dump" 2>/dev/null | awk -v n="$requests" '
    /^ *[0-9,]+ \(/ && /\]$/ && !/\(100\.0%\)/ {
        ir = $1; gsub(",", "", ir)
        match($0, /\[[^]]*\]$/); object = substr($0, RSTART + 1, RLENGTH - 2); sub(/.*\//, "", object)
        sum[object] += ir
    }
    END { for (o in sum) if (sum[o] / n >= 500) printf "  %-28s %8d per request\n", o, sum[o] / n }' | sort -k2 -rn

# libcurl alone, as bench.sh runs it: the floor any libcurl-based proxy starts from.
cc -O2 -o "$work/curl-floor" Tests/Benchmarks/curl-floor.c -lcurl
valgrind --tool=callgrind --callgrind-out-file="$work/floor.cg" "$work/curl-floor" "$url" "$CONNECTIONS" \
    "$SECONDS_MEASURED" >"$work/floor.out" 2>"$work/logs/floor.log"
floor_requests=$(awk '{ printf "%d", $1 * '"$SECONDS_MEASURED"' }' "$work/floor.out")
floor_ir=$(total_ir "$work/floor.cg")
echo "libcurl alone: about $floor_requests transfers, $((floor_ir / floor_requests)) instructions per transfer" \
    "(start-up included)"
