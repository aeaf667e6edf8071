#!/usr/bin/env bash
# Throughput, latency, CPU per request and memory of retryd (one event loop, and one per core) against direct access,
# nginx proxy_pass, HAProxy and libcurl alone, for a plain and a verified HTTPS upstream (a CA made by the script),
# in one run on this machine.
#   bash Tests/Benchmarks/bench.sh [path-to-retryd]   # no path: builds the release binary first
#   DURATION=4 IDLE_DURATION=3 SCALE_DURATION=4 CONNECTIONS=64 LOOPS=$(nproc) DOWNLOAD_MIB=1024 to change
#   (seconds of each loaded, unloaded and scaling wrk run; LOOPS: workers of the "N loops" rows);
#   KEEP=1 keeps the work directory (configs, logs)
# Not a test: figures depend on the machine. Loopback only; every run is bounded in time.
set -euo pipefail
# A relative path means the caller's directory, not the repository's.
RETRYD=${1:-${RETRYD:-}}
[[ -n $RETRYD ]] && RETRYD=$(realpath "$RETRYD")
cd "$(dirname "$0")/../.."

DURATION=${DURATION:-4}
IDLE_DURATION=${IDLE_DURATION:-3}
SCALE_DURATION=${SCALE_DURATION:-$DURATION}
CONNECTIONS=${CONNECTIONS:-64}
DOWNLOAD_MIB=${DOWNLOAD_MIB:-1024}
UPSTREAM_PORT=${UPSTREAM_PORT:-18081}
NGINX_PROXY_PORT=${NGINX_PROXY_PORT:-18082}
RETRYD_PORT=${RETRYD_PORT:-18083}
TLS_UPSTREAM_PORT=${TLS_UPSTREAM_PORT:-18084}
NGINX_TLS_PROXY_PORT=${NGINX_TLS_PROXY_PORT:-18085}
RETRYD_TLS_PORT=${RETRYD_TLS_PORT:-18086}
HAPROXY_PORT=${HAPROXY_PORT:-18091}
HAPROXY_TLS_PORT=${HAPROXY_TLS_PORT:-18092}
RETRYD_N_PORT=${RETRYD_N_PORT:-18093}
RETRYD_N_TLS_PORT=${RETRYD_N_TLS_PORT:-18094}
RETRYD_FWD_PORT=${RETRYD_FWD_PORT:-18095}
RETRYD_FWD_PLAIN_PORT=${RETRYD_FWD_PLAIN_PORT:-18096}
LOOPS=${LOOPS:-$(nproc)}
ports=($UPSTREAM_PORT $NGINX_PROXY_PORT $RETRYD_PORT $TLS_UPSTREAM_PORT $NGINX_TLS_PROXY_PORT $RETRYD_TLS_PORT
    $HAPROXY_PORT $HAPROXY_TLS_PORT $RETRYD_N_PORT $RETRYD_N_TLS_PORT $RETRYD_FWD_PORT $RETRYD_FWD_PLAIN_PORT)

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk || ! need curl || ! dpkg -s libcurl4-openssl-dev >/dev/null 2>&1; then
    echo "installing nginx, wrk, curl and libcurl4-openssl-dev from Debian..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk curl libcurl4-openssl-dev >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
# shellcheck source=Tests/Benchmarks/json-upstream.sh
source Tests/Benchmarks/json-upstream.sh
require_free_ports "${ports[@]}"
build_retryd_if_unset

