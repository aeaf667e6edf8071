#!/usr/bin/env bash
# Build retryd's OCI image with podman and print its tag as the last line.
#
#   config/package/image.sh [TAG]        (default TAG: localhost/retryd:<retryd --version>)
#
# The image is FROM scratch (config/package/Containerfile) over a root assembled here: the release binary with the
# Swift runtime linked in (--static-swift-stdlib, scratch path .build-release-static), stripped; every shared library
# it loads, found with ldd on this Debian 12 host (libcurl and its TLS, HTTP/2, IDN, Kerberos and LDAP dependencies,
# hiredis, SQLite, glibc, libstdc++); the host's CA bundle (/etc/ssl/certs/ca-certificates.crt, libcurl's default);
# /etc/passwd and /etc/group with root and retryd (65532), the image's USER; /var/lib/retryd owned by retryd for the
# journal; /etc/retryd/retryd.toml.example, the commented reference configuration. /etc/retryd/retryd.toml itself is
# left out: mount one there (the README's Pod does), or set RETRYD_LISTEN and RETRYD_UPSTREAM, which a file at that
# path would override.
#
# RETRYD_BINARY=path uses an already built binary. Run as root (podman's rootful storage) or rootless podman.
set -euo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
# shellcheck source=config/package/binary.sh
source "$repo/config/package/binary.sh"
package_binary "$repo"
version=$("$binary" --version)
tag=${1:-localhost/retryd:$version}
uid=65532

export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
libdir=$root/usr/lib/x86_64-linux-gnu
install -d -m 0755 "$root/usr/bin" "$libdir" "$root/usr/lib64" "$root/etc/ssl/certs" "$root/etc/retryd" \
    "$root/proc" "$root/sys" "$root/dev"
install -d -m 1777 "$root/tmp"
# The merged-/usr layout of Debian 12: the binary's interpreter is /lib64/ld-linux-x86-64.so.2.
ln -s usr/lib "$root/lib"
ln -s usr/lib64 "$root/lib64"

strip --remove-section=.comment --remove-section=.note -o "$root/usr/bin/retryd" "$binary"
chmod 0755 "$root/usr/bin/retryd"

# Each library under its soname (the file the loader looks for) in the multiarch directory glibc searches by default;
# the loader itself also where the ELF interpreter path points.
while read -r soname path; do
    install -m 0644 "$(readlink -f "$path")" "$libdir/$soname"
done < <(ldd "$binary" | awk '$2 == "=>" && $3 ~ /^\// { print $1, $3 }')
loader=$(ldd "$binary" | awk '$1 ~ /^\/.*ld-linux/ { print $1 }')
[[ -n $loader ]] || { echo "image.sh: no ELF interpreter in ldd's output" >&2; exit 1; }
install -m 0755 "$(readlink -f "$loader")" "$libdir/$(basename "$loader")"
ln -s "../lib/x86_64-linux-gnu/$(basename "$loader")" "$root/usr/lib64/$(basename "$loader")"
if ldd "$binary" | grep -q 'not found'; then
    echo "image.sh: unresolved libraries: $(ldd "$binary" | grep 'not found')" >&2
    exit 1
fi

install -m 0644 /etc/ssl/certs/ca-certificates.crt "$root/etc/ssl/certs/ca-certificates.crt"
printf 'root:x:0:0:root:/root:/sbin/nologin\nretryd:x:%s:%s:retryd proxy:/var/lib/retryd:/sbin/nologin\n' \
    "$uid" "$uid" >"$root/etc/passwd"
printf 'root:x:0:\nretryd:x:%s:\n' "$uid" >"$root/etc/group"
printf 'passwd: files\ngroup: files\nhosts: files dns\n' >"$root/etc/nsswitch.conf"
chmod 0644 "$root/etc/passwd" "$root/etc/group" "$root/etc/nsswitch.conf"
install -m 0644 "$repo/config/retryd.toml" "$root/etc/retryd/retryd.toml.example"
install -d -m 0700 -o "$uid" -g "$uid" "$root/var/lib/retryd"

# Owners and modes as set above (podman's COPY would make everything root's); sorted and dated for reproducibility.
tar --create --file "$work/rootfs.tar" --directory "$root" --sort=name --numeric-owner \
    --mtime="@$SOURCE_DATE_EPOCH" .
cp "$repo/config/package/Containerfile" "$work/Containerfile"
podman build --quiet --timestamp "$SOURCE_DATE_EPOCH" --build-arg "VERSION=$version" --tag "$tag" \
    --file "$work/Containerfile" "$work" >&2
echo "image $tag: $(podman image inspect --format '{{.Size}}' "$tag") bytes uncompressed" >&2
echo "$tag"
