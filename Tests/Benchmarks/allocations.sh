#!/usr/bin/env bash
# Heap allocations per proxied request in steady state: retryd and libcurl alone against the same one-worker nginx
# upstream (a 90-byte JSON body), counted by alloc-counter.c (LD_PRELOAD) rather than timed. Like instructions.sh's
# counts, these hardly move with the machine's noise, so a change to the hot path can be judged in one run.
#   bash Tests/Benchmarks/allocations.sh [RETRYD_BINARY]      # default: a fresh release build
#   SECONDS_MEASURED=5 WARMUP_SECONDS=2 CONNECTIONS=16 UPSTREAM_PORT=18196 RETRYD_PORT=18197 to change
# retryd (`workers = 1`, its defaults: access log, metrics, quota gate, budget, breaker) is warmed up with
# wrk -t1 -cCONNECTIONS, its counts zeroed (SIGUSR1), loaded again for SECONDS_MEASURED and written out (SIGUSR2),
# then divided by the requests wrk reports; the access-log lines written in the window are printed beside them as
# a check (they also count the few requests still in flight when wrk stops, up to CONNECTIONS).
# libcurl alone is curl-floor.c with CONNECTIONS transfers, as instructions.sh runs it, given the same warm-up: at its
# end curl-floor.c zeroes the counter itself, and the counts at its exit are divided by the transfers it completed.
# Prints malloc, calloc, realloc, their sum and the aligned calls per request for each, and retryd's beyond libcurl.
# "sum" is malloc + calloc + realloc, as issue 21 counts; the aligned calls (posix_memalign, aligned_alloc,
# memalign) are shown beside it. Frees are counted but not printed.
# Caveats: every thread of the process counts, and so do allocations that are not per request (a timer, a metrics
# flush): they show as fractions. libcurl's own count is not a whole number either and moves between runs with
# timing (curl-floor.c alone: 19.3 to 20.0 mallocs per transfer in single runs at 1, 16 and 64 in flight, in no
# order), so a change of less than one allocation per request is noise. Two runs on the shared 2-core machine:
# retryd 73.31 and 73.56 per request, libcurl alone 38.47 and 38.52 per transfer. Not a test.
set -euo pipefail
RETRYD=${1:-}
[[ -n $RETRYD ]] && RETRYD=$(realpath "$RETRYD")
cd "$(dirname "$0")/../.."

UPSTREAM_PORT=${UPSTREAM_PORT:-18196}
RETRYD_PORT=${RETRYD_PORT:-18197}
SECONDS_MEASURED=${SECONDS_MEASURED:-5}
WARMUP_SECONDS=${WARMUP_SECONDS:-2}
CONNECTIONS=${CONNECTIONS:-16}

need() { command -v "$1" >/dev/null 2>&1; }
if ! need nginx || ! need wrk || ! need curl || ! need gcc || ! dpkg -s libcurl4-openssl-dev >/dev/null 2>&1; then
    echo "installing nginx, wrk, curl, gcc and libcurl4-openssl-dev from Debian..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nginx wrk curl gcc \
        libcurl4-openssl-dev >/dev/null
fi
# shellcheck source=Tests/Benchmarks/json-upstream.sh
source Tests/Benchmarks/json-upstream.sh
require_free_ports "$UPSTREAM_PORT" "$RETRYD_PORT"
build_retryd_if_unset