work=$(mktemp -d /tmp/retryd-bench.XXXXXX)
chmod 755 "$work"  # nginx workers run unprivileged
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pidfile in "$work"/upstream.pid "$work"/proxy.pid; do
        [[ -f $pidfile ]] && kill "$(cat "$pidfile")" 2>/dev/null
    done
    [[ -n ${KEEP:-} ]] && echo "kept $work" || rm -rf "$work"
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
retryd1_log=$work/logs/retryd-1.log
write_retryd_conf "$work/retryd-1.toml" 1 $RETRYD_PORT $RETRYD_TLS_PORT
has_workers=1
if ! start_proxy "$retryd1_log" $RETRYD_PORT $RETRYD_TLS_PORT -- "$RETRYD" --config "$work/retryd-1.toml"; then
    if ! grep -q workers "$retryd1_log"; then
        echo "retryd did not start:" >&2; cat "$retryd1_log" >&2; exit 1
    fi
    echo "this retryd does not know workers ($(head -1 "$retryd1_log")): it runs its one loop without the key"
    has_workers=0
    write_retryd_conf "$work/retryd-1.toml" "" $RETRYD_PORT $RETRYD_TLS_PORT
    start_proxy "$retryd1_log" $RETRYD_PORT $RETRYD_TLS_PORT -- "$RETRYD" --config "$work/retryd-1.toml" \
        || { echo "retryd did not start:" >&2; cat "$retryd1_log" >&2; exit 1; }
fi
retryd1_pid=$started_pid
declare -A rps p50 p99 cpu skip
# LOOPS loops (by default one per core, retryd's own default here), written out so that the row says what it ran.
retrydN_pid=
if ((LOOPS < 2)); then
    skip[retrydN]="LOOPS=$LOOPS, nothing to compare with one loop"
elif ((!has_workers)); then
    skip[retrydN]="this retryd has no workers key"
else
    write_retryd_conf "$work/retryd-n.toml" "$LOOPS" $RETRYD_N_PORT $RETRYD_N_TLS_PORT
    start_proxy "$work/logs/retryd-n.log" $RETRYD_N_PORT $RETRYD_N_TLS_PORT -- \
        "$RETRYD" --config "$work/retryd-n.toml" \
        || { echo "retryd (workers = $LOOPS) did not start:" >&2; cat "$work/logs/retryd-n.log" >&2; exit 1; }
    retrydN_pid=$started_pid
fi
skip[retrydN-tls]=${skip[retrydN]:-}

# HAProxy as a user would set it up in front of one API: one thread, idle server connections reused by any client
# (http-reuse always), the HTTPS server verified against the run's CA and, through the SNI name, as localhost (like
# nginx's proxy_ssl_name), one log line per request like the others.
haproxy_pid=
if ! need haproxy; then
    skip[haproxy]="haproxy is not installed"
else
    cat >"$work/haproxy.cfg" <<HAPROXY
global
    nbthread 1
    maxconn 4096
    log stdout format raw local0
defaults
    mode http
    log global
    option httplog
    http-reuse always
    timeout connect 5s
    timeout client 30s
    timeout server 30s
frontend plain
    bind 127.0.0.1:$HAPROXY_PORT
    default_backend vendor
frontend tls
    bind 127.0.0.1:$HAPROXY_TLS_PORT
    default_backend vendor_tls
backend vendor
    server upstream 127.0.0.1:$UPSTREAM_PORT
backend vendor_tls
    server upstream 127.0.0.1:$TLS_UPSTREAM_PORT ssl verify required ca-file $work/ca.pem sni str(localhost)
HAPROXY
    if start_proxy "$work/logs/haproxy.log" $HAPROXY_PORT $HAPROXY_TLS_PORT -- haproxy -db -f "$work/haproxy.cfg"; then
        haproxy_pid=$started_pid
    else
        skip[haproxy]="HAProxy did not start: $(grep -m1 -i alert "$work/logs/haproxy.log" \
            || head -1 "$work/logs/haproxy.log")"
    fi
fi
skip[haproxy-tls]=${skip[haproxy]:-}

