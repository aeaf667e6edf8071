#!/usr/bin/env bash
# Thread sanitizer run: the multi-loop tests and a short load through a retryd built with --sanitize=thread.
#   bash Tests/Sanitizers/tsan.sh                      # builds retryd and the tests with TSan first
#   SKIP_TESTS=1 bash Tests/Sanitizers/tsan.sh .build-tsan/release/retryd   # the load alone, on a TSan binary
# (a) `swift test --sanitize=thread` on the suites where loops share state: several event loops (WorkerTests),
#     the shared quota, the gates, the retry budget and breaker, give-ups and their journal.
# (b) retryd with workers = 2 against two vendors on loopback for DURATION seconds: one allows Q requests per
#     second and answers 429 with a reset and quota headers past it (the quota gate and its pacing), one is down
#     and answers 503 (retries, the retry budget, the circuit breaker, give-ups handed to the journal's writer
#     thread under a temporary state_dir, webhooks that fail); half-way the configuration is reloaded (SIGHUP),
#     and /status and /metrics are read while the load runs.
# Counts "WARNING: ThreadSanitizer" in both and exits 1 if there is any (2 when something could not be set up).
# tsan.supp names what is suppressed and why; only code outside retryd's that we cannot fix belongs there.
# Environment (defaults in brackets): DURATION [12] s of load, Q [40] requests per second, CONNECTIONS [16] per
# vendor, SCRATCH [.build-tsan] the swift scratch path of both builds, TESTS (swift test --filter) [the suites
# above; TESTS= runs every test, 2 minutes], SKIP_TESTS=1 runs the load alone, KEEP=1 keeps the work directory
# (configs, logs, TSan reports), CONFIGURATION [release] of retryd's build.
# TSan builds (debug and release) first crashed inside TSan (a SEGV, not a report) in the webhook notifier:
# SystemRandomNumberGenerator is empty, and an empty value passed `inout` into specialised generic code has no
# defined address, which Swift's inout instrumentation hands to TSan (swiftlang/swift#35579 skips only accesses
# where the type is known to be empty). The notifier and the exchange now use Loop's SystemRandom, which has
# storage. CONFIGURATION=debug shares the tests' build.
# Takes about 10 minutes on a busy 2-core machine from a clean scratch path (two TSan builds), 40 s once built:
# the tests about 25 s, the load DURATION + 3 s.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bench="$here/../Benchmarks"
cd "$here/../.."

DURATION=${DURATION:-12}
Q=${Q:-40}
CONNECTIONS=${CONNECTIONS:-16}
SCRATCH=${SCRATCH:-.build-tsan}
CONFIGURATION=${CONFIGURATION:-release}
TESTS=${TESTS-"WorkerTests|SharedQuotaTests|BucketGateTests|QuotaGateTests|RetryBudgetTests|StormProtectionTests|GiveUpTests"}
started=$(date +%s)

need() { command -v "$1" >/dev/null; }
if ! need wrk || ! need curl; then
    echo "installing wrk and curl from Debian..."
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk curl >/dev/null
fi
need python3 || { echo "tsan: python3 is needed" >&2; exit 2; }

