#!/usr/bin/env bash
# Outage benchmark (issue 12, storm protection): steady open-loop client traffic through retryd against a vendor
# that goes down for a while in the middle. It shows the load retryd puts on the vendor while it is down
# (amplification: attempts ÷ client requests), what the clients wait during and after the outage, and how soon
# traffic is normal again once the vendor is back, with the retry budget and circuit breaker off, the budget alone,
# and both (the defaults).
#   bash Tests/Benchmarks/outage.sh                        # builds retryd (release) first, runs every mode
#   bash Tests/Benchmarks/outage.sh .build-obench/release/retryd
#   MODES=on FAILURES="503 refused" DURATION=30 DOWN_AT=10 DOWN_FOR=10 bash Tests/Benchmarks/outage.sh
# Modes (MODES, default "off budget on"), each on a fresh vendor and a fresh retryd:
#   off     budget = false, [upstream.breaker] enabled = false (retryd as it was before issue 12)
#   budget  the default retry budget, no breaker
#   on      the defaults: the retry budget and the breaker
# Every mode keeps retryd's default retry policy (5 attempts, 2 s, 4 s, 8 s, 16 s, equal jitter, 60 s deadline).
# Environment (defaults in brackets):
#   RATE [50] requests per second; DURATION [60] s; DOWN_AT [20] s, DOWN_FOR [20] s the outage;
#   FAILURES ["503"] how the vendor is down: 503 (it answers 503 at once) and/or refused (nothing listens);
#   VENDOR_LATENCY [0.02] s per 200; KEEP=1 keeps the work directory (configs, logs, results);
#   SCRATCH [.build-obench] the swift build scratch path.
# Not a test: figures depend on the machine, a missed target does not fail the run. Exits non-zero only when
# something could not be set up (build, vendor, retryd start-up, clients). Loopback only, bounded in time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

RATE=${RATE:-50}
DURATION=${DURATION:-60}
DOWN_AT=${DOWN_AT:-20}
DOWN_FOR=${DOWN_FOR:-20}
FAILURES=${FAILURES:-503}
MODES=${MODES:-"off budget on"}
VENDOR_LATENCY=${VENDOR_LATENCY:-0.02}
SCRATCH=${SCRATCH:-.build-obench}

for mode in $MODES; do
    [[ $mode =~ ^(off|budget|on)$ ]] || { echo "outage: unknown mode $mode" >&2; exit 2; }
done
for failure in $FAILURES; do
    [[ $failure =~ ^(503|refused)$ ]] || { echo "outage: unknown failure $failure" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "outage: python3 is needed" >&2; exit 2; }
# Without the protection every request of the outage stays open for up to 30 s of backoff: 1,500 at once at 50/s.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [[ $# -ge 1 ]]; then
    RETRYD=$1
else
    echo "building retryd (release, scratch path $SCRATCH)..."
    swift build -c release --product retryd --scratch-path "$SCRATCH" 2>&1 | tail -1
    RETRYD=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/retryd
fi
[[ -x $RETRYD ]] || { echo "outage: no retryd binary at $RETRYD" >&2; exit 2; }

work=$(mktemp -d /tmp/retryd-obench.XXXXXX)
pids=()  # every process this script started and has not stopped yet
cleanup() {
    stop "${pids[@]}"
    if [[ ${KEEP:-0} == 1 ]]; then echo "outage: work directory kept in $work"; else rm -rf "$work"; fi
}

forget() {  # drop pids from the list of processes to clean up
    local pid keep=() gone=" $* "
    for pid in "${pids[@]}"; do [[ $gone == *" $pid "* ]] || keep+=("$pid"); done
    pids=("${keep[@]}")
}