# wrk's latency percentiles, normalised to microseconds (wrk prints 45.00us, 1.20ms, 2.00s).
to_us() {
    awk -v v="$1" 'BEGIN { if (v == "") exit; if (v ~ /us$/) x = v + 0; else if (v ~ /ms$/) x = v * 1e3;
        else if (v ~ /m$/) x = v * 6e7; else x = v * 1e6; printf "%.1f", x }'
}
# CPU time (user + system, all threads) of one process, in clock ticks.
ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }
# One wrk run against URL: requests/s, p50 and p99 (us), and CPU microseconds per request of process PID.
measure() { # name url pid connections seconds [command wrk runs under, e.g. taskset -c 1]
    local name=$1 url=$2 pid=$3 connections=$4 seconds=$5 out before errors
    shift 5
    [[ -n ${skip[$name]:-} ]] && return 0
    before=$(ticks "$pid")
    if ! out=$("$@" wrk -t1 -c"$connections" -d"${seconds}s" --latency "$url" 2>&1) \
        || ! grep -q '^Requests/sec' <<<"$out"; then
        skip[$name]="wrk failed: $(tail -1 <<<"$out")"
        return 0
    fi
    rps[$name]=$(awk '/^Requests\/sec/ {print $2}' <<<"$out")
    p50[$name]=$(to_us "$(awk '$1 == "50%" {print $2}' <<<"$out")")
    p99[$name]=$(to_us "$(awk '$1 == "99%" {print $2}' <<<"$out")")
    cpu[$name]=$(awk -v t="$(($(ticks "$pid") - before))" -v hz="$(getconf CLK_TCK)" \
        -v n="$(awk '/requests in/ {print $1}' <<<"$out")" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
    errors=$(awk '/Non-2xx|Socket errors/' <<<"$out")
    [[ -n $errors ]] && echo "  $name: $errors"
    return 0
}
upstream_worker=$(pgrep -P "$(cat "$work/upstream.pid")" | head -1)
proxy_worker=$(pgrep -P "$(cat "$work/proxy.pid")" | head -1)
job=/v1/jobs/1234
echo "wrk -t1 -c$CONNECTIONS -d${DURATION}s, small JSON body, loopback;" \
    "wrk, the upstream and the proxy share $(nproc) cores"
measure direct "http://127.0.0.1:$UPSTREAM_PORT$job" "$upstream_worker" "$CONNECTIONS" "$DURATION"
measure retryd1 "http://127.0.0.1:$RETRYD_PORT$job" "$retryd1_pid" "$CONNECTIONS" "$DURATION"
measure retrydN "http://127.0.0.1:$RETRYD_N_PORT$job" "$retrydN_pid" "$CONNECTIONS" "$DURATION"
measure nginx "http://127.0.0.1:$NGINX_PROXY_PORT$job" "$proxy_worker" "$CONNECTIONS" "$DURATION"
measure haproxy "http://127.0.0.1:$HAPROXY_PORT$job" "$haproxy_pid" "$CONNECTIONS" "$DURATION"
# The same through the HTTPS upstream (verified, keep-alive). direct is wrk speaking TLS to the upstream itself (wrk
# does not verify), as an application calling the vendor would; the proxies take plain HTTP and speak TLS upstream.
measure direct-tls "https://127.0.0.1:$TLS_UPSTREAM_PORT$job" "$upstream_worker" "$CONNECTIONS" "$DURATION"
measure retryd1-tls "http://127.0.0.1:$RETRYD_TLS_PORT$job" "$retryd1_pid" "$CONNECTIONS" "$DURATION"
measure retrydN-tls "http://127.0.0.1:$RETRYD_N_TLS_PORT$job" "$retrydN_pid" "$CONNECTIONS" "$DURATION"
measure nginx-tls "http://127.0.0.1:$NGINX_TLS_PROXY_PORT$job" "$proxy_worker" "$CONNECTIONS" "$DURATION"
measure haproxy-tls "http://127.0.0.1:$HAPROXY_TLS_PORT$job" "$haproxy_pid" "$CONNECTIONS" "$DURATION"

# libcurl's own cost per request, with nothing of retryd around it and a core to itself (no wrk running).
floor_bin="$work/curl-floor"
floor() { # name url
    local out
    out=$(CURL_FLOOR_CAINFO=$work/ca.pem "$floor_bin" "$2" "$CONNECTIONS" "$DURATION" 2>&1) || true
    if [[ $out =~ ^([0-9]+)\ requests/s,\ ([0-9.]+)\ us\ CPU\ per\ request,\ ([0-9]+)\ failed ]]; then
        rps[$1]=${BASH_REMATCH[1]}
        cpu[$1]=${BASH_REMATCH[2]}
        ((BASH_REMATCH[3] == 0)) || echo "  $1: ${BASH_REMATCH[3]} transfers failed"
    else
        skip[$1]="curl-floor: $out"
    fi
}
if ${CC:-cc} -O2 -o "$floor_bin" Tests/Benchmarks/curl-floor.c -lcurl 2>"$work/logs/cc.log"; then
    floor libcurl "http://127.0.0.1:$UPSTREAM_PORT$job"
    floor libcurl-tls "https://127.0.0.1:$TLS_UPSTREAM_PORT$job"
else
    skip[libcurl]="no C compiler (${CC:-cc})"
    skip[libcurl-tls]=${skip[libcurl]}
fi

# The forward proxy (issue 23): wrk cannot send CONNECT, so both rows use curl-floor.c as the client, its
# $CONNECTIONS connections each doing one CONNECT and then its requests inside TLS (a leaf for 127.0.0.1 minted
# from the run's retryd CA) against the plain upstream, beside the same client on retryd's plain listener. One loop.
fwd_pid=
if [[ -n ${skip[libcurl]:-} ]]; then
    skip[fwd]=${skip[libcurl]}
else
    cat >"$work/retryd-fwd.toml" <<TOML
state_dir = "$work/fwd-state"
workers = 1
[[upstream]]
name = "vendor"
listen = "127.0.0.1:$RETRYD_FWD_PLAIN_PORT"
url = "http://127.0.0.1:$UPSTREAM_PORT"
[forward_proxy]
listen = "127.0.0.1:$RETRYD_FWD_PORT"
TOML
    if start_proxy "$work/logs/retryd-fwd.log" $RETRYD_FWD_PLAIN_PORT -- "$RETRYD" --config "$work/retryd-fwd.toml"
    then
        fwd_pid=$started_pid
    else
        skip[fwd]="retryd with [forward_proxy] did not start: $(tail -1 "$work/logs/retryd-fwd.log")"
    fi
fi
# retryd's CPU per request while curl-floor drives it: name url [proxy]
through() {
    local name=$1 url=$2 before out
    [[ -n ${skip[fwd]:-} ]] && { skip[$name]=${skip[fwd]}; return 0; }
    before=$(ticks "$fwd_pid")
    out=$(CURL_FLOOR_CAINFO=$work/fwd-state/ca/ca.crt CURL_FLOOR_PROXY=${3:-} "$floor_bin" "$url" "$CONNECTIONS" \
        "$DURATION" 2>&1) || true
    if [[ $out =~ ^([0-9]+)\ requests/s,.*\ ([0-9]+)\ failed,\ ([0-9]+)\ completed ]] && ((BASH_REMATCH[3] > 0)); then
        rps[$name]=${BASH_REMATCH[1]}
        cpu[$name]=$(awk -v t="$(($(ticks "$fwd_pid") - before))" -v hz="$(getconf CLK_TCK)" \
            -v n="${BASH_REMATCH[3]}" 'BEGIN { printf "%.1f", t / hz * 1e6 / n }')
        ((BASH_REMATCH[2] == 0)) || echo "  $name: ${BASH_REMATCH[2]} transfers failed"
    else
        skip[$name]="curl-floor: $out"
    fi
}
through fwd-plain "http://127.0.0.1:$RETRYD_FWD_PLAIN_PORT$job"
through fwd-proxy "https://127.0.0.1:$UPSTREAM_PORT$job" "http://127.0.0.1:$RETRYD_FWD_PORT"

targets=(direct retryd1 retrydN nginx haproxy libcurl)
label() {
    case $1 in
        direct*) echo "direct" ;;
        retryd1*) echo "retryd, 1 loop" ;;
        retrydN*) echo "retryd, $LOOPS loops" ;;
        nginx*) echo "nginx proxy_pass" ;;
        haproxy*) echo "HAProxy" ;;
        libcurl*) echo "libcurl alone" ;;
    esac
}
# a / b as "1.23x", or "-" when either is missing.
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b == 0) print "-"; else printf "%.2fx", a / b }'; }
ms() { awk -v v="$1" 'BEGIN { if (v == "") print "-"; else printf "%.2f", v / 1000 }'; }
print_rows() { # "" or -tls
    local key name
    printf '  %-18s %11s %8s %8s %11s %11s %9s\n' target requests/s "p50 ms" "p99 ms" "CPU us/req" "vs libcurl" \
        "vs nginx"
    for name in "${targets[@]}"; do
        key=$name$1
        if [[ -n ${skip[$key]:-} ]]; then
            printf '  %-18s skipped: %s\n' "$(label "$name")" "${skip[$key]}"
            continue
        fi
        local vs_curl=- vs_nginx=-
        if [[ $name != direct ]]; then
            vs_curl=$(ratio "${cpu[$key]}" "${cpu[libcurl$1]:-}")
            vs_nginx=$(ratio "${cpu[$key]}" "${cpu[nginx$1]:-}")
        fi
        printf '  %-18s %11.0f %8s %8s %11s %11s %9s\n' "$(label "$name")" "${rps[$key]}" "$(ms "${p50[$key]:-}")" \
            "$(ms "${p99[$key]:-}")" "${cpu[$key]}" "$vs_curl" "$vs_nginx"
    done
}
echo "plain HTTP upstream:"
print_rows ""
echo "HTTPS upstream (verified against the run's CA, keep-alive; direct: wrk speaks TLS to it):"
print_rows -tls
echo "forward proxy (retryd, 1 loop, plain upstream; client: curl-floor.c, $CONNECTIONS connections, no wrk):"
printf '  %-34s %11s %11s\n' target requests/s "CPU us/req"
for name in fwd-plain fwd-proxy; do
    [[ $name == fwd-plain ]] && what="its plain listener" || what="CONNECT once, then requests in TLS"
    if [[ -n ${skip[$name]:-} ]]; then
        printf '  %-34s skipped: %s\n' "$what" "${skip[$name]}"
    else
        printf '  %-34s %11.0f %11s\n' "$what" "${rps[$name]}" "${cpu[$name]}"
    fi
