#!/usr/bin/env bash
# Builds the libFuzzer targets for the HTTP1 parsers with swiftc alone and runs each for SECONDS (default 60).
#
#   bash Tests/Fuzz/fuzz.sh [SECONDS] [TARGET...]      TARGET: RequestParser, UpstreamHeadParser (default: both)
#
# Targets run one after the other in a single process each, so a 2-core machine keeps a core for everything else.
# Outputs live under .build/fuzz/<target>/: the fuzzer binary, a working corpus (seeded from Tests/Fuzz/corpus, kept
# between runs so a long campaign resumes where it stopped; the committed seeds are never written to), fuzz.log, and
# crashes/ where libFuzzer leaves any failing input. Exits non-zero if any target crashed, leaked, timed out, ran out
# of memory or tripped a sanitizer or an invariant.
# Reproduce a failure with: SWIFT_BACKTRACE=enable=no .build/fuzz/<target>/fuzzer <input>
set -euo pipefail
cd "$(dirname "$0")/../.."

seconds=${1:-60}
[[ $seconds =~ ^[0-9]+$ && $seconds -gt 0 ]] || { echo "usage: $0 [SECONDS] [TARGET...]" >&2; exit 2; }
shift $(($# > 0 ? 1 : 0))
targets=("$@")
((${#targets[@]} > 0)) || targets=(RequestParser UpstreamHeadParser)
for target in "${targets[@]}"; do
    [[ -f Tests/Fuzz/${target}Fuzz.swift ]] || { echo "fuzz.sh: no Tests/Fuzz/${target}Fuzz.swift" >&2; exit 2; }
done

swiftc=${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}
[[ -x $swiftc ]] || { echo "fuzz.sh: swiftc not found; set SWIFTC" >&2; exit 2; }
toolchain_bin=$(dirname "$(readlink -f "$swiftc")")
# One package name for HTTP1 and the harnesses: they use its package-level API, as the proxy does.
common=(-O -g -swift-version 6 -parse-as-library -package-name retryd)
# The toolchain's lld links quietly; the system gold linker warns about every ASan symbol.
[[ -x $toolchain_bin/ld.lld ]] && link_flags=(-use-ld=lld) || link_flags=()
[[ -x $toolchain_bin/llvm-symbolizer ]] && export ASAN_SYMBOLIZER_PATH=$toolchain_bin/llvm-symbolizer
# libFuzzer must see fatalError's trap itself to save the input; Swift's backtracer would take the signal first.
export SWIFT_BACKTRACE=enable=no

out=.build/fuzz
started=$SECONDS
mkdir -p "$out/module"
echo "fuzz.sh: building HTTP1 and ${targets[*]} with $swiftc"
# HTTP1 is built once as its own module, so the harnesses see only what the proxy sees. Only HTTP1
# gets coverage instrumentation: instrumented harness code ran slower and let the fuzzer chase the checker's branches.
"$swiftc" "${common[@]}" -sanitize=fuzzer,address -wmo -module-name HTTP1 \
    -emit-module -emit-module-path "$out/module/HTTP1.swiftmodule" -c Sources/HTTP1/*.swift -o "$out/module/HTTP1.o"
for target in "${targets[@]}"; do
    mkdir -p "$out/$target/corpus" "$out/$target/crashes"
    "$swiftc" "${common[@]}" -sanitize=address -I "$out/module" -module-name "${target}Fuzz" \
        -c "Tests/Fuzz/${target}Fuzz.swift" -o "$out/$target/harness.o"
    "$swiftc" -sanitize=fuzzer,address "${link_flags[@]}" "$out/$target/harness.o" "$out/module/HTTP1.o" \
        -o "$out/$target/fuzzer"
done
echo "fuzz.sh: built in $((SECONDS - started)) s; fuzzing each target for $seconds s"

dictionary() {
    case $1 in
        RequestParser) echo Tests/Fuzz/request.dict ;;
        UpstreamHeadParser) echo Tests/Fuzz/upstream.dict ;;
    esac
}

failed=0
for target in "${targets[@]}"; do
    dir=$out/$target
    cp -R "Tests/Fuzz/corpus/$target/." "$dir/corpus/"
    before=$(find "$dir/crashes" -type f | wc -l)
    status=0
    "$dir/fuzzer" "$dir/corpus" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 \
        -dict="$(dictionary "$target")" -artifact_prefix="$dir/crashes/" -print_final_stats=1 \
        >"$dir/fuzz.log" 2>&1 || status=$?

    execs=$(awk '/^stat::number_of_executed_units/ { print $2 }' "$dir/fuzz.log")
    rate=$(awk '/^stat::average_exec_per_sec/ { print $2 }' "$dir/fuzz.log")
    # The last status line carries the final coverage: "#N DONE cov: C ft: F corp: U/SIZE ...".
    last=$(grep -E '^#[0-9]+' "$dir/fuzz.log" | tail -n 1 || true)
    cov=$(sed -nE 's/.* cov: ([0-9]+).*/\1/p' <<<"$last")
    ft=$(sed -nE 's/.* ft: ([0-9]+).*/\1/p' <<<"$last")
    # libFuzzer's own count: the directory also keeps the inputs that later reductions superseded.
    corpus=$(sed -nE 's/.* corp: ([0-9]+\/[0-9a-zA-Z]+).*/\1/p' <<<"$last")
    crashes=$(($(find "$dir/crashes" -type f | wc -l) - before))
    interrupted=""
    # libFuzzer exits 72 when a signal from outside stops it: no verdict, but no pass either.
    if ((status == 72 && crashes == 0)); then
        interrupted=", interrupted by a signal"
        failed=1
    elif ((status != 0)) || grep -qE '^(==[0-9]+==ERROR|SUMMARY: )' "$dir/fuzz.log"; then
        crashes=$((crashes > 0 ? crashes : 1))
    fi
    echo "$target: execs ${execs:-?} (${rate:-?}/s), cov ${cov:-?}, ft ${ft:-?}, corpus ${corpus:-?}," \
        "crashes $crashes$interrupted"
    if ((crashes > 0)); then
        failed=1
        echo "fuzz.sh: $target failed (exit $status); log: $dir/fuzz.log" >&2
        grep -E 'Fatal error|ERROR: |SUMMARY: ' "$dir/fuzz.log" | head -n 5 >&2 || true
        find "$dir/crashes" -type f -newer "$dir/fuzzer" | sed 's/^/fuzz.sh: failing input: /' >&2
        echo "fuzz.sh: reproduce with: SWIFT_BACKTRACE=enable=no $dir/fuzzer <input>" >&2
    fi
done
echo "fuzz.sh: done in $((SECONDS - started)) s"
exit "$failed"
