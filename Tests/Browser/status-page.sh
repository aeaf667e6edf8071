#!/usr/bin/env bash
# The status page as a browser shows it: builds retryd, runs it with its admin listener in front of a stand-in vendor
# that fails on purpose (give-ups, a breaker that opens and closes, another that stays open, a quota window), has
# headless Chromium screenshot http://127.0.0.1:PORT/ at 1280 px wide, and fails when the page is wrong or the
# screenshot blank. Nothing outside 127.0.0.1 is fetched.
#
#   bash Tests/Browser/status-page.sh [SCREENSHOT.png]     (default /tmp/retryd-status-page.png; the HTML is kept
#                                                          beside it as .html; installs chromium as root)
set -euo pipefail
cd "$(dirname "$0")/../.."
screenshot=${1:-/tmp/retryd-status-page.png}
here=Tests/Browser

dpkg -s chromium curl python3 >/dev/null 2>&1 || { apt-get update && apt-get install -y chromium curl python3; }
swift build --product retryd
retryd="$(swift build --show-bin-path)/retryd"

work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

fail() {
    echo "FAIL: $*" >&2
    exit 1
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

python3 "$here/vendor.py" "$work/vendor.port" &
pids+=($!)
for _ in $(seq 100); do [[ -s $work/vendor.port ]] && break; sleep 0.1; done
[[ -s $work/vendor.port ]] || fail "the stand-in vendor did not start"
vendor=$(<"$work/vendor.port")
admin=$(free_port)
encoding=$(free_port)
assets=$(free_port)

# Two attempts 20 ms apart, and breakers that open after four failures: "encoding" for 2 s, "assets" for 5 min.
upstream() {
    cat <<EOF
[[upstream]]
name = "$1"
listen = "127.0.0.1:$2"
url = "http://127.0.0.1:$vendor"
[upstream.retry]
max_attempts = 2
backoff = { initial = "20ms", multiplier = 2.0, max = "50ms", jitter = "none" }
[upstream.breaker]
failure_ratio = 0.5
min_requests = 4
window = "30s"
open_for = "$3"
trial_requests = 1
EOF
}
{
    echo "state_dir = \"$work/state\""
    echo "workers = 1"
    upstream encoding "$encoding" 2s
    upstream assets "$assets" 5m
    printf '[admin]\nlisten = "127.0.0.1:%s"\n' "$admin"
} >"$work/retryd.toml"

"$retryd" --config "$work/retryd.toml" 2>"$work/retryd.log" &
pids+=($!)
for _ in $(seq 200); do
    curl -sf -o /dev/null "http://127.0.0.1:$admin/healthz" && break
    kill -0 "${pids[1]}" 2>/dev/null || fail "retryd exited: $(cat "$work/retryd.log")"
    sleep 0.1
done
curl -sf -o /dev/null "http://127.0.0.1:$admin/healthz" || fail "retryd's admin listener did not answer"

get() {
    curl -s -o /dev/null --max-time 10 "http://127.0.0.1:$1$2" || true
}

# encoding: four give-ups open its breaker, two requests are refused while open, a trial closes it, traffic follows.
for path in /fail/1 /fail/2 /fail/3 /hostile; do get "$encoding" "/v1/encodings$path"; done
get "$encoding" /v1/encodings/ok/1
get "$encoding" /v1/encodings/ok/2
sleep 2.5
get "$encoding" /v1/encodings/ok/3
# assets: its breaker opens and stays open.
for i in 1 2 3 4 5 6; do get "$assets" "/v2/assets/fail/$i"; done
# A first view starts the page's rate window; the traffic after it is what Req/s shows.
get "$admin" /
for i in $(seq 30); do get "$encoding" "/v1/encodings/ok/list-$i"; done

# The journal writes on its own thread: wait for the give-ups to be readable.
for _ in $(seq 100); do
    [[ $(curl -s "http://127.0.0.1:$admin/giveups" | grep -c '"upstream"') -ge 8 ]] && break
    sleep 0.1
done

headers=$work/headers
curl -sS -D "$headers" -o "$work/page.html" "http://127.0.0.1:$admin/"
cp "$work/page.html" "${screenshot%.png}.html"
grep -qi '^HTTP/1.1 200' "$headers" || fail "/ answered $(head -1 "$headers")"
grep -qi '^Content-Type: text/html; charset=utf-8' "$headers" || fail "no HTML content type: $(cat "$headers")"
grep -qi '^Cache-Control: no-store' "$headers" || fail "no Cache-Control: no-store"
for text in '<meta http-equiv="refresh" content="5">' 'encoding' 'assets' 'href="/metrics"' 'href="/status"' \
    'href="/giveups"' 'attempts_exhausted' 'req-0' '&lt;script&gt;alert(1)&lt;/script&gt;' \
    'half-open'; do
    grep -qF "$text" "$work/page.html" || fail "the page lacks $text"
done
if grep -qi '<script' "$work/page.html"; then fail "the page carries a script tag"; fi
if grep -Eqi '(src|href)="https?:' "$work/page.html"; then fail "the page refers to an external asset"; fi
echo "ok: / is a self-contained HTML page with both upstreams, give-ups, request ids escaped and breaker transitions"

chromium --headless --no-sandbox --disable-gpu --hide-scrollbars --screenshot="$screenshot" \
    --window-size=1280,1600 "http://127.0.0.1:$admin/" 2>"$work/chromium.log" ||
    fail "chromium failed: $(tail -5 "$work/chromium.log")"
[[ -s $screenshot ]] || fail "chromium wrote no screenshot: $(tail -5 "$work/chromium.log")"
python3 "$here/png_check.py" "$screenshot" || fail "the screenshot $screenshot is blank"
echo "ok: headless Chromium rendered the page to $screenshot"