done
echo "(CPU us/req: user + system time of the process under test over the run, all its threads, per request; for" \
    "direct, the upstream nginx worker; libcurl alone: curl-floor.c, $CONNECTIONS transfers, multi_socket, no client" \
    "side, no wrk running. Ratios are of CPU per request. Every proxy writes one access log line per request.)"
# (a - b) / scale printed with format, or "-" when either is missing.
minus() {
    awk -v a="$1" -v b="$2" -v s="$3" -v f="$4" \
        'BEGIN { if (a == "" || b == "") print "-"; else printf f, (a - b) / s }'
}
added=()
for name in retryd1 retrydN nginx haproxy; do
    [[ -n ${p99[$name]:-} ]] && added+=("$(label "$name"): $(minus "${p99[$name]}" "${p99[direct]:-}" 1000 %.2f) ms")
done
added=$(printf '%s; ' "${added[@]}")
echo "added p99 over direct at -c$CONNECTIONS: ${added%; }"
# One request at a time: what each hop adds when nothing queues, which is what retryd costs at the rates a legacy
# application calls a vendor API (the loaded p50 above is queueing at saturation).
echo "unloaded: wrk -t1 -c1 -d${IDLE_DURATION}s --latency, one request at a time, plain HTTP upstream"
measure idle-direct "http://127.0.0.1:$UPSTREAM_PORT$job" "$upstream_worker" 1 "$IDLE_DURATION"
measure idle-retryd1 "http://127.0.0.1:$RETRYD_PORT$job" "$retryd1_pid" 1 "$IDLE_DURATION"
measure idle-nginx "http://127.0.0.1:$NGINX_PROXY_PORT$job" "$proxy_worker" 1 "$IDLE_DURATION"
# p50 of idle-NAME minus direct's, in microseconds.
added_p50() { minus "${p50[idle-$1]:-}" "${p50[idle-direct]:-}" 1 %.1f; }
printf '  %-18s %9s %9s %22s\n' target "p50 us" "p99 us" "added p50 over direct"
for name in direct retryd1 nginx; do
    if [[ -n ${skip[idle-$name]:-} ]]; then
        printf '  %-18s skipped: %s\n' "$(label "$name")" "${skip[idle-$name]}"
        continue
    fi
    printf '  %-18s %9.1f %9.1f %22s\n' "$(label "$name")" "${p50[idle-$name]}" "${p99[idle-$name]}" \
        "$([[ $name == direct ]] && echo - || added_p50 "$name")"
