#!/usr/bin/env bash
# Quota benchmark (issue 10, "one vendor, one quota"): closed-loop keep-alive clients through one or several retryd
# instances against a vendor that allows Q requests per fixed W-second window for the one API key they all use.
# It shows how many of the vendor's answers are 429s and how much of the quota turns into 200s, with and without
# retryd's per-upstream gate and pacing ([upstream.quota]) and their sharing through Redis ([shared]).
#   bash Tests/Benchmarks/quota.sh                        # builds retryd (release) first, runs every mode
#   bash Tests/Benchmarks/quota.sh .build-qbench/release/retryd
#   MODES="off-1 off-3" DURATION=10 bash Tests/Benchmarks/quota.sh
# Modes (MODES, default "off-1 on-1 off-3 on-3"), each on a fresh vendor, fresh retryd processes and fresh Redis:
#   off-N          N instances with gate = false, pace = false (retryd as it was before issue 10)
#   on-N           N instances with [upstream.quota] (QUOTA_TOML); for N > 1 also [shared] on a Redis it starts
#   on-N-noshare   N instances with [upstream.quota] but no [shared]: each paces on its own
# A mode whose configuration `retryd check` refuses (unknown keys before issue 10 lands) is reported as
# "config rejected" and the others still run.
# Environment (defaults in brackets):
#   CLIENTS [32] keep-alive clients, client i on instance i mod N; DURATION [20] s, a multiple of W;
#   Q [20] requests per window per key, W [2] s; VENDOR_LATENCY [0.05] s per vendor answer;
#   HEADER_STYLE [ratelimit] the vendor's quota headers: ratelimit (Ratelimit-Limit/-Remaining/-Reset),
#   ietf (RateLimit-Policy q=;w= and RateLimit r=;t=) or x (X-RateLimit-*, Reset as epoch seconds);
#   QUOTA_TOML [gate, pace on, reserve 0, max_in_flight 0] the body of [upstream.quota] for on-* modes;
#   SKIP_WINDOWS [0] windows at the start left out of the vendor figures (to look at the steady state alone; retryd
#   sends one learning request per instance before any quota header is seen, so window 0 is the cold start);
#   REDIS_PREFIX [retryd]; SHOW_CONFIG=1 prints each mode's retryd.toml; KEEP=1 keeps the work directory
#   (configs, logs, results); SCRATCH [.build-qbench] the swift build scratch path.
# Not a test: figures depend on the machine, a missed target does not fail the run. Exits non-zero only when
# something could not be set up (build, vendor, Redis, retryd start-up, clients). Loopback only, bounded in time.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cd "$here/../.."

