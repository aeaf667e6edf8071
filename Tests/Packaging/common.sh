# Shared by verify-deb.sh and verify-image.sh (sourced, not run): a stand-in upstream, a free port, and a proxied
# request checked end to end. Callers set -euo pipefail and define $work (a scratch directory they remove).
# shellcheck shell=bash
# upstream_pid and upstream_port are set for the caller.
# shellcheck disable=SC2034

# fail MESSAGE: report and exit 1.
fail() {
    echo "FAIL: $*" >&2
    exit 1
}

# pass MESSAGE: report a check that held.
pass() {
    echo "ok: $*"
}

# start_upstream: run upstream.py in the background; sets upstream_pid and upstream_port.
start_upstream() {
    : "${work:?common.sh needs \$work}"
    rm -f "$work/upstream.port"
    python3 "$(dirname "${BASH_SOURCE[0]}")/upstream.py" "$work/upstream.port" 2>"$work/upstream.log" &
    upstream_pid=$!
    for _ in $(seq 100); do
        [[ -s $work/upstream.port ]] && break
        sleep 0.1
    done
    [[ -s $work/upstream.port ]] || fail "the upstream did not start: $(cat "$work/upstream.log")"
    upstream_port=$(<"$work/upstream.port")
}

# free_port: print a port nothing listens on right now.
free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_listening PORT PID LOG: wait up to 20 s for a listener on 127.0.0.1:PORT while PID lives.
wait_listening() {
    local port=$1 pid=$2 log=$3
    for _ in $(seq 200); do
        if curl -s -o /dev/null "http://127.0.0.1:$port/" 2>/dev/null; then
            return 0
        fi
        kill -0 "$pid" 2>/dev/null || fail "retryd exited before listening: $(cat "$log")"
        sleep 0.1
    done
    fail "retryd did not listen on 127.0.0.1:$port within 20 s: $(cat "$log")"
}

# check_proxied PORT KEY: a GET through retryd on PORT reaches the upstream under its base path /v2 with the
# X-Api-Key KEY that retryd adds; a path whose first answer is 503 is retried and answered 200 on attempt 2.
check_proxied() {
    local port=$1 key=$2 body headers
    headers=$work/headers
    body=$(curl -sS --max-time 20 -D "$headers" "http://127.0.0.1:$port/v1/jobs/42") || fail "request through retryd failed"
    grep -q '^HTTP/1.1 200' "$headers" || fail "expected 200, got: $(head -1 "$headers")"
    [[ $body == "{\"path\": \"/v2/v1/jobs/42\", \"api_key\": \"$key\"}" ]] || fail "unexpected body: $body"
    grep -qi '^X-Retryd-Attempts: 1' "$headers" || fail "expected X-Retryd-Attempts: 1 in: $(cat "$headers")"
    pass "GET /v1/jobs/42 proxied to the upstream's /v2/v1/jobs/42 with the configured X-Api-Key"

    body=$(curl -sS --max-time 30 -D "$headers" "http://127.0.0.1:$port/flaky/1") || fail "retried request failed"
    grep -q '^HTTP/1.1 200' "$headers" || fail "expected 200 after a retry, got: $(head -1 "$headers")"
    grep -qi '^X-Retryd-Attempts: 2' "$headers" || fail "expected X-Retryd-Attempts: 2 in: $(cat "$headers")"
    pass "GET /flaky/1: 503 retried, 200 on attempt 2"
}

# The shipped configuration (SOURCE) with one worker, its vendor url pointed at the stand-in upstream and its listener
# at PORT, written to DEST.
point_config() {
    local source=$1 dest=$2 port=$3
    {
        echo "workers = 1"
        sed -e "s|^url = \"https://api.vendor.example/v2\"|url = \"http://127.0.0.1:$upstream_port/v2\"|" \
            -e "s|^listen = \"127.0.0.1:8080\"|listen = \"127.0.0.1:$port\"|" "$source"
    } >"$dest"
    grep -q "127.0.0.1:$upstream_port" "$dest" || fail "$source has no url line to point elsewhere"
}

# SIGTERM to the retryd started in the root or image ($retryd_pid), which must exit 0; LOG names its log for the
# failure message.
stop_retryd() {
    local log=$1 status=0
    kill -TERM "$retryd_pid"
    wait "$retryd_pid" || status=$?
    retryd_pid=""
    ((status == 0)) || fail "retryd exited $status on SIGTERM: $(tail -5 "$log")"
    pass "retryd stopped on SIGTERM with status 0"
}