done

# Does a second loop buy throughput? On two cores wrk and the upstream would take the second loop's core, so they are
# put on core 1 together and retryd left free to use both: the second loop competes with them for core 1.
scaled=0
if (($(nproc) < 2)); then
    echo "scaling: skipped, one core"
elif [[ -n ${skip[retrydN]:-} ]]; then
    echo "scaling: skipped, ${skip[retrydN]}"
else
    echo "scaling: retryd unpinned with 1 and $LOOPS loops; wrk (taskset -c 1) and the upstream nginx worker share" \
        "core 1; wrk -t1 -c$CONNECTIONS -d${SCALE_DURATION}s, plain HTTP upstream"
    upstream_cpus=$(taskset -pc "$upstream_worker" | awk '{print $NF}')
    taskset -pc 1 "$upstream_worker" >/dev/null
    measure scale-retryd1 "http://127.0.0.1:$RETRYD_PORT$job" "$retryd1_pid" "$CONNECTIONS" "$SCALE_DURATION" \
        taskset -c 1
    measure scale-retrydN "http://127.0.0.1:$RETRYD_N_PORT$job" "$retrydN_pid" "$CONNECTIONS" "$SCALE_DURATION" \
        taskset -c 1
    taskset -pc "$upstream_cpus" "$upstream_worker" >/dev/null
    printf '  %-18s %11s %8s %11s\n' target requests/s "p99 ms" "CPU us/req"
    for name in retryd1 retrydN; do
        if [[ -n ${skip[scale-$name]:-} ]]; then
            printf '  %-18s skipped: %s\n' "$(label "$name")" "${skip[scale-$name]}"
            continue
        fi
        printf '  %-18s %11.0f %8s %11s\n' "$(label "$name")" "${rps[scale-$name]}" "$(ms "${p99[scale-$name]}")" \
            "${cpu[scale-$name]}"
    done
    [[ -n ${rps[scale-retryd1]:-} && -n ${rps[scale-retrydN]:-} ]] && scaled=1
    ((scaled)) && echo "  $LOOPS loops / 1 loop: $(ratio "${rps[scale-retrydN]}" "${rps[scale-retryd1]}")" \
        "the throughput"
