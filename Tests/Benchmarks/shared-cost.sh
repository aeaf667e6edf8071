#!/usr/bin/env bash
# What the quota gate and its sharing through Redis cost per request, in one run on this machine (issue 10).
#   bash Tests/Benchmarks/shared-cost.sh          # DURATION=10 CONNECTIONS=32 to change; RETRYD=path skips the build;
#                                                 # KEEP=1 keeps the work directory (configs, logs)
# An nginx upstream answers a small JSON body with Ratelimit-* headers announcing a quota far larger than the run
# needs, so nothing is ever held and what is measured is the bookkeeping alone. wrk drives the same URL through
# retryd three ways: quota handling off (gate = false, pace = false), on with local state, and on with [shared]
# state in a redis-server this script starts on a Unix socket. Reports requests/s, p50/p99, and CPU microseconds
# per request of retryd and of redis-server (user + system time from /proc).
# Not a test: figures depend on the machine. Loopback only; every run is bounded in time.
set -euo pipefail
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-10}
CONNECTIONS=${CONNECTIONS:-32}

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk || ! need curl || ! need redis-server \
    || ! dpkg -s libcurl4-openssl-dev libhiredis-dev >/dev/null 2>&1; then
    echo "installing nginx, wrk, curl, redis-server, libcurl4-openssl-dev and libhiredis-dev from Debian..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk curl redis-server \
        libcurl4-openssl-dev libhiredis-dev >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [[ -z ${RETRYD:-} ]]; then
    echo "building retryd (release)..."
    swift build -c release --product retryd 2>&1 | tail -1
    RETRYD=$(swift build -c release --show-bin-path)/retryd
fi

work=$(mktemp -d /tmp/retryd-shared-cost.XXXXXX)
chmod 755 "$work" # nginx workers run unprivileged
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    [[ -f $work/upstream.pid ]] && kill "$(cat "$work/upstream.pid")" 2>/dev/null
    [[ -n ${KEEP:-} ]] && echo "kept $work" || rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/www" "$work/logs"
printf '{"id":"job-1234","status":"queued","progress":0}' >"$work/www/job.json"

# nginx cannot listen on port 0: pick a random port below the ephemeral range (so no outgoing connection holds
# it) and try another when nginx cannot bind it.
write_upstream_conf() {
cat >"$work/upstream.conf" <<NGINX
worker_processes 1;
pid $work/upstream.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/tmp_body; proxy_temp_path $work/tmp_proxy; fastcgi_temp_path $work/tmp_fcgi;
    uwsgi_temp_path $work/tmp_uwsgi; scgi_temp_path $work/tmp_scgi;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$UPSTREAM_PORT;
        root $work/www;
        default_type application/json;
        location = /v1/jobs/1234 {
            add_header Ratelimit-Limit 100000000;
            add_header Ratelimit-Remaining 99000000;
            add_header Ratelimit-Reset 3600;
            try_files /job.json =404;
        }
    }
}
NGINX
}
for attempt in $(seq 10); do
    UPSTREAM_PORT=$((20000 + RANDOM % 12000))
    write_upstream_conf
    "$NGINX" -c "$work/upstream.conf" 2>"$work/logs/nginx-start.log" && break
    grep -q "Address already in use" "$work/logs/nginx-start.log" || { cat "$work/logs/nginx-start.log" >&2; exit 1; }
done
[[ -f $work/upstream.pid ]] || { echo "nginx did not start" >&2; exit 1; }

redis-server --port 0 --unixsocket "$work/redis.sock" --save '' --appendonly no --daemonize no \
    >"$work/logs/redis.log" 2>&1 &
redis_pid=$!
pids+=("$redis_pid")
for _ in $(seq 50); do [[ -S $work/redis.sock ]] && break; sleep 0.1; done

ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0; else printf "%.3f", v * 1000 }'; }
per_request() { awk -v t="$1" -v hz="$(getconf CLK_TCK)" -v n="$2" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }'; }

printf 'wrk -t1 -c%s -d%ss through retryd, quota headers announcing 100M requests per hour, %s cores\n' \
    "$CONNECTIONS" "$DURATION" "$(nproc)"
printf '%-8s %12s %10s %10s %16s %16s\n' mode "requests/s" "p50 ms" "p99 ms" "retryd us/req" "redis us/req"
for mode in off local shared; do
    config="$work/$mode.toml"
    cat >"$config" <<TOML
log_level = "info"
[[upstream]]
name = "vendor"
listen = "127.0.0.1:0"
url = "http://127.0.0.1:$UPSTREAM_PORT"
TOML
    case $mode in
        off) printf '[upstream.quota]\ngate = false\npace = false\n' >>"$config" ;;
        shared) printf '[shared]\nredis = "unix://%s"\n' "$work/redis.sock" >>"$config" ;;
    esac
    "$RETRYD" --config "$config" 2>"$work/logs/retryd-$mode.log" &
    retryd_pid=$!
    pids+=("$retryd_pid")
    port=""
    for _ in $(seq 100); do
        port=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\) .*/\1/p' "$work/logs/retryd-$mode.log" | head -1)
        [[ -n $port ]] && curl -sf -o /dev/null "http://127.0.0.1:$port/v1/jobs/1234" && break
        sleep 0.1
    done
    [[ -n $port ]] || { echo "retryd ($mode) did not start:" >&2; cat "$work/logs/retryd-$mode.log" >&2; exit 1; }
    # Warm up: the first answers teach the quota, and the shared mode connects to Redis.
    wrk -t1 -c"$CONNECTIONS" -d1s "http://127.0.0.1:$port/v1/jobs/1234" >/dev/null
    retryd_before=$(ticks "$retryd_pid")
    redis_before=$(ticks "$redis_pid")
    redis-cli -s "$work/redis.sock" CONFIG RESETSTAT >/dev/null
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/v1/jobs/1234")
    requests=$(awk '/requests in/ {print $1}' <<<"$out")
    printf '%-8s %12.0f %10s %10s %16s %16s\n' "$mode" "$(awk '/^Requests\/sec/ {print $2}' <<<"$out")" \
        "$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")" "$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")" \
        "$(per_request $(($(ticks "$retryd_pid") - retryd_before)) "$requests")" \
        "$(per_request $(($(ticks "$redis_pid") - redis_before)) "$requests")"
    errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
    [[ -n $errors ]] && echo "  $mode: $errors"
    if [[ $mode == shared ]]; then
        redis-cli -s "$work/redis.sock" INFO commandstats | tr -d '\r' | awk -F'[:=,]' -v n="$requests" \
            '/^cmdstat_/ { sub(/^cmdstat_/, "", $1); printf "  redis %s: %d calls (one per %.1f requests), %.1f us each\n", $1, $3, n / $3, $7 }'
    fi
    kill "$retryd_pid"
    wait "$retryd_pid" 2>/dev/null || true
done
echo "(redis us/req in off and local is redis-server idling: nothing talks to it)"
