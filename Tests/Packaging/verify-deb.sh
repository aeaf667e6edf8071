#!/usr/bin/env bash
# Install retryd's .deb into a fresh Debian 12 minbase root (no Swift toolchain) and check it there.
#
#   Tests/Packaging/verify-deb.sh [DEB]
#
# DEB defaults to a package built now with config/package/deb.sh into .build-packaging/out. Run as root on a
# Debian/Ubuntu host with debootstrap, python3 and curl. Not part of `swift test`.
#
# The minbase root is made once with debootstrap (bookworm, from deb.debian.org or $DEBIAN_MIRROR), with its apt
# lists, and kept in .build-packaging/bookworm-minbase; each run copies it, so a rerun takes seconds. In the copy:
# apt installs the .deb (pulling libcurl4, libssl3, libhiredis0.14, libsqlite3-0); the binary resolves every library;
# `retryd --version` and `retryd check` on the shipped /etc/retryd/retryd.toml; the retryd user and the files'
# modes and owners; a retryd started in the root (chroot, as the retryd user, from the shipped config pointed at
# a stand-in upstream on this machine, workers = 1) proxies and retries requests, and its idle RSS is printed; a reinstall; purge removes /etc/retryd and
# /var/lib/retryd (the system user stays, as in Debian).
# dpkg-query formats are single-quoted on purpose.
# shellcheck disable=SC2016
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
cache=$repo/.build-packaging
base=$cache/bookworm-minbase
mirror=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
[[ $EUID -eq 0 ]] || { echo "verify-deb.sh: run as root (debootstrap, chroot)" >&2; exit 2; }
mkdir -p "$cache"

