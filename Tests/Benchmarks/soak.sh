#!/usr/bin/env bash
# Soak: several hundred keep-alive clients through retryd against an upstream that fails in every way retryd
# handles, with the upstream killed and restarted half-way. Checks every answer and samples retryd's memory.
#   bash Tests/Benchmarks/soak.sh                    # builds retryd (release) first
#   bash Tests/Benchmarks/soak.sh .build/release/retryd
#   DURATION=120 CONNECTIONS=300 bash Tests/Benchmarks/soak.sh
# Environment (defaults in brackets):
#   DURATION [60] s, CONNECTIONS [300], POST_SHARE [0.3], HANG_AFTER [12] s (nothing complete by then is a hang),
#   ABORT_SHARE [0.02] of requests the client abandons, SLOW_SHARE [0.02] of connections reading 0.25-2 MiB slowly,
#   FAULTS upstream weights instead of its mix (e.g. "ok_length=40,status_5xx=12"), BURST_SHARE [0.6] (0: no 429
#   bursts), RSS_INTERVAL [2] s, LOG_LEVEL [info] (retryd's port is read from its info line), SEED,
#   RETRYD_WRAPPER a command put in front of retryd ("env MALLOC_ARENA_MAX=1", "valgrind --tool=massif"),
#   HOLD [0] s to keep retryd running after the clients stop (to inspect its heap), KEEP=1 to keep the work
#   directory (config, logs, ledger, RSS samples), SCRATCH [.build-soak] the swift build scratch path.
# Not a test: figures depend on the machine. Loopback only, ephemeral ports, bounded in time.
# Exits non-zero on a hang, a duplicate POST or a truncated body that looks complete (see soak_client.py).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

DURATION=${DURATION:-60}
CONNECTIONS=${CONNECTIONS:-300}
POST_SHARE=${POST_SHARE:-0.3}
RSS_INTERVAL=${RSS_INTERVAL:-2}
LOG_LEVEL=${LOG_LEVEL:-info}
SEED=${SEED:-$(date +%s)}
SCRATCH=${SCRATCH:-.build-soak}
# Hard limit of open files: 300 clients + 300 upstream connections each side, in one process each.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true