work=$(mktemp -d /tmp/retryd-allocations.XXXXXX)
chmod 755 "$work" # nginx workers run unprivileged
retryd_pid=
cleanup() {
    [[ -n $retryd_pid ]] && kill "$retryd_pid" 2>/dev/null
    [[ -f $work/upstream.pid ]] && kill "$(cat "$work/upstream.pid")" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

gcc -O2 -shared -fPIC -o "$work/alloc-counter.so" Tests/Benchmarks/alloc-counter.c -ldl
cc -O2 -o "$work/curl-floor" Tests/Benchmarks/curl-floor.c -lcurl

start_json_upstream "$work" "$UPSTREAM_PORT"
url=$json_upstream_url

# Waits until the counter has written $1 (it renames the file into place whole) and prints it.
read_counts() {
    for _ in $(seq 1 100); do [[ -s $1 ]] && break; sleep 0.05; done
    [[ -s $1 ]] || { echo "no counts in $1" >&2; exit 1; }
    cat "$1"
}
count_of() { awk -v k="$1" '$1 == k { print $2 }' "$2"; } # kind file

# A wrk run's completed requests; a run with errors or non-2xx answers would count something else, so it stops here.
load() { # seconds
    local out
    out=$(wrk -t1 -c"$CONNECTIONS" -d"$1s" "http://127.0.0.1:$RETRYD_PORT/v1/jobs/1234")
    if grep -q -e "Non-2xx" -e "Socket errors" <<<"$out"; then
        echo "wrk saw errors:" >&2; echo "$out" >&2; exit 1
    fi
    awk '/requests in/ { print $1 }' <<<"$out"
}

write_measured_config "$work" "$RETRYD_PORT" "$UPSTREAM_PORT"
# The access log goes to stderr, one line per request.
ALLOC_COUNTER_OUT=$work/retryd.counts LD_PRELOAD=$work/alloc-counter.so "$RETRYD" --config "$work/retryd.toml" \
    2>"$work/logs/retryd.log" &
retryd_pid=$!
wait_for_url "http://127.0.0.1:$RETRYD_PORT/v1/jobs/1234"
load "$WARMUP_SECONDS" >/dev/null
sleep 0.2 # the loop writes its log lines once per iteration
lines_before=$(wc -l <"$work/logs/retryd.log")
kill -USR1 "$retryd_pid"
requests=$(load "$SECONDS_MEASURED")
kill -USR2 "$retryd_pid"
read_counts "$work/retryd.counts" >"$work/retryd.window"
sleep 0.2
lines=$(($(wc -l <"$work/logs/retryd.log") - lines_before))
kill "$retryd_pid"
wait "$retryd_pid" 2>/dev/null || true
retryd_pid=

# libcurl alone, warmed up the same way.
floor_out=$(ALLOC_COUNTER_OUT=$work/floor.counts LD_PRELOAD=$work/alloc-counter.so "$work/curl-floor" "$url" \
    "$CONNECTIONS" "$SECONDS_MEASURED" "$WARMUP_SECONDS")
[[ $floor_out =~ \ 0\ failed,\ ([0-9]+)\ completed ]] || { echo "curl-floor: $floor_out" >&2; exit 1; }
transfers=${BASH_REMATCH[1]}
read_counts "$work/floor.counts" >/dev/null

per() { awk -v a="$1" -v n="$2" 'BEGIN { printf "%.2f", a / n }'; } # count requests
minus() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a - b }'; }
kinds=(malloc calloc realloc)
declare -A retryd_per floor_per
retryd_sum=0 floor_sum=0
for kind in "${kinds[@]}" aligned; do
    retryd_count=$(count_of "$kind" "$work/retryd.window")
    floor_count=$(count_of "$kind" "$work/floor.counts")
    retryd_per[$kind]=$(per "$retryd_count" "$requests")
    floor_per[$kind]=$(per "$floor_count" "$transfers")
    if [[ $kind != aligned ]]; then
        retryd_sum=$((retryd_sum + retryd_count))
        floor_sum=$((floor_sum + floor_count))
    fi
done
retryd_per[sum]=$(per "$retryd_sum" "$requests")
floor_per[sum]=$(per "$floor_sum" "$transfers")

echo "retryd: $requests requests in ${SECONDS_MEASURED}s (wrk -t1 -c$CONNECTIONS, after ${WARMUP_SECONDS}s of" \
    "warm-up; $lines access-log lines in the window)"
echo "libcurl alone: $transfers transfers in ${SECONDS_MEASURED}s (curl-floor.c, $CONNECTIONS in flight, after" \
    "${WARMUP_SECONDS}s of warm-up)"
printf '  %-28s %8s %8s %8s %8s %8s\n' "per request" malloc calloc realloc sum aligned
row() { # label array-name
    local -n values=$2
    printf '  %-28s %8s %8s %8s %8s %8s\n' "$1" "${values[malloc]}" "${values[calloc]}" "${values[realloc]}" \
        "${values[sum]}" "${values[aligned]}"
}
row retryd retryd_per
row "libcurl alone" floor_per
declare -A beyond
# shellcheck disable=SC2034 # read through row's nameref
for kind in "${kinds[@]}" sum aligned; do beyond[$kind]=$(minus "${retryd_per[$kind]}" "${floor_per[$kind]}"); done
row "retryd beyond libcurl" beyond