fi

rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
# Read before the download, which moves the high-water mark.
peak_after_runs=$(rss_kib "$retryd1_pid" VmHWM)
echo "retryd peak RSS after the runs: $peak_after_runs KiB with 1 loop${retrydN_pid:+,\
 $(rss_kib "$retrydN_pid" VmHWM) KiB with $LOOPS}"

before=$(rss_kib "$retryd1_pid" VmRSS)
start=$(date +%s.%N)
curl -s -o /dev/null -w '%{size_download}' "http://127.0.0.1:$RETRYD_PORT/large.bin" >"$work/size" &
curl_pid=$!
peak=$before
while kill -0 "$curl_pid" 2>/dev/null; do
    now=$(rss_kib "$retryd1_pid" VmRSS)
    ((now > peak)) && peak=$now
    sleep 0.05
done
wait "$curl_pid"
end=$(date +%s.%N)
bytes=$(cat "$work/size")
seconds=$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f", b - a }')
echo "download ${DOWNLOAD_MIB} MiB through retryd (1 loop): $bytes bytes in $seconds s;" \
    "RSS $before KiB before, $peak KiB at most during it (growth $((peak - before)) KiB)"
[[ $bytes -eq $((DOWNLOAD_MIB * 1024 * 1024)) ]] || { echo "download incomplete" >&2; exit 1; }

