#!/usr/bin/env bash
# Builds the libFuzzer targets for the parsers of untrusted bytes with swiftc alone and runs each for SECONDS
# (default 60).
#
#   bash Tests/Fuzz/fuzz.sh [SECONDS] [TARGET...]      TARGET: RequestParser, UpstreamHeadParser, ProxyTarget,
#                                                      JSONField, TOML (default: all five)
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
((${#targets[@]} > 0)) || targets=(RequestParser UpstreamHeadParser ProxyTarget JSONField TOML)
for target in "${targets[@]}"; do
    [[ -f Tests/Fuzz/${target}Fuzz.swift ]] || { echo "fuzz.sh: no Tests/Fuzz/${target}Fuzz.swift" >&2; exit 2; }
done

swiftc=${SWIFTC:-$(command -v swiftc || echo /opt/swift/usr/bin/swiftc)}
[[ -x $swiftc ]] || { echo "fuzz.sh: swiftc not found; set SWIFTC" >&2; exit 2; }
toolchain_bin=$(dirname "$(readlink -f "$swiftc")")
# One package name for the modules and the harnesses: they use package-level API, as the proxy does.
common=(-O -g -swift-version 6 -parse-as-library -package-name retryd)
# The toolchain's lld links quietly; the system gold linker warns about every ASan symbol.
[[ -x $toolchain_bin/ld.lld ]] && link_flags=(-use-ld=lld) || link_flags=()
[[ -x $toolchain_bin/llvm-symbolizer ]] && export ASAN_SYMBOLIZER_PATH=$toolchain_bin/llvm-symbolizer
# libFuzzer must see fatalError's trap itself to save the input; Swift's backtracer would take the signal first.
export SWIFT_BACKTRACE=enable=no

out=.build/fuzz
started=$SECONDS
mkdir -p "$out/module"
# The module each target exercises; all are pure and depend on nothing of ours.
module() {
    case $1 in
        JSONField) echo Retry ;;
        TOML) echo TOML ;;
        *) echo HTTP1 ;;
    esac
}
modules=$(for target in "${targets[@]}"; do module "$target"; done | sort -u)
echo "fuzz.sh: building $(echo $modules) and ${targets[*]} with $swiftc"
# Each module is built once on its own, so the harnesses see only what the proxy sees. Only the module gets coverage
# instrumentation: instrumented harness code ran slower and let the fuzzer chase the checker's branches.
for name in $modules; do
    "$swiftc" "${common[@]}" -sanitize=fuzzer,address -wmo -module-name "$name" \
        -emit-module -emit-module-path "$out/module/$name.swiftmodule" -c Sources/"$name"/*.swift \
        -o "$out/module/$name.o"
done
for target in "${targets[@]}"; do
    mkdir -p "$out/$target/corpus" "$out/$target/crashes"
    "$swiftc" "${common[@]}" -sanitize=address -I "$out/module" -module-name "${target}Fuzz" \
        -c "Tests/Fuzz/${target}Fuzz.swift" -o "$out/$target/harness.o"
    "$swiftc" -sanitize=fuzzer,address "${link_flags[@]}" "$out/$target/harness.o" \
        "$out/module/$(module "$target").o" -o "$out/$target/fuzzer"
done
echo "fuzz.sh: built in $((SECONDS - started)) s; fuzzing each target for $seconds s"

dictionary() {
    case $1 in
        RequestParser) echo Tests/Fuzz/request.dict ;;
        UpstreamHeadParser) echo Tests/Fuzz/upstream.dict ;;
        ProxyTarget) echo Tests/Fuzz/proxy.dict ;;
        JSONField) echo Tests/Fuzz/json.dict ;;
        TOML) echo Tests/Fuzz/toml.dict ;;
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
