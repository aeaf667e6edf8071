#!/usr/bin/env bash
# Check retryd's OCI image without a container engine that can run it: mount it and run its entrypoint under chroot.
#
#   Tests/Packaging/verify-image.sh [TAG]
#
# TAG defaults to an image built now with config/package/image.sh. Run as root (podman image mount, chroot, bind
# mounts) with podman, python3 and curl. Not part of `swift test`. RETRYD_IMAGE_MAX_BYTES (default 30000000, the
# 30 MB target) is the size limit; a larger image fails the run with its size and what takes the room, after the
# other checks have run.
#
# Checks: the uncompressed size; the entrypoint /usr/bin/retryd and a numeric non-root USER that the image's
# /etc/passwd names; no shell; the CA bundle; every library resolves from the image alone; then, as that user under
# chroot with /etc/retryd, /var/lib/retryd and /tmp bind-mounted like a Pod's volumes (the image's root stays
# read-only): `retryd --version`, `retryd check` and a proxied and a retried request through the reference
# configuration pointed at a stand-in upstream on this machine, and a request through the RETRYD_LISTEN and
# RETRYD_UPSTREAM quick start with no file. Prints idle RSS with workers = 1.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
max_bytes=${RETRYD_IMAGE_MAX_BYTES:-30000000}
[[ $EUID -eq 0 ]] || { echo "verify-image.sh: run as root (podman image mount, chroot)" >&2; exit 2; }

