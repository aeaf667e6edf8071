#!/usr/bin/env bash
# Throughput, latency, CPU per request and memory of retryd against direct access, nginx proxy_pass and libcurl alone,
# for a plain and a verified HTTPS upstream (a CA made by the script), in one run on this machine.
#   bash Tests/Benchmarks/bench.sh [path-to-retryd]   # no path: builds the release binary first
#   DURATION=4 CONNECTIONS=64 DOWNLOAD_MIB=1024 to change (DURATION: seconds of each wrk run)
# Not a test: figures depend on the machine. Loopback only; every run is bounded in time.
set -euo pipefail
# A relative path means the caller's directory, not the repository's.
RETRYD=${1:-${RETRYD:-}}
[[ -n $RETRYD ]] && RETRYD=$(realpath "$RETRYD")
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-4}
CONNECTIONS=${CONNECTIONS:-64}
DOWNLOAD_MIB=${DOWNLOAD_MIB:-1024}
UPSTREAM_PORT=${UPSTREAM_PORT:-18081}
NGINX_PROXY_PORT=${NGINX_PROXY_PORT:-18082}
RETRYD_PORT=${RETRYD_PORT:-18083}
TLS_UPSTREAM_PORT=${TLS_UPSTREAM_PORT:-18084}
NGINX_TLS_PROXY_PORT=${NGINX_TLS_PROXY_PORT:-18085}
RETRYD_TLS_PORT=${RETRYD_TLS_PORT:-18086}

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk || ! need curl || ! dpkg -s libcurl4-openssl-dev >/dev/null 2>&1; then
    echo "installing nginx, wrk, curl and libcurl4-openssl-dev from Debian..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk curl libcurl4-openssl-dev >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)

if [[ -z $RETRYD ]]; then
    echo "building retryd (release)..."
    swift build -c release --product retryd 2>&1 | tail -1
    RETRYD=$(swift build -c release --show-bin-path)/retryd
fi
[[ -x $RETRYD ]] || { echo "not an executable: $RETRYD" >&2; exit 1; }

