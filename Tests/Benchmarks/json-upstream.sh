# shellcheck shell=bash
# Sourced by instructions.sh and allocations.sh: the one-worker nginx upstream both measure against, serving a
# 90-byte JSON body at /v1/jobs/1234 with keep-alive, so their figures are per request of the same exchange.
#
#   start_json_upstream WORK PORT      # writes WORK/www, WORK/upstream.conf, WORK/upstream.pid; waits until it answers
# Sets json_upstream_url to the body's URL.
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