# The same figures as Markdown, to paste into the README's Figures.
commas() {
    # mawk has no interval expressions ({3}).
    awk -v n="$1" 'BEGIN { s = sprintf("%.0f", n)
        while (s ~ /[0-9][0-9][0-9][0-9]/) sub(/[0-9][0-9][0-9]($|,)/, ",&", s); print s }'
}
md_ms() { awk -v v="$1" 'BEGIN { if (v != "" && v != "-") printf "%.2f ms", v / 1000 }'; }
md_us() { awk -v v="$1" 'BEGIN { if (v != "" && v != "-") printf "%.0f µs", v }'; }
md_ratio() { ratio "$1" "$2" | sed 's/x$/×/; s/^-$//'; }
echo
echo "Markdown ($(date +%F), $(nproc) cores; wrk -t1 -c$CONNECTIONS -d${DURATION}s; wrk, the upstream and the proxy" \
    "share the cores; CPU per request of the proxy process, ratios of CPU per request):"
echo
echo "| upstream | target | requests/s | p50 | p99 | CPU per request | CPU vs libcurl | CPU vs nginx |"
echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |"
for suffix in "" -tls; do
    upstream=plain
    [[ $suffix == -tls ]] && upstream="HTTPS (verified)"
    for name in "${targets[@]}"; do
        key=$name$suffix
        if [[ -n ${skip[$key]:-} ]]; then
            echo "| $upstream | $(label "$name") | skipped: ${skip[$key]} | | | | | |"
        elif [[ $name == direct ]]; then
            echo "| $upstream | direct to the upstream | $(commas "${rps[$key]}") | $(md_ms "${p50[$key]}") |" \
                "$(md_ms "${p99[$key]}") | ${cpu[$key]} µs (upstream) | | |"
        else
            echo "| $upstream | $(label "$name") | $(commas "${rps[$key]}") | $(md_ms "${p50[$key]:-}") |" \
                "$(md_ms "${p99[$key]:-}") | ${cpu[$key]} µs |" \
                "$(md_ratio "${cpu[$key]}" "${cpu[libcurl$suffix]:-}") |" \
                "$(md_ratio "${cpu[$key]}" "${cpu[nginx$suffix]:-}") |"
        fi
    done
done
echo
echo "| unloaded (wrk -t1 -c1 -d${IDLE_DURATION}s) | p50 | p99 | added p50 over direct |"
echo "| --- | ---: | ---: | ---: |"
for name in direct retryd1 nginx; do
    if [[ -n ${skip[idle-$name]:-} ]]; then
        echo "| $(label "$name") | skipped: ${skip[idle-$name]} | | |"
    else
        echo "| $(label "$name") | $(md_us "${p50[idle-$name]}") | $(md_us "${p99[idle-$name]}") |" \
            "$([[ $name == direct ]] || md_us "$(added_p50 "$name")") |"
    fi
done
if ((scaled)); then
    echo
    echo "| retryd unpinned, wrk and the upstream on core 1 (wrk -c$CONNECTIONS -d${SCALE_DURATION}s) |" \
        "requests/s | p99 | CPU per request | vs 1 loop |"
    echo "| --- | ---: | ---: | ---: | ---: |"
    for name in retryd1 retrydN; do
        echo "| $(label "$name") | $(commas "${rps[scale-$name]}") | $(md_ms "${p99[scale-$name]}") |" \
            "${cpu[scale-$name]} µs | $(md_ratio "${rps[scale-$name]}" "${rps[scale-retryd1]}") |"
    done
fi
echo
echo "Peak RSS after the runs $peak_after_runs KiB (1 loop); the ${DOWNLOAD_MIB} MiB download took" \
    "$seconds s and grew RSS by $((peak - before)) KiB."