CLIENTS=${CLIENTS:-32}
DURATION=${DURATION:-20}
Q=${Q:-20}
W=${W:-2}
VENDOR_LATENCY=${VENDOR_LATENCY:-0.05}
HEADER_STYLE=${HEADER_STYLE:-ratelimit}
MODES=${MODES:-"off-1 on-1 off-3 on-3"}
REDIS_PREFIX=${REDIS_PREFIX:-retryd}
SCRATCH=${SCRATCH:-.build-qbench}
QUOTA_TOML=${QUOTA_TOML:-"gate = true
pace = true
reserve = 0
max_in_flight = 0"}
API_KEY=qbench-key

for mode in $MODES; do
    [[ $mode =~ ^(on|off)-([1-9][0-9]?)(-noshare)?$ ]] || { echo "quota: unknown mode $mode" >&2; exit 2; }
done
command -v python3 >/dev/null || { echo "quota: python3 is needed" >&2; exit 2; }
if [[ " $MODES " =~ \ on-([2-9]|[1-9][0-9])\  ]]; then
    command -v redis-server >/dev/null || { echo "quota: redis-server is needed for shared modes" >&2; exit 2; }
fi

if [[ $# -ge 1 ]]; then
    RETRYD=$1
else
    echo "building retryd (release, scratch path $SCRATCH)..."
    swift build -c release --product retryd --scratch-path "$SCRATCH" 2>&1 | tail -1
    RETRYD=$(swift build -c release --scratch-path "$SCRATCH" --show-bin-path)/retryd
fi
[[ -x $RETRYD ]] || { echo "quota: no retryd binary at $RETRYD" >&2; exit 2; }

work=$(mktemp -d /tmp/retryd-qbench.XXXXXX)
pids=()  # every process this script started and has not stopped yet
cleanup() {
    stop "${pids[@]}"
    if [[ ${KEEP:-0} == 1 ]]; then echo "quota: work directory kept in $work"; else rm -rf "$work"; fi
}

forget() {  # drop pids from the list of processes to clean up
    local pid keep=() gone=" $* "
    for pid in "${pids[@]}"; do [[ $gone == *" $pid "* ]] || keep+=("$pid"); done
    pids=("${keep[@]}")
}

# SIGTERM, then SIGKILL after 5 s: retryd finishes its exchanges first, and the clients have hung up by now.
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

# The vendor binds 127.0.0.1:0 and writes the port the kernel gave it.
vendor_pid=
vendor_port=
start_vendor() {
    local dir=$1
    python3 "$here/quota_vendor.py" --port-file "$dir/vendor.port" --quota "$Q" --window "$W" \
        --latency "$VENDOR_LATENCY" --style "$HEADER_STYLE" --key-header X-Api-Key 2>"$dir/vendor.log" &
    vendor_pid=$!
    pids+=("$vendor_pid")
    for _ in $(seq 100); do
        [[ -s $dir/vendor.port ]] && { vendor_port=$(cat "$dir/vendor.port"); return 0; }
        kill -0 "$vendor_pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "quota: the vendor did not start (see $dir/vendor.log)" >&2
    return 1
}

# Redis cannot bind port 0: pick a random port below the ephemeral range (so no outgoing connection holds it) and
# try another when the server exits because the port is taken. Ready once it logs so, and is still ours.
redis_pid=
redis_port=
start_redis() {
    local dir=$1 attempt
    for attempt in $(seq 10); do
        redis_port=$((20000 + RANDOM % 12000))
        : >"$dir/redis.log"
        redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no --daemonize no \
            --logfile "" --dir "$dir" >>"$dir/redis.log" 2>&1 &
        redis_pid=$!
        pids+=("$redis_pid")
        for _ in $(seq 100); do
            kill -0 "$redis_pid" 2>/dev/null || break
            grep -q "Ready to accept connections" "$dir/redis.log" && return 0
            sleep 0.05
        done
        stop "$redis_pid"
        grep -qi "address already in use" "$dir/redis.log" || break
        echo "  redis: port $redis_port taken, trying another"
    done
    echo "quota: redis-server did not start:" >&2
    tail -3 "$dir/redis.log" >&2
    return 1
}

# One configuration per mode; every instance of the mode reads the same file, as a fleet would.
write_config() {
    local file=$1 quota=$2 shared=$3
    {
        echo 'log_level = "info"'
        if [[ $shared == 1 ]]; then
            printf '\n[shared]\nredis = "redis://127.0.0.1:%s/0"\nprefix = "%s"\n' "$redis_port" "$REDIS_PREFIX"
        fi
        cat <<TOML

[[upstream]]
name = "vendor"
listen = "127.0.0.1:0"
url = "http://127.0.0.1:$vendor_port"
set_headers = { "X-Api-Key" = "$API_KEY" }

[upstream.retry]
max_attempts = 5
deadline = "30s"
max_rate_limit_wait = "30s"
TOML
        if [[ $quota == 1 ]]; then
            printf '\n[upstream.quota]\n%s\n' "$QUOTA_TOML"
        else
            # The gate and pacing are on by default: the baseline turns them off, as retryd was before them.
            printf '\n[upstream.quota]\ngate = false\npace = false\n'
        fi
    } >"$file"
}

# retryd listens on 127.0.0.1:0 and logs "listening on 127.0.0.1:PORT for vendor ..." at info level.
start_retryd() {
    local config=$1 log=$2 pid port
    "$RETRYD" --config "$config" 2>"$log" &
    pid=$!
    pids+=("$pid")
    retryd_pids+=("$pid")
    for _ in $(seq 200); do
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$log" | head -1)
        [[ -n $port ]] && { retryd_ports+=("$port"); return 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.05
    done
    echo "quota: retryd did not report its port:" >&2
    tail -5 "$log" >&2
    return 1
}

fail_mode() {  # mode dir instances reason
    python3 -c 'import json, sys; json.dump({"mode": sys.argv[1], "instances": int(sys.argv[2]),
        "failed": sys.argv[3]}, open(sys.argv[4], "w"))' "$1" "$3" "$4" "$2/result.json"
    echo "  $1: not measured: $4"
    status=2
}

status=0
results=()
echo "quota: $CLIENTS clients for ${DURATION}s per mode; vendor $Q requests per ${W}s window," \
    "latency ${VENDOR_LATENCY}s, $HEADER_STYLE headers; modes: $MODES"
for mode in $MODES; do
    [[ $mode =~ ^(on|off)-([0-9]+)(-noshare)?$ ]]
    instances=${BASH_REMATCH[2]}
    quota=0 shared=0
    [[ ${BASH_REMATCH[1]} == on ]] && quota=1
    [[ $quota == 1 && $instances -gt 1 && -z ${BASH_REMATCH[3]} ]] && shared=1
    dir=$work/$mode
    mkdir -p "$dir"
    results+=("$dir/result.json")
    retryd_pids=()
    retryd_ports=()
    redis_pid=

    if ! start_vendor "$dir"; then fail_mode "$mode" "$dir" "$instances" "the vendor did not start"; continue; fi
    if [[ $shared == 1 ]] && ! start_redis "$dir"; then
        stop "$vendor_pid"
        fail_mode "$mode" "$dir" "$instances" "redis-server did not start"
        continue
    fi
    write_config "$dir/retryd.toml" "$quota" "$shared"
    if [[ ${SHOW_CONFIG:-0} == 1 ]]; then
        echo "--- $mode: retryd.toml"
        cat "$dir/retryd.toml"
        echo "---"
    fi
    if ! "$RETRYD" check --config "$dir/retryd.toml" >/dev/null 2>"$dir/check.log"; then
        reason=$(grep -m1 . "$dir/check.log" || echo "retryd check failed")
        reason=${reason//"$dir/"/}  # retryd names the file; the work directory is long and goes away
        python3 -c 'import json, sys; json.dump({"mode": sys.argv[1], "instances": int(sys.argv[2]),
            "rejected": sys.argv[3]}, open(sys.argv[4], "w"))' "$mode" "$instances" "$reason" "$dir/result.json"
        echo "  $mode: config rejected: $reason"
        stop "$vendor_pid" ${redis_pid:+"$redis_pid"}
        continue
    fi
    started=1
    logs=()
    for i in $(seq "$instances"); do
        logs+=("$dir/retryd-$i.log")
        start_retryd "$dir/retryd.toml" "$dir/retryd-$i.log" || { started=0; break; }
    done
    if [[ $started == 1 ]]; then
        ports=$(IFS=,; echo "${retryd_ports[*]}")
        echo "  $mode: vendor 127.0.0.1:$vendor_port, retryd on ${ports}${redis_pid:+, redis 127.0.0.1:$redis_port}"
        # Bounded: the run, the settle, and slack for start-up and the vendor's statistics. In the background so
        # that a signal to this script runs its trap at once rather than after the clients end.
        timeout $((${DURATION%.*} + 30)) python3 "$here/quota_clients.py" run --mode "$mode" --ports "$ports" \
            --vendor-port "$vendor_port" --clients "$CLIENTS" --duration "$DURATION" \
            --skip-windows "${SKIP_WINDOWS:-0}" --retryd-logs "$(IFS=,; echo "${logs[*]}")" --out "$dir/result.json" &
        clients_pid=$!
        pids+=("$clients_pid")
        clients_status=0
        wait "$clients_pid" || clients_status=$?
        forget "$clients_pid"
        [[ $clients_status == 0 ]] || fail_mode "$mode" "$dir" "$instances" "the clients failed ($clients_status)"
        for pid in "${retryd_pids[@]}"; do
            kill -0 "$pid" 2>/dev/null || echo "  $mode: a retryd instance (pid $pid) had exited; see its log"
        done
    else
        fail_mode "$mode" "$dir" "$instances" "retryd did not start"
    fi
    stop "${retryd_pids[@]}" "$vendor_pid" ${redis_pid:+"$redis_pid"}
done

python3 "$here/quota_clients.py" report "${results[@]}"
exit "$status"