if [[ $# -ge 1 ]]; then
    tag=$1
else
    tag=$("$repo/config/package/image.sh" | tail -1)
fi
mkdir -p "$repo/.build-packaging"
work=$(mktemp -d "$repo/.build-packaging/verify-image.XXXXXX")
mnt=""
retryd_pid=""
upstream_pid=""
bound=()
cleanup() {
    local pid target
    for pid in $retryd_pid $upstream_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    for target in "${bound[@]}"; do
        umount "$target" || true
    done
    if [[ -n $mnt ]]; then podman image unmount "$tag" >/dev/null || true; fi
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=Tests/Packaging/common.sh
source "$repo/Tests/Packaging/common.sh"
failures=()

# Size first: its figure is wanted even when something else fails.
size=$(podman image inspect --format '{{.Size}}' "$tag")
mnt=$(podman image mount "$tag")
binary_bytes=$(stat -c %s "$mnt/usr/bin/retryd")
lib_bytes=$(du -sb "$mnt/usr/lib/x86_64-linux-gnu" | cut -f1)
echo "image $tag: $size bytes uncompressed ($((size / 1000000)) MB): /usr/bin/retryd $binary_bytes," \
    "shared libraries $lib_bytes, the rest $((size - binary_bytes - lib_bytes))"
echo "largest libraries: $(find "$mnt/usr/lib/x86_64-linux-gnu" -type f -printf '%s %f\n' | sort -rn | head -8 |
    awk '{ printf "%s%s %s", sep, $2, $1; sep = ", " }')"
if ((size <= max_bytes)); then
    pass "size $size <= $max_bytes bytes"
else
    echo "FAIL: size $size > $max_bytes bytes (the target); the run goes on and fails at the end" >&2
    failures+=("size $size > $max_bytes bytes")
fi

[[ $(podman image inspect --format '{{json .Config.Entrypoint}}' "$tag") == '["/usr/bin/retryd"]' ]] ||
    fail "entrypoint is not [\"/usr/bin/retryd\"]"
user=$(podman image inspect --format '{{.Config.User}}' "$tag")
[[ $user =~ ^([0-9]+):([0-9]+)$ ]] || fail "USER '$user' is not numeric uid:gid (runAsNonRoot cannot check a name)"
uid=${BASH_REMATCH[1]}
gid=${BASH_REMATCH[2]}
((uid != 0 && gid != 0)) || fail "the image runs as root ($user)"
name=$(awk -F: -v uid="$uid" '$3 == uid { print $1 }' "$mnt/etc/passwd")
[[ -n $name ]] || fail "uid $uid is not in the image's /etc/passwd"
awk -F: -v gid="$gid" '$3 == gid { found = 1 } END { exit !found }' "$mnt/etc/group" ||
    fail "gid $gid is not in the image's /etc/group"
pass "entrypoint /usr/bin/retryd, USER $user ($name in /etc/passwd and /etc/group)"
[[ ! -e $mnt/bin/sh ]] || fail "the image has a shell"
grep -q 'BEGIN CERTIFICATE' "$mnt/etc/ssl/certs/ca-certificates.crt" || fail "no CA bundle at libcurl's default path"
pass "no shell; CA bundle /etc/ssl/certs/ca-certificates.crt ($(grep -c 'BEGIN CERTIFICATE' "$mnt/etc/ssl/certs/ca-certificates.crt") certificates)"

# The image's own loader resolves every library from the image's own directories (no host path leaks in).
resolved=$(chroot "$mnt" /lib64/ld-linux-x86-64.so.2 --list /usr/bin/retryd) || fail "the image's loader: $resolved"
grep -q 'not found' <<<"$resolved" && fail "unresolved in the image: $(grep 'not found' <<<"$resolved")"
pass "the image's loader resolves all $(grep -c '=>' <<<"$resolved") libraries"

# Volumes as a Pod would mount them; the image's root stays read-only.
bind() {
    local source=$1 target=$mnt$2
    mount --bind "$source" "$target"
    bound=("$target" "${bound[@]}")
}
# A container always has /proc; the Swift runtime reads the arguments from /proc/self/cmdline.
mount -t proc proc "$mnt/proc"
bound=("$mnt/proc" "${bound[@]}")
install -d -m 0755 "$work/config"
install -d -m 0700 -o "$uid" -g "$gid" "$work/state"
install -d -m 1777 "$work/tmp"
bind "$work/tmp" /tmp
bind "$work/state" /var/lib/retryd
# The image has no env(1): variables go in from here (VAR=value as_user ...). In the background chroot is run
# directly, so $! is retryd itself (chroot execs it), not a subshell.
as_user() { chroot --userspec="$uid:$gid" --groups="$gid" "$mnt" "$@"; }

version=$(as_user /usr/bin/retryd --version)
[[ $tag == *":$version" || $# -ge 1 ]] || fail "retryd --version says $version, the tag is $tag"
pass "retryd --version: $version (as $name under chroot)"

start_upstream

# The quick start without a file: RETRYD_LISTEN and RETRYD_UPSTREAM.
port=$(free_port)
RETRYD_LISTEN="127.0.0.1:$port" RETRYD_UPSTREAM="http://127.0.0.1:$upstream_port/v2" \
    chroot --userspec="$uid:$gid" --groups="$gid" "$mnt" /usr/bin/retryd >"$work/quick.log" 2>&1 &
retryd_pid=$!
wait_listening "$port" "$retryd_pid" "$work/quick.log"
body=$(curl -sS --max-time 20 "http://127.0.0.1:$port/v1/jobs/7") || fail "request through the quick start failed"
[[ $body == '{"path": "/v2/v1/jobs/7", "api_key": null}' ]] || fail "quick start: unexpected body $body"
kill -TERM "$retryd_pid"
wait "$retryd_pid" || fail "retryd (quick start) exited $? on SIGTERM: $(tail -5 "$work/quick.log")"
retryd_pid=""
pass "RETRYD_LISTEN/RETRYD_UPSTREAM quick start proxied GET /v1/jobs/7"

# The reference configuration, as a ConfigMap would hold it, pointed at the stand-in upstream, one worker.
port=$(free_port)
point_config "$mnt/etc/retryd/retryd.toml.example" "$work/config/retryd.toml" "$port"
bind "$work/config" /etc/retryd
VENDOR_KEY=image-key as_user /usr/bin/retryd check >"$work/check.log" 2>&1 ||
    fail "retryd check on /etc/retryd/retryd.toml: $(cat "$work/check.log")"
pass "retryd check (default path /etc/retryd/retryd.toml)"
VENDOR_KEY=image-key chroot --userspec="$uid:$gid" --groups="$gid" "$mnt" /usr/bin/retryd >"$work/retryd.log" 2>&1 &
retryd_pid=$!
wait_listening "$port" "$retryd_pid" "$work/retryd.log"
sleep 1
echo "idle RSS, workers = 1, after start: $(awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$retryd_pid/status")"
check_proxied "$port" image-key
[[ -s $work/state/journal.db ]] || fail "no journal.db in the state volume"
pass "journal.db written to the state volume as $name"
stop_retryd "$work/retryd.log"

if ((${#failures[@]} > 0)); then
    echo "verify-image.sh: FAILED: ${failures[*]}" >&2
    exit 1
fi
echo "verify-image.sh: all checks passed"
