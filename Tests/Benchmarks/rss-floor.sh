#!/usr/bin/env bash
# Idle memory and size floors: what retryd's idle RSS and its image cannot go below while it links Debian 12's
# libcurl (OpenSSL flavour), hiredis and SQLite and the Swift runtime, beside retryd itself.
#
#   bash Tests/Benchmarks/rss-floor.sh [RETRYD_BINARY]     # default: .build-static/release/retryd, built if missing
#
# Builds three programs from Tests/Benchmarks/floor: the libraries initialised from C (curl_global_init, a multi and
# an easy handle, SQLite, a hiredis reader), an empty Swift program linked with -static-stdlib, and a Swift program
# so linked that initialises the same libraries. Each is stripped and started, and its VmRSS read after 2 s; then retryd
# (`workers = 1`, no state directory, one upstream) the same way. Also prints the stripped sizes and the size of the
# shared libraries an image must carry. Not a test.
set -euo pipefail
cd "$(dirname "$0")/../.."
binary=${1:-.build-static/release/retryd}
if [[ ! -x $binary ]]; then
    swift build -c release --static-swift-stdlib --scratch-path .build-static >/dev/null
fi
work=$(mktemp -d)
trap 'kill $(jobs -p) 2>/dev/null || true; rm -rf "$work"' EXIT
floor=Tests/Benchmarks/floor
gcc -O2 -c "$floor/libraries.c" -o "$work/libraries.o"
gcc -O2 "$floor/main.c" "$work/libraries.o" -o "$work/c-libraries" -lcurl -lhiredis -lsqlite3
swiftc -O -static-stdlib "$floor/main.swift" "$work/libraries.o" -o "$work/swift-libraries" \
    -lcurl -lhiredis -lsqlite3
swiftc -O -static-stdlib "$floor/empty.swift" -o "$work/swift-alone"
cp "$binary" "$work/retryd"
strip "$work/c-libraries" "$work/swift-alone" "$work/swift-libraries" "$work/retryd"
cat >"$work/retryd.toml" <<TOML
workers = 1
state_dir = ""

[[upstream]]
name = "floor"
listen = "127.0.0.1:0"
url = "http://127.0.0.1:9"
TOML

# VmRSS of a command 2 s after it starts, in MiB.
rss() {
    "$@" >/dev/null 2>&1 &
    local pid=$!
    sleep 2
    awk '/^VmRSS/ { printf "%.1f", $2 / 1024 }' "/proc/$pid/status"
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
}

printf '%-58s %10s %12s\n' "program (stripped)" "size" "idle RSS"
printf '%-58s %10s %9s MiB\n' "C: libcurl, hiredis, SQLite initialised" \
    "$(stat -c %s "$work/c-libraries")" "$(rss "$work/c-libraries")"
printf '%-58s %10s %9s MiB\n' "Swift, -static-stdlib, empty" \
    "$(stat -c %s "$work/swift-alone")" "$(rss "$work/swift-alone")"
printf '%-58s %10s %9s MiB\n' "Swift, -static-stdlib, the same libraries initialised" \
    "$(stat -c %s "$work/swift-libraries")" "$(rss "$work/swift-libraries")"
printf '%-58s %10s %9s MiB\n' "retryd, workers = 1" \
    "$(stat -c %s "$work/retryd")" "$(rss "$work/retryd" run --config "$work/retryd.toml")"
libraries=$(ldd "$work/retryd" | awk '$3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
total=0
for library in $libraries; do total=$((total + $(stat -L -c %s "$library"))); done
echo "shared libraries retryd loads (an image carries them): $(echo "$libraries" | wc -l) files, $total bytes"
