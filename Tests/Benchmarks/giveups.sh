#!/usr/bin/env bash
# Give-up burst benchmark (issue 13, the durable journal): N requests to an upstream that refuses connections, so
# every one is a give-up, through retryd with the journal off (state_dir = "") and on (state_dir in a temporary
# directory). Shows, per mode, the burst's wall time, retryd's CPU (user + system, from /proc) for the whole burst
# and per give-up, its peak RSS, and with the journal on how long after the burst the last row was committed, the
# rows written and dropped (from /metrics) and the file's size.
#   bash Tests/Benchmarks/giveups.sh                      # builds retryd (release) first, runs every mode
#   bash Tests/Benchmarks/giveups.sh .build-gbench/release/retryd
#   N=2000 CLIENTS=200 ATTEMPTS=100 DEADLINE=1s bash Tests/Benchmarks/giveups.sh   # "upstream down, deadline 1 s"
# Modes (MODES, default "off on"): off = no journal; on = journal; on-notify = journal and a [notify] webhook that
# refuses connections (every event stays pending in the journal).
# Environment (defaults in brackets): N [10000] requests; CLIENTS [32] keep-alive clients; ATTEMPTS [1] attempts
# per request (1: give up at the first refusal, the journal's worst case: give-ups as fast as retryd makes them);
# DEADLINE [1s] the retry deadline when ATTEMPTS > 1 (backoff 100ms doubling); SCRATCH [.build-gbench] the swift
# build scratch path; KEEP=1 keeps the work directory.
# Not a test: figures depend on the machine. Loopback only, bounded in time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

N=${N:-10000}
CLIENTS=${CLIENTS:-32}
ATTEMPTS=${ATTEMPTS:-1}
DEADLINE=${DEADLINE:-1s}
MODES=${MODES:-"off on"}
SCRATCH=${SCRATCH:-.build-gbench}
PORT=${PORT:-18391}
ADMIN_PORT=${ADMIN_PORT:-18392}
command -v python3 >/dev/null || { echo "giveups: python3 is needed" >&2; exit 2; }

if [[ $# -ge 1 ]]; then
    RETRYD=$1
else
    echo "building retryd (release, scratch path $SCRATCH)..."
    swift build -c release --product retryd --scratch-path "$SCRATCH" 2>&1 | tail -1
    RETRYD=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/retryd
fi

work=$(mktemp -d /tmp/retryd-giveups.XXXXXX)
pid=
cleanup() {
    [[ -n $pid ]] && kill "$pid" 2>/dev/null || true
    [[ ${KEEP:-0} == 1 ]] && echo "work directory kept: $work" || rm -rf "$work"
}
trap cleanup EXIT

ticks=$(getconf CLK_TCK)
cpu_seconds() { awk -v t="$ticks" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }
metric() { curl -s "http://127.0.0.1:$ADMIN_PORT/metrics" | awk -v m="$1" '$1 == m { print $2 }'; }

printf '%-10s %8s %9s %10s %12s %9s %10s %9s %8s %9s\n' mode requests "burst s" "cpu s" "cpu µs/req" "rss MiB" \
    "lag ms" written dropped "db KiB"
for mode in $MODES; do
    state=""
    notify=""
    case $mode in
        off) ;;
        on) state="$work/state-$mode" ;;
        on-notify) state="$work/state-$mode"
            notify=$'[notify]\nwebhook = "http://127.0.0.1:1/hook"\nmax_attempts = 5\n' ;;
        *) echo "giveups: unknown mode $mode" >&2; exit 2 ;;
    esac
    cat >"$work/$mode.toml" <<TOML
state_dir = "$state"
log_level = "error"
$notify
[admin]
listen = "127.0.0.1:$ADMIN_PORT"

[[upstream]]
name = "vendor"
listen = "127.0.0.1:$PORT"
url = "http://127.0.0.1:1"
[upstream.retry]
max_attempts = $ATTEMPTS
deadline = "$DEADLINE"
backoff = { initial = "100ms", multiplier = 2.0, max = "1s", jitter = "equal" }
# Every request is to be a give-up, as fast as retryd makes them: no retry budget, no breaker answering first.
budget = false
[upstream.breaker]
enabled = false
TOML
    "$RETRYD" --config "$work/$mode.toml" 2>"$work/$mode.log" &
    pid=$!
    for _ in $(seq 100); do curl -fs "http://127.0.0.1:$ADMIN_PORT/readyz" >/dev/null && break; sleep 0.05; done
    before=$(cpu_seconds "$pid")
    result=$(python3 "$here/giveups_client.py" "$PORT" "$N" "$CLIENTS")
    burst_end=$(date +%s%N)
    lag=0
    if [[ -n $state ]]; then
        for _ in $(seq 1000); do
            total=$(( $(metric retryd_journal_written_total) + $(metric retryd_journal_dropped_total) ))
            (( total >= N )) && break
            sleep 0.01
        done
        lag=$(( ($(date +%s%N) - burst_end) / 1000000 ))
    fi
    after=$(cpu_seconds "$pid")
    rss=$(awk '/VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status")
    written=$(metric retryd_journal_written_total); written=${written:--}
    dropped=$(metric retryd_journal_dropped_total); dropped=${dropped:--}
    kill "$pid"; wait "$pid" 2>/dev/null || true; pid=
    size=-
    [[ -n $state ]] && size=$(du -k "$state" | awk '{ print $1 }')
    elapsed=$(sed -E 's/.*elapsed=([0-9.]+).*/\1/' <<<"$result")
    requests=$(sed -E 's/.*requests=([0-9]+).*/\1/' <<<"$result")
    cpu=$(awk -v a="$after" -v b="$before" 'BEGIN { printf "%.2f", a - b }')
    per=$(awk -v c="$cpu" -v n="$requests" 'BEGIN { printf "%.0f", c * 1e6 / n }')
    printf '%-10s %8s %9s %10s %12s %9s %10s %9s %8s %9s\n' "$mode" "$requests" "$elapsed" "$cpu" "$per" "$rss" \
        "$lag" "$written" "$dropped" "$size"
    # 502 (refused, one attempt); with a deadline 504, and a few 429 from retryd's own gate, all give-ups.
    grep -q "error:" <<<"$result" && echo "  (some requests got no answer: $result)"
    true
done
