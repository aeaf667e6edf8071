#!/usr/bin/env bash
# What idle keep-alive client connections cost retryd, and whether the memory comes back once they close.
#   bash Tests/Benchmarks/idle-memory.sh          # CONNECTIONS=10000 to change; RETRYD=path to skip the build
# Not a test: figures depend on the machine. Loopback only.
set -euo pipefail
cd "$(dirname "$0")/../.."

CONNECTIONS=${CONNECTIONS:-10000}
# retryd and the client each hold one descriptor per connection (plus a few): raise the soft limit if it is lower.
want=$((CONNECTIONS + 512))
hard=$(ulimit -Hn)
[[ $hard == unlimited || $hard -ge $want ]] || { echo "need $want open files, the hard limit is $hard" >&2; exit 1; }
(($(ulimit -Sn) >= want)) || ulimit -Sn "$want"

if ! command -v nginx >/dev/null 2>&1 || ! dpkg -s libcurl4-openssl-dev >/dev/null 2>&1; then
    echo "installing nginx and libcurl4-openssl-dev from Debian..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx libcurl4-openssl-dev >/dev/null
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
if [[ -z ${RETRYD:-} ]]; then
    echo "building retryd (release)..."
    swift build -c release --product retryd 2>&1 | tail -1
    RETRYD=$(swift build -c release --show-bin-path)/retryd
fi

work=$(mktemp -d /tmp/retryd-idle.XXXXXX)
chmod 755 "$work"
cleanup() {
    [[ -n ${retryd_pid:-} ]] && kill "$retryd_pid" 2>/dev/null
    [[ -f $work/upstream.pid ]] && kill "$(cat "$work/upstream.pid")" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

mkdir -p "$work/www"
printf '{"id":"job-1234","status":"queued"}' >"$work/www/job.json"
cat >"$work/upstream.conf" <<NGINX
worker_processes 1;
pid $work/upstream.pid;
error_log $work/error.log warn;
events { worker_connections 4096; }
http {
    access_log off;
    client_body_temp_path $work/t1; proxy_temp_path $work/t2; fastcgi_temp_path $work/t3;
    uwsgi_temp_path $work/t4; scgi_temp_path $work/t5;
    keepalive_requests 1000000;
    server {
        listen 127.0.0.1:0;
        root $work/www;
        default_type application/json;
        location = /v1/jobs/1234 { try_files /job.json =404; }
    }
}
NGINX
# nginx cannot report an ephemeral port: bind one the kernel picks through a throwaway listen, read back.
upstream_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
sed -i "s/listen 127.0.0.1:0;/listen 127.0.0.1:$upstream_port;/" "$work/upstream.conf"
"$NGINX" -c "$work/upstream.conf"

cat >"$work/retryd.toml" <<TOML
log_level = "warning"
[limits]
max_connections = $((CONNECTIONS + 100))
[[upstream]]
name = "vendor"
listen = "127.0.0.1:0"
url = "http://127.0.0.1:$upstream_port"
TOML
"$RETRYD" --config "$work/retryd.toml" --log-level info 2>"$work/retryd.log" &
retryd_pid=$!
for _ in $(seq 100); do
    port=$(sed -n 's/.*listening on 127.0.0.1:\([0-9]*\) for vendor.*/\1/p' "$work/retryd.log" | head -1)
    [[ -n $port ]] && break
    sleep 0.05
done
[[ -n $port ]] || { echo "retryd did not start:" >&2; cat "$work/retryd.log" >&2; exit 1; }

rss() { awk '$1 == "VmRSS:" {print $2}' "/proc/$retryd_pid/status"; }
curl -sf -o /dev/null "http://127.0.0.1:$port/v1/jobs/1234"
sleep 0.5
start=$(rss)

coproc CLIENTS { python3 Tests/Benchmarks/idle_clients.py "$port" "$CONNECTIONS" "${BATCH:-100}"; }
read -r line <&"${CLIENTS[0]}"
[[ $line == "open $CONNECTIONS" ]] || { echo "clients: $line" >&2; exit 1; }
sleep 1
open=$(rss)
echo >&"${CLIENTS[1]}"
read -r line <&"${CLIENTS[0]}"
sleep 2
closed=$(rss)
[[ -n ${CLIENTS_PID:-} ]] && { wait "$CLIENTS_PID" 2>/dev/null || true; }

echo "$CONNECTIONS idle keep-alive connections (one request each), retryd RSS:"
echo "  before: $start KiB; with them open: $open KiB ($(awk -v a="$open" -v b="$start" -v n="$CONNECTIONS" \
    'BEGIN { printf "%.2f", (a - b) / n }') KiB each); after they closed: $closed KiB ($((closed - start)) KiB above before)"