# Reports go on stderr (each test's and retryd's log); halt_on_error=0 keeps going to count them all.
export TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 suppressions=$here/tsan.supp ${TSAN_OPTIONS:-}"
work=$(mktemp -d /tmp/retryd-tsan.XXXXXX)
pids=()
cleanup() {
    local pid
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    if [[ ${KEEP:-0} == 1 ]]; then echo "tsan: work directory kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
reports() { cat "$@" 2>/dev/null | grep -c "WARNING: ThreadSanitizer" || true; }

if [[ $# -ge 1 ]]; then
    RETRYD=$1
else
    echo "tsan: building retryd ($CONFIGURATION, --sanitize=thread, scratch path $SCRATCH)..."
    swift build -c "$CONFIGURATION" --sanitize=thread --scratch-path "$SCRATCH" --product retryd 2>&1 | tail -1
    RETRYD=$(swift build -c "$CONFIGURATION" --sanitize=thread --scratch-path "$SCRATCH" --show-bin-path)/retryd
fi
[[ -x $RETRYD ]] || { echo "tsan: no retryd binary at $RETRYD" >&2; exit 2; }

test_reports=0
test_status=0
if [[ ${SKIP_TESTS:-0} != 1 ]]; then
    echo "tsan: swift test --sanitize=thread ${TESTS:+--filter \"$TESTS\"}..."
    swift test --sanitize=thread --scratch-path "$SCRATCH" ${TESTS:+--filter "$TESTS"} >"$work/tests.log" 2>&1 \
        || test_status=$?
    grep -E "^(✔|✘) Test run|error:" "$work/tests.log" | tail -3 || true
    test_reports=$(reports "$work/tests.log")
    # A TSan build runs several times slower: a failure without a report is shown, and the load still runs.
    if [[ $test_status != 0 && $test_reports == 0 ]]; then
        echo "tsan: a test failed without a TSan report:" >&2
        grep "✘ Test .* recorded" "$work/tests.log" | head -5 >&2
    fi
fi

# The vendors pick their ports and write them to a file (outage_vendor.py: "DATA CONTROL").
wait_for_file() { for _ in $(seq 200); do [[ -s $1 ]] && return 0; sleep 0.05; done; echo "tsan: no $1" >&2; exit 2; }
python3 "$bench/quota_vendor.py" --port-file "$work/quota.port" --quota "$Q" --window 1 --latency 0.005 \
    2>"$work/quota_vendor.log" &
pids+=($!)
python3 "$bench/outage_vendor.py" --port-file "$work/outage.port" --latency 0.005 --failure 503 \
    2>"$work/outage_vendor.log" &
pids+=($!)
wait_for_file "$work/quota.port"
wait_for_file "$work/outage.port"
read -r outage_port control_port <"$work/outage.port"
curl -fs -X POST "http://127.0.0.1:$control_port/down" >/dev/null

# The reload turns pacing on: before it the quota vendor's 429s close the gate (a trial, then the backlog spaced
# out); after it the quota headers pace the requests. A new quota policy replaces the gates under load.
write_config() {  # pace, max_attempts for the failing vendor
    cat >"$work/retryd.toml" <<TOML
log_level = "info"
workers = 2
state_dir = "$work/state"

[admin]
listen = "127.0.0.1:0"

[notify]
webhook = "http://127.0.0.1:1/hook"
max_attempts = 2

[[upstream]]
name = "quota"
listen = "127.0.0.1:0"
url = "http://127.0.0.1:$(cat "$work/quota.port")"
set_headers = { "X-Api-Key" = "tsan" }
[upstream.quota]
pace = $1
[upstream.retry]
max_attempts = 4
deadline = "5s"
max_rate_limit_wait = "3s"
backoff = { initial = "10ms", multiplier = 2.0, max = "100ms", jitter = "equal" }

[[upstream]]
name = "down"
listen = "127.0.0.1:0"
url = "http://127.0.0.1:$outage_port"
[upstream.retry]
max_attempts = $2
deadline = "3s"
backoff = { initial = "10ms", multiplier = 2.0, max = "50ms", jitter = "equal" }
budget = { ratio = 0.2, min_per_second = 3, window = "2s" }
[upstream.breaker]
min_requests = 10
window = "2s"
open_for = "1s"
TOML
}
write_config false 3
"$RETRYD" --config "$work/retryd.toml" 2>"$work/retryd.log" &
retryd_pid=$!
pids+=("$retryd_pid")
port_of() { sed -n "s/.*listening on 127\.0\.0\.1:\([0-9]*\) for $1 .*/\1/p" "$work/retryd.log" | head -1; }
for _ in $(seq 600); do  # up to 30 s: a TSan build starts slowly
    [[ -n $(port_of down) ]] && grep -q "admin endpoints on" "$work/retryd.log" && break
    kill -0 "$retryd_pid" 2>/dev/null || break
    sleep 0.05
done
quota_port=$(port_of quota)
down_port=$(port_of down)
admin_port=$(sed -n 's/.*admin endpoints on 127\.0\.0\.1:\([0-9]*\).*/\1/p' "$work/retryd.log" | head -1)
if [[ -z $quota_port || -z $down_port || -z $admin_port ]]; then
    echo "tsan: retryd did not report its ports:" >&2
    tail -5 "$work/retryd.log" >&2
    exit 2
fi
echo "tsan: retryd (pid $retryd_pid, 2 loops) on $quota_port (quota, $Q/s) and $down_port (503)," \
    "$CONNECTIONS connections each for ${DURATION}s"

wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$quota_port/v1/items" >"$work/wrk_quota.txt" 2>&1 &
quota_wrk=$!
wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" "http://127.0.0.1:$down_port/v1/items" >"$work/wrk_down.txt" 2>&1 &
down_wrk=$!
for second in $(seq "$DURATION"); do
    sleep 1
    curl -fs "http://127.0.0.1:$admin_port/status" >/dev/null || true
    curl -fs "http://127.0.0.1:$admin_port/metrics" >/dev/null || true
    if ((second == DURATION / 2)); then
        write_config true 4
        kill -HUP "$retryd_pid"
    fi
done
wait "$quota_wrk" "$down_wrk" || true
curl -fs "http://127.0.0.1:$admin_port/giveups" >"$work/giveups.txt" || true
kill -TERM "$retryd_pid"
wait "$retryd_pid" || true

count() { grep -c "$1" "$work/retryd.log" || true; }
requests() { awk '/requests in/ { print $1 }' "$1"; }
echo "  load: $(requests "$work/wrk_quota.txt") requests to the quota vendor," \
    "$(requests "$work/wrk_down.txt") to the failing one"
echo "  retryd: $(count "gate .* closed") gate closings, $(count "circuit breaker open") breaker openings," \
    "$(count "configuration reloaded") reloads, $(grep -c . "$work/giveups.txt" || true) lines of /giveups," \
    "$(count "retry gave up") give-ups logged"
load_reports=$(reports "$work/retryd.log")
elapsed=$(($(date +%s) - started))
echo "tsan: $test_reports reports from the tests, $load_reports from the load (${elapsed}s)"
if ((test_reports + load_reports > 0)); then
    KEEP=1
    grep -A12 "WARNING: ThreadSanitizer" "$work/tests.log" "$work/retryd.log" 2>/dev/null | head -60
    exit 1
fi
grep -q "configuration reloaded" "$work/retryd.log" || { echo "tsan: the reload did not happen" >&2; exit 2; }
[[ $test_status == 0 ]] || { KEEP=1; echo "tsan: the tests failed (see $work/tests.log)" >&2; exit 2; }