if [[ $# -ge 1 ]]; then
    RETRYD=$1
else
    echo "building retryd (release, scratch path $SCRATCH)..."
    swift build -c release --product retryd --scratch-path "$SCRATCH" 2>&1 | tail -1
    RETRYD=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/retryd
fi
[[ -x $RETRYD ]] || { echo "soak: no retryd binary at $RETRYD" >&2; exit 2; }

work=$(mktemp -d /tmp/retryd-soak.XXXXXX)
upstream_pid=
retryd_pid=
restart_pid=
cleanup() {
    [[ -n $restart_pid ]] && kill "$restart_pid" 2>/dev/null
    [[ -f $work/upstream.pid ]] && kill "$(cat "$work/upstream.pid")" 2>/dev/null
    [[ -n $retryd_pid ]] && kill "$retryd_pid" 2>/dev/null
    wait 2>/dev/null
    if [[ ${KEEP:-0} == 1 ]]; then echo "soak: work directory kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

# The upstream picks its port (0) and writes it to a file; a restart binds that same port again.
start_upstream() {
    local port=$1 seed=$2
    rm -f "$work/upstream.port"
    python3 "$here/soak_upstream.py" --port "$port" --port-file "$work/upstream.port" --ledger "$work/ledger" \
        --seed "$seed" ${FAULTS:+--faults "$FAULTS"} --burst-share "${BURST_SHARE:-0.6}" 2>>"$work/upstream.log" &
    echo $! >"$work/upstream.pid"
    disown $!  # killed on purpose half-way: no "Killed" notice from this shell
    for _ in $(seq 100); do [[ -s $work/upstream.port ]] && return 0; sleep 0.05; done
    echo "soak: the upstream did not start (see $work/upstream.log)" >&2
    return 1
}
start_upstream 0 "$SEED"
upstream_port=$(cat "$work/upstream.port")

# A quick policy, so the soak spends its time retrying rather than waiting.
cat >"$work/retryd.toml" <<TOML
log_level = "$LOG_LEVEL"

[[upstream]]
name = "soak"
listen = "127.0.0.1:0"
url = "http://127.0.0.1:$upstream_port"
connect_timeout = "1s"
attempt_timeout = "1s"

[upstream.retry]
max_attempts = 5
deadline = "5s"
non_idempotent_statuses = [429, 503]
max_rate_limit_wait = "2s"
backoff = { initial = "10ms", multiplier = 2.0, max = "100ms", jitter = "equal" }

[limits]
max_connections = 2048
idle_timeout = "30s"
TOML
${RETRYD_WRAPPER:-} "$RETRYD" --config "$work/retryd.toml" 2>"$work/retryd.log" &
retryd_pid=$!
retryd_port=
for _ in $(seq 600); do  # up to 30 s: under valgrind start-up is slow
    retryd_port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/retryd.log" | head -1)
    [[ -n $retryd_port ]] && break
    kill -0 "$retryd_pid" 2>/dev/null || break
    sleep 0.05
done
if [[ -z $retryd_port ]]; then
    echo "soak: retryd did not report its port (LOG_LEVEL must be info or lower for that line):" >&2
    tail -5 "$work/retryd.log" >&2
    exit 2
fi
# With a wrapper (env, valgrind) the process to sample is retryd itself, the wrapper's last descendant.
if [[ -n ${RETRYD_WRAPPER:-} ]]; then
    retryd_pid=$(ss -Hltnp "sport = :$retryd_port" | sed -n 's/.*pid=\([0-9]*\).*/\1/p' | head -1)
fi
echo "soak: upstream 127.0.0.1:$upstream_port, retryd 127.0.0.1:$retryd_port (pid $retryd_pid)," \
    "$CONNECTIONS connections for ${DURATION}s, seed $SEED"

# Half-way the upstream is killed (its connections reset or closed by the kernel) and comes back a second later on
# the same port: the one deliberate reuse of a port, as a restarted vendor server would.
(
    sleep "$(awk -v d="$DURATION" 'BEGIN { print d / 2 }')"
    kill -9 "$(cat "$work/upstream.pid")" 2>/dev/null
    echo "upstream killed at $(date +%T.%N)" >>"$work/upstream.log"
    sleep 1
    start_upstream "$upstream_port" "$((SEED + 1))"
    echo "upstream restarted at $(date +%T.%N)" >>"$work/upstream.log"
) &
restart_pid=$!

status=0
python3 "$here/soak_client.py" --port "$retryd_port" --retryd-pid "$retryd_pid" --ledger "$work/ledger" \
    --connections "$CONNECTIONS" --duration "$DURATION" --post-share "$POST_SHARE" \
    --abort-share "${ABORT_SHARE:-0.02}" --slow-share "${SLOW_SHARE:-0.02}" --rss-interval "$RSS_INTERVAL" \
    --rss-file "$work/rss" --seed "$SEED" --hang-after "${HANG_AFTER:-12}" || status=$?
wait "$restart_pid" 2>/dev/null || true
restart_pid=
grep -q "upstream restarted" "$work/upstream.log" || { echo "soak: the upstream restart did not happen" >&2; status=1; }
echo "  retryd log: $(grep -c . "$work/retryd.log") lines, $(grep -c 'retrying' "$work/retryd.log" || true) retries," \
    "$(grep -c 'retry gave up' "$work/retryd.log" || true) give-ups," \
    "$(grep -c 'cut off\|stalled' "$work/retryd.log" || true) cut-offs"
if [[ ${HOLD:-0} != 0 ]]; then
    echo "soak: holding retryd (pid $retryd_pid) for ${HOLD}s"
    sleep "$HOLD"
    echo "  retryd RSS after the hold: $(awk '/VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$retryd_pid/status")"
fi
exit "$status"
