#!/usr/bin/env bash
# Runs the whole test suite RUNS times in a row while a release build of retryd keeps every core busy, and stops at
# the first failing run. A flaky test is a broken build: CI runs on a loaded two-core machine, so a test that needs
# an idle one fails there sooner or later. This is how issue 19's "5 runs in a row under load" is checked.
#
#   bash Tests/Stress/suite-under-load.sh [RUNS]     (default 5; logs in $LOGS, default /tmp/retryd-stress)
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=${1:-5}
logs=${LOGS:-/tmp/retryd-stress}
mkdir -p "$logs"

swift build --build-tests >/dev/null

# The load: release builds from scratch in a folder of their own, one after another, in a session of their own so
# that the whole tree of compiler processes can be stopped at the end.
load_dir=.build-load
setsid bash -c "while true; do rm -rf $load_dir; swift build -c release --scratch-path $load_dir >/dev/null 2>&1; done" &
load=$!
cleanup() {
    kill -- -"$load" 2>/dev/null || true
    # The compiler processes take a moment to go; removing the folder before they have would race their writes.
    for _ in $(seq 1 50); do kill -0 -- -"$load" 2>/dev/null || break; sleep 0.2; done
    # Compiler processes that left the group (swift-driver starts its jobs in groups of their own) may still write
    # for a moment: try again rather than fail the cleanup.
    for _ in $(seq 1 20); do rm -rf "$load_dir" 2>/dev/null && break; sleep 0.5; done
}
trap cleanup EXIT
sleep 20 # let the build reach its compile jobs

for run in $(seq 1 "$runs"); do
    start=$(date +%s)
    if swift test --skip-build >"$logs/run-$run.log" 2>&1; then
        echo "run $run: $(tail -n 1 "$logs/run-$run.log") ($(($(date +%s) - start)) s, load $(cut -d' ' -f1 /proc/loadavg))"
    else
        echo "run $run FAILED ($(($(date +%s) - start)) s); see $logs/run-$run.log:"
        grep -A2 "recorded an issue" "$logs/run-$run.log" | head -20
        exit 1
    fi
done
echo "$runs runs in a row passed under load"