# SIGTERM, then SIGKILL after 5 s.
stop() {
    local pid
    for pid in "$@"; do kill "$pid" 2>/dev/null || true; done
    for _ in $(seq 50); do
        local alive=0
        for pid in "$@"; do kill -0 "$pid" 2>/dev/null && alive=1; done
        [[ $alive == 0 ]] && break
        sleep 0.1
    done
    for pid in "$@"; do
        kill -0 "$pid" 2>/dev/null && kill -9 "$pid" 2>/dev/null
        wait "$pid" 2>/dev/null || true
    done
    forget "$@"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The vendor binds two ports on 127.0.0.1:0 and writes "DATA CONTROL".
vendor_pid=
vendor_port=
control_port=
start_vendor() {
    local dir=$1 failure=$2
    python3 "$here/outage_vendor.py" --port-file "$dir/vendor.port" --failure "$failure" \
        --latency "$VENDOR_LATENCY" 2>"$dir/vendor.log" &
    vendor_pid=$!
    pids+=("$vendor_pid")
    for _ in $(seq 100); do
        if [[ -s $dir/vendor.port ]]; then
            read -r vendor_port control_port <"$dir/vendor.port"
            return 0
        fi
        kill -0 "$vendor_pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "outage: the vendor did not start (see $dir/vendor.log)" >&2
    return 1
}

write_config() {
    local file=$1 mode=$2
    cat >"$file" <<TOML
log_level = "info"

[admin]
listen = "127.0.0.1:0"

[limits]
max_connections = 8192

[[upstream]]
name = "vendor"
listen = "127.0.0.1:0"
url = "http://127.0.0.1:$vendor_port"
TOML
    case $mode in
        off) printf '\n[upstream.retry]\nbudget = false\n\n[upstream.breaker]\nenabled = false\n' >>"$file" ;;
        budget) printf '\n[upstream.breaker]\nenabled = false\n' >>"$file" ;;
        on) ;;  # the defaults
    esac
}

# retryd logs "listening on 127.0.0.1:PORT for vendor ..." and "admin endpoints on 127.0.0.1:PORT: ..." at info.
retryd_pid=
retryd_port=
admin_port=
start_retryd() {
    local config=$1 log=$2
    "$RETRYD" --config "$config" 2>"$log" &
    retryd_pid=$!
    pids+=("$retryd_pid")
    for _ in $(seq 200); do
        retryd_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" | head -1)
        admin_port=$(sed -n 's/.*admin endpoints on 127\.0\.0\.1:\([0-9]*\):.*/\1/p' "$log" | head -1)
        [[ -n $retryd_port && -n $admin_port ]] && return 0
        kill -0 "$retryd_pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "outage: retryd did not report its ports:" >&2
    tail -5 "$log" >&2
    return 1
}

fail_mode() {  # mode failure dir reason
    python3 -c 'import json, sys; json.dump({"mode": sys.argv[1], "failure": sys.argv[2], "failed": sys.argv[3]},
        open(sys.argv[4], "w"))' "$1" "$2" "$4" "$3/result.json"
    echo "  $1/$2: not measured: $4"
    status=2
}

status=0
results=()
echo "outage: $RATE requests/s for ${DURATION}s per mode; the vendor is down from ${DOWN_AT}s for ${DOWN_FOR}s" \
    "($FAILURES); modes: $MODES"
for failure in $FAILURES; do
    for mode in $MODES; do
        dir=$work/$mode-$failure
        mkdir -p "$dir"
        results+=("$dir/result.json")
        if ! start_vendor "$dir" "$failure"; then fail_mode "$mode" "$failure" "$dir" "the vendor did not start"; continue; fi
        write_config "$dir/retryd.toml" "$mode"
        if ! "$RETRYD" check --config "$dir/retryd.toml" >"$dir/check.log" 2>&1; then
            fail_mode "$mode" "$failure" "$dir" "$(grep -m1 . "$dir/check.log" || echo "retryd check failed")"
            stop "$vendor_pid"
            continue
        fi
        if ! start_retryd "$dir/retryd.toml" "$dir/retryd.log"; then
            fail_mode "$mode" "$failure" "$dir" "retryd did not start"
            stop "$vendor_pid"
            continue
        fi
        echo "  $mode/$failure: vendor 127.0.0.1:$vendor_port, retryd 127.0.0.1:$retryd_port (admin $admin_port)"
        # Bounded: the run, the longest client wait, and slack. In the background so a signal runs the trap at once.
        timeout $((${DURATION%.*} + 120)) python3 "$here/outage_clients.py" run --mode "$mode" --failure "$failure" \
            --port "$retryd_port" --admin-port "$admin_port" --control-port "$control_port" --rate "$RATE" \
            --duration "$DURATION" --down-at "$DOWN_AT" --down-for "$DOWN_FOR" --out "$dir/result.json" &
        clients_pid=$!
        pids+=("$clients_pid")
        clients_status=0
        wait "$clients_pid" || clients_status=$?
        forget "$clients_pid"
        [[ $clients_status == 0 ]] || fail_mode "$mode" "$failure" "$dir" "the clients failed ($clients_status)"
        kill -0 "$retryd_pid" 2>/dev/null || echo "  $mode/$failure: retryd (pid $retryd_pid) had exited; see its log"
        grep -hE "retryd: circuit breaker (open:|closed)" "$dir/retryd.log" | head -4 | sed 's/^/    /' || true
        stop "$retryd_pid" "$vendor_pid"
    done
done

python3 "$here/outage_clients.py" report "${results[@]}"
exit "$status"