work=$(mktemp -d /tmp/retryd-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run unprivileged
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pidfile in "$work"/upstream.pid "$work"/proxy.pid; do
        [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null
    done
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/www" "$work/logs"
# A CA of the run's own and a certificate for 127.0.0.1 signed by it: every proxy verifies the HTTPS upstream.
openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj "/CN=retryd bench CA" -keyout "$work/ca.key" \
    -out "$work/ca.pem" 2>/dev/null
openssl req -newkey rsa:2048 -nodes -subj "/CN=127.0.0.1" -keyout "$work/server.key" -out "$work/server.csr" 2>/dev/null
printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' >"$work/san.ext"
openssl x509 -req -in "$work/server.csr" -CA "$work/ca.pem" -CAkey "$work/ca.key" -CAcreateserial -days 1 \
    -extfile "$work/san.ext" -out "$work/server.pem" 2>/dev/null
printf '{"id":"job-1234","status":"queued","progress":0,"outputs":[{"format":"hls","bitrate":4500}]}' >"$work/www/job.json"
truncate -s "${DOWNLOAD_MIB}M" "$work/www/large.bin"

# Two nginx processes of one worker each: the fast keep-alive upstream, and the reverse proxy a user would
# otherwise pick (proxy_pass with upstream keepalive), so each proxy under test runs as one process next to it.
common="pid_placeholder
error_log $work/logs/error.log warn;
events { worker_connections 4096; }"
temp_paths="client_body_temp_path $work/tmp_body; proxy_temp_path $work/tmp_proxy; fastcgi_temp_path $work/tmp_fcgi;
    uwsgi_temp_path $work/tmp_uwsgi; scgi_temp_path $work/tmp_scgi;"
cat >"$work/upstream.conf" <<NGINX
worker_processes 1;
${common/pid_placeholder/pid $work/upstream.pid;}
http {
    access_log off;
    $temp_paths
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$UPSTREAM_PORT;
        root $work/www;
        default_type application/json;
        location = /v1/jobs/1234 { try_files /job.json =404; }
        location = /large.bin { default_type application/octet-stream; }
    }
    server {
        listen 127.0.0.1:$TLS_UPSTREAM_PORT ssl;
        ssl_certificate $work/server.pem;
        ssl_certificate_key $work/server.key;
        ssl_session_cache shared:up:1m;
        root $work/www;
        default_type application/json;
        location = /v1/jobs/1234 { try_files /job.json =404; }
    }
}
NGINX
cat >"$work/proxy.conf" <<NGINX
worker_processes 1;
${common/pid_placeholder/pid $work/proxy.pid;}
http {
    access_log $work/logs/proxy-access.log;
    $temp_paths
    keepalive_requests 1000000;
    upstream vendor { server 127.0.0.1:$UPSTREAM_PORT; keepalive 128; }
    upstream vendor_tls { server 127.0.0.1:$TLS_UPSTREAM_PORT; keepalive 128; }
    server {
        listen 127.0.0.1:$NGINX_PROXY_PORT;
        location / {
            proxy_pass http://vendor;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
        }
    }
    server {
        listen 127.0.0.1:$NGINX_TLS_PROXY_PORT;
        location / {
            proxy_pass https://vendor_tls;
            proxy_http_version 1.1;
            proxy_set_header Connection "";
            proxy_buffering off;
            proxy_ssl_trusted_certificate $work/ca.pem;
            proxy_ssl_verify on;
            proxy_ssl_name localhost;
            proxy_ssl_session_reuse on;
        }
    }
}
NGINX
"$NGINX" -c "$work/upstream.conf"
"$NGINX" -c "$work/proxy.conf"

# One retryd process serves both upstreams (only one is loaded at a time), from a file so that `workers` can be set.
write_retryd_conf() { # file workers-or-empty plain-port tls-port
    {
        echo 'state_dir = ""'
        [[ -n $2 ]] && echo "workers = $2"
        cat <<TOML
[[upstream]]
name = "vendor"
listen = "127.0.0.1:$3"
url = "http://127.0.0.1:$UPSTREAM_PORT"
[[upstream]]
name = "vendor-tls"
listen = "127.0.0.1:$4"
url = "https://127.0.0.1:$TLS_UPSTREAM_PORT"
ca_file = "$work/ca.pem"
TOML
    } >"$1"
}
# Starts a proxy command and waits until every port answers; sets started_pid. Fails if it exits or stays silent.
start_proxy() { # log port... -- command...
    local log=$1 ports=() pid port ready
    shift
    while [[ $1 != -- ]]; do ports+=("$1"); shift; done
    shift
    "$@" >"$log" 2>&1 &
    pid=$!
    for _ in $(seq 50); do
        ready=1
        for port in "${ports[@]}"; do
            curl -sf -o /dev/null "http://127.0.0.1:$port/v1/jobs/1234" || { ready=0; break; }
        done
        ((ready)) && { started_pid=$pid; pids+=("$pid"); return 0; }
        kill -0 "$pid" 2>/dev/null || break
        sleep 0.1
    done
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
    return 1
}
# workers = 1 is retryd's leanest form; a build from before the key rejects it, and runs one loop without it.
write_retryd_conf "$work/retryd-1.toml" 1 $RETRYD_PORT $RETRYD_TLS_PORT
has_workers=1
if ! start_proxy "$work/logs/retryd-1.log" $RETRYD_PORT $RETRYD_TLS_PORT -- "$RETRYD" --config "$work/retryd-1.toml"; then
    if ! grep -q workers "$work/logs/retryd-1.log"; then
        echo "retryd did not start:" >&2; cat "$work/logs/retryd-1.log" >&2; exit 1
    fi
    echo "this retryd does not know workers ($(head -1 "$work/logs/retryd-1.log")): it runs its one loop without the key"
    has_workers=0
    write_retryd_conf "$work/retryd-1.toml" "" $RETRYD_PORT $RETRYD_TLS_PORT
    start_proxy "$work/logs/retryd-1.log" $RETRYD_PORT $RETRYD_TLS_PORT -- "$RETRYD" --config "$work/retryd-1.toml" \
        || { echo "retryd did not start:" >&2; cat "$work/logs/retryd-1.log" >&2; exit 1; }
fi
retryd_pid=$started_pid
retryd_tls_pid=$started_pid

# wrk's latency percentiles, normalised to milliseconds.
to_ms() { awk -v v="$1" 'BEGIN { if (v ~ /us$/) printf "%.3f", v / 1000; else if (v ~ /ms$/) printf "%.3f", v + 0; else printf "%.3f", v * 1000 }'; }
declare -A rps p50 p99 cpu
# CPU time (user + system) of one process, in clock ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
measure() {
    local name=$1 port=$2 pid=$3 out before
    before=$(ticks "$pid")
    out=$(wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "http://127.0.0.1:$port/v1/jobs/1234")
    rps[$name]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50[$name]=$(to_ms "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99[$name]=$(to_ms "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    # CPU microseconds per request of the process under test (for direct: the upstream nginx worker).
    cpu[$name]=$(awk -v t="$(($(ticks "$pid") - before))" -v hz="$(getconf CLK_TCK)" \
        -v n="$(awk '/requests in/ {print $1}' <<<"$out")" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
    local errors
    errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
    [[ -n $errors ]] && echo "  $name: $errors"
    return 0
}
upstream_worker=$(pgrep -P "$(cat "$work/upstream.pid")" | head -1)
proxy_worker=$(pgrep -P "$(cat "$work/proxy.pid")" | head -1)
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s, small JSON body, loopback, $(nproc) cores"
measure direct $UPSTREAM_PORT "$upstream_worker"
measure retryd $RETRYD_PORT "$retryd_pid"
measure nginx $NGINX_PROXY_PORT "$proxy_worker"
# The same through an HTTPS upstream (verified, keep-alive); direct is the TLS server's worker answering plain wrk, so
# only the proxies' rows compare.
measure retryd-tls $RETRYD_TLS_PORT "$retryd_tls_pid"
measure nginx-tls $NGINX_TLS_PROXY_PORT "$proxy_worker"

printf '%-10s %12s %10s %10s %12s %12s %14s\n' target "requests/s" "p50 ms" "p99 ms" "vs direct" "vs nginx" "CPU us/req"
for name in direct retryd nginx retryd-tls nginx-tls; do
    reference=nginx
    [[ $name == *-tls ]] && reference=nginx-tls
    printf '%-10s %12.0f %10s %10s %11.2fx %11.2fx %14s\n' "$name" "${rps[$name]}" "${p50[$name]}" "${p99[$name]}" \
        "$(awk -v a="${rps[$name]}" -v b="${rps[direct]}" 'BEGIN { print a / b }')" \
        "$(awk -v a="${rps[$name]}" -v b="${rps[$reference]}" 'BEGIN { print a / b }')" "${cpu[$name]}"
done
echo "(CPU us/req: the process under test; for direct, the upstream nginx worker; -tls rows: HTTPS upstream, vs nginx-tls)"

# libcurl's own cost per request, with nothing of retryd around it and a core to itself (no wrk running).
floor_bin="$work/curl-floor"
if ${CC:-cc} -O2 -o "$floor_bin" Tests/Benchmarks/curl-floor.c -lcurl 2>"$work/logs/cc.log"; then
    echo "libcurl alone (Tests/Benchmarks/curl-floor.c, $CONNECTIONS transfers, multi_socket, no client side):" \
        "$("$floor_bin" "http://127.0.0.1:$UPSTREAM_PORT/v1/jobs/1234" "$CONNECTIONS" "$DURATION")"
    echo "libcurl alone, HTTPS upstream:" \
        "$(CURL_FLOOR_CAINFO=$work/ca.pem "$floor_bin" "https://127.0.0.1:$TLS_UPSTREAM_PORT/v1/jobs/1234" \
            "$CONNECTIONS" "$DURATION")"
else
    echo "libcurl floor skipped: no C compiler (${CC:-cc})"
fi
echo "retryd added p99 vs direct: $(awk -v a="${p99[retryd]}" -v b="${p99[direct]}" 'BEGIN { printf "%.3f", a - b }') ms" \
    "(nginx: $(awk -v a="${p99[nginx]}" -v b="${p99[direct]}" 'BEGIN { printf "%.3f", a - b }') ms)"
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
echo "retryd peak RSS after the runs: $(rss_kib "$retryd_pid" VmHWM) KiB"

before=$(rss_kib "$retryd_pid" VmRSS)
start=$(date +%s.%N)
curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$RETRYD_PORT/large.bin" >"$work/size" &
curl_pid=$!
peak=$before
while kill -0 "$curl_pid" 2>/dev/null; do
    now=$(rss_kib "$retryd_pid" VmRSS)
    ((now > peak)) && peak=$now
    sleep 0.05
done
wait "$curl_pid"
end=$(date +%s.%N)
bytes=$(cat "$work/size")
echo "download ${DOWNLOAD_MIB} MiB through retryd: $bytes bytes in $(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }') s;" \
    "RSS $before KiB before, $peak KiB at most during it (growth $((peak - before)) KiB)"
[[ $bytes -eq $((DOWNLOAD_MIB * 1024 * 1024)) ]] || { echo "download incomplete" >&2; exit 1; }
