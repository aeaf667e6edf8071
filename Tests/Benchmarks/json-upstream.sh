# shellcheck shell=bash
# Sourced by the benchmark scripts. instructions.sh and allocations.sh measure against the same one-worker nginx
# upstream, serving a 90-byte JSON body at /v1/jobs/1234 with keep-alive, and the same retryd configuration, so
# their figures are per request of the same exchange.
#
#   start_json_upstream WORK PORT      # writes WORK/www, WORK/upstream.conf, WORK/upstream.pid; waits until it answers
#                                      # sets json_upstream_url to the body's URL
#   write_measured_config WORK RETRYD_PORT UPSTREAM_PORT   # WORK/retryd.toml: workers = 1, no journal, defaults
#   wait_for_url URL [TRIES] [PAUSE]   # until URL answers 2xx, at most TRIES times PAUSE seconds
#   require_free_ports PORT...         # exits 1 when another program listens on one of them
#   build_retryd_if_unset              # RETRYD, when empty, becomes a fresh release build
start_json_upstream() {
    local work=$1 port=$2
    mkdir -p "$work/www" "$work/logs"
    printf '{"id":"job-1234","status":"queued","progress":0,"outputs":[{"format":"hls","bitrate":4500}]}' \
        >"$work/www/job.json"
    cat >"$work/upstream.conf" <<NGINX
worker_processes 1;
pid $work/upstream.pid;
error_log $work/logs/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/tb; proxy_temp_path $work/tp; fastcgi_temp_path $work/tf;
    uwsgi_temp_path $work/tu; scgi_temp_path $work/ts;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:$port;
        root $work/www;
        default_type application/json;
        location = /v1/jobs/1234 { try_files /job.json =404; }
    }
}
NGINX
    "$(command -v nginx || echo /usr/sbin/nginx)" -c "$work/upstream.conf"
    json_upstream_url=http://127.0.0.1:$port/v1/jobs/1234
    for _ in $(seq 1 50); do curl -sf -o /dev/null "$json_upstream_url" && break; sleep 0.1; done
}

write_measured_config() {
    local work=$1 retryd_port=$2 upstream_port=$3
    # One loop: callgrind runs threads one at a time anyway, and the counts are per loop's work.
    cat >"$work/retryd.toml" <<TOML
workers = 1
state_dir = ""
[[upstream]]
name = "vendor"
listen = "127.0.0.1:$retryd_port"
url = "http://127.0.0.1:$upstream_port"
TOML
}

wait_for_url() {
    local url=$1 tries=${2:-100} pause=${3:-0.1}
    for _ in $(seq 1 "$tries"); do curl -sf -o /dev/null "$url" && return 0; sleep "$pause"; done
    return 0
}

require_free_ports() {
    local port
    # A port some other program holds would measure that program, or fail half-way through.
    for port in "$@"; do
        if command -v ss >/dev/null 2>&1 && ss -Hltn "sport = :$port" | grep -q .; then
            echo "port $port is in use; move the benchmark with the *_PORT variables" >&2
            exit 1
        fi
    done
}

build_retryd_if_unset() {
    if [[ -z ${RETRYD:-} ]]; then
        echo "building retryd (release)..."
        swift build -c release --product retryd 2>&1 | tail -1
        RETRYD=$(swift build -c release --show-bin-path)/retryd
    fi
    [[ -x $RETRYD ]] || { echo "not an executable: $RETRYD" >&2; exit 1; }
}