if [[ $# -ge 1 ]]; then
    deb=$(realpath "$1")
else
    deb=$("$repo/config/package/deb.sh" "$cache/out" | tail -1)
fi
echo "package: $deb ($(stat -c %s "$deb") bytes)"

if [[ ! -d $base ]]; then
    echo "debootstrap --variant=minbase bookworm into $base (once)"
    rm -rf "$base.tmp"
    debootstrap --variant=minbase bookworm "$base.tmp" "$mirror" >"$cache/debootstrap.log" 2>&1 ||
        { tail -20 "$cache/debootstrap.log" >&2; exit 1; }
    cp /etc/resolv.conf "$base.tmp/etc/resolv.conf"
    chroot "$base.tmp" apt-get update >>"$cache/debootstrap.log" 2>&1
    mv "$base.tmp" "$base"
fi

work=$(mktemp -d "$cache/verify-deb.XXXXXX")
root=$work/root
retryd_pid=""
upstream_pid=""
cleanup() {
    local pid
    for pid in $retryd_pid $upstream_pid; do
        kill "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    if mountpoint -q "$root/proc"; then umount "$root/proc"; fi
    rm -rf "$work"
}
trap cleanup EXIT
# shellcheck source=Tests/Packaging/common.sh
source "$repo/Tests/Packaging/common.sh"

cp -a "$base" "$root"
cp /etc/resolv.conf "$root/etc/resolv.conf"
mount -t proc proc "$root/proc"
in_root() { chroot "$root" "$@"; }

in_root sh -c 'command -v swift' >/dev/null && fail "the root has a Swift toolchain"
cp "$deb" "$root/tmp/retryd.deb"
in_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -q /tmp/retryd.deb >"$work/apt.log" 2>&1 ||
    fail "apt-get install: $(tail -20 "$work/apt.log")"
pass "apt-get install ./$(basename "$deb") in a fresh bookworm minbase root"
for pkg in libcurl4 libssl3 libhiredis0.14 libsqlite3-0; do
    in_root dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' ||
        fail "$pkg was not installed as a dependency"
done
pass "dependencies installed: libcurl4 libssl3 libhiredis0.14 libsqlite3-0"

missing=$(in_root ldd /usr/bin/retryd | grep 'not found' || true)
[[ -z $missing ]] || fail "unresolved libraries in the root: $missing"
pass "every shared library of /usr/bin/retryd resolves in the root: $(in_root ldd /usr/bin/retryd | awk '{print $1}' | tr '\n' ' ')"

version=$(in_root /usr/bin/retryd --version)
[[ $(basename "$deb") == "retryd_${version}_amd64.deb" ]] || fail "retryd --version says $version, the package is $(basename "$deb")"
pass "retryd --version: $version"

# The shipped config names ${VENDOR_KEY}; an admin puts it in /etc/retryd/retryd.env.
in_root env VENDOR_KEY=check-key retryd check --config /etc/retryd/retryd.toml >"$work/check.log" 2>&1 ||
    fail "retryd check on the shipped config: $(cat "$work/check.log")"
pass "retryd check --config /etc/retryd/retryd.toml (VENDOR_KEY set)"

passwd=$(in_root getent passwd retryd) || fail "no retryd user"
IFS=: read -r _ _ uid gid _ home shell <<<"$passwd"
((uid < 1000)) || fail "retryd is not a system user (uid $uid)"
[[ $shell == /usr/sbin/nologin ]] || fail "retryd's shell is $shell"
[[ $(in_root getent group retryd | cut -d: -f3) == "$gid" ]] || fail "no retryd group matching the user's"
pass "system user retryd (uid $uid, gid $gid, home $home, shell $shell)"

expect_mode() {
    local path=$1 want=$2 got
    got=$(stat -c '%a %U:%G' "$root$path")
    [[ $got == "$want" ]] || fail "$path is $got, expected $want"
    pass "$path $got"
}
expect_mode /usr/bin/retryd "755 root:root"
expect_mode /etc/retryd/retryd.toml "644 root:root"
expect_mode /etc/retryd/retryd.env "600 root:root"
expect_mode /lib/systemd/system/retryd.service "644 root:root"
expect_mode /usr/lib/sysusers.d/retryd.conf "644 root:root"
conffiles=$(in_root dpkg-query -W -f='${Conffiles}' retryd)
for conffile in /etc/retryd/retryd.toml /etc/retryd/retryd.env; do
    grep -q " $conffile " <<<"$conffiles" || fail "$conffile is not a conffile: $conffiles"
done
pass "conffiles: /etc/retryd/retryd.toml /etc/retryd/retryd.env"
for line in "ExecStart=/usr/bin/retryd --config /etc/retryd/retryd.toml" "User=retryd" "StateDirectory=retryd"; do
    grep -qxF "$line" "$root/lib/systemd/system/retryd.service" || fail "retryd.service lacks $line"
done
grep -q '^DynamicUser' "$root/lib/systemd/system/retryd.service" && fail "retryd.service still has DynamicUser"
[[ -e $root/etc/systemd/system/multi-user.target.wants/retryd.service ]] && fail "retryd.service enabled on install"
pass "retryd.service: /usr/bin/retryd as User=retryd, StateDirectory=retryd, not enabled on install"

# The shipped config, pointed at the stand-in upstream; the state directory made as StateDirectory= would.
start_upstream
port=$(free_port)
point_config "$root/etc/retryd/retryd.toml" "$root/tmp/verify.toml" "$port"
install -d -m 0700 -o "$uid" -g "$gid" "$root/var/lib/retryd"
chroot --userspec="$uid:$gid" --groups="$gid" "$root" env VENDOR_KEY=verify-key \
    /usr/bin/retryd --config /tmp/verify.toml >"$work/retryd.log" 2>&1 &
retryd_pid=$!
wait_listening "$port" "$retryd_pid" "$work/retryd.log"
sleep 1
echo "idle RSS, workers = 1, after start: $(awk '/^VmRSS/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$retryd_pid/status")"
check_proxied "$port" verify-key
[[ $(stat -c %u "$root/var/lib/retryd/journal.db" 2>/dev/null) == "$uid" ]] || fail "no journal.db owned by retryd in /var/lib/retryd"
pass "journal /var/lib/retryd/journal.db written by the retryd user"
stop_retryd "$work/retryd.log"

# An upgrade path: postinst configure with a previous version, existing user.
in_root env DEBIAN_FRONTEND=noninteractive dpkg -i /tmp/retryd.deb >"$work/reinstall.log" 2>&1 ||
    fail "reinstall: $(cat "$work/reinstall.log")"
pass "reinstall over itself"

in_root env DEBIAN_FRONTEND=noninteractive apt-get purge -y -q retryd >"$work/purge.log" 2>&1 ||
    fail "apt-get purge: $(tail -20 "$work/purge.log")"
for path in /usr/bin/retryd /etc/retryd /var/lib/retryd /lib/systemd/system/retryd.service; do
    [[ -e $root$path ]] && fail "$path left after purge"
done
in_root dpkg-query -W -f='${Status}' retryd 2>/dev/null | grep -q installed && fail "retryd still installed"
in_root getent passwd retryd >/dev/null || fail "purge removed the retryd user (Debian keeps system users)"
pass "purge removed /usr/bin/retryd, /etc/retryd, /var/lib/retryd; the retryd system user stays"
echo "verify-deb.sh: all checks passed"
