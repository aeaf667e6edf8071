#!/usr/bin/env bash
# Build the Debian package of retryd: OUTDIR/retryd_<version>_amd64.deb.
#
#   config/package/deb.sh OUTDIR
#
# The binary is the release build with the Swift runtime linked in (--static-swift-stdlib, scratch path
# .build-release-static), stripped; it still links Debian 12's libcurl, hiredis and SQLite, whose packages
# dpkg-shlibdeps turns into Depends:. RETRYD_BINARY=path packages an already built binary instead of building.
# Needs dpkg-dev (dpkg-shlibdeps) and binutils (strip). Prints the path of the .deb as its last line.
#
# Layout: /usr/bin/retryd, /lib/systemd/system/retryd.service (systemd/retryd.service run as the static retryd
# user instead of DynamicUser, from /usr/bin), retryd(8), /usr/lib/sysusers.d/retryd.conf, conffiles /etc/retryd/retryd.toml
# (config/retryd.toml, 0644) and /etc/retryd/retryd.env (0600), maintainer scripts from config/package/deb/.
set -euo pipefail

if [[ $# -ne 1 ]]; then
    echo "usage: $0 OUTDIR" >&2
    exit 2
fi
repo=$(cd "$(dirname "$0")/../.." && pwd)
mkdir -p "$1"
outdir=$(cd "$1" && pwd)
maintainer=${RETRYD_DEB_MAINTAINER:-"retryd maintainers <maintainers@users.noreply.h-seed-764267ad.example>"}

# shellcheck source=config/package/binary.sh
source "$repo/config/package/binary.sh"
package_binary "$repo"
version=$("$binary" --version)
if [[ ! $version =~ ^[0-9][A-Za-z0-9.+~-]*$ ]]; then
    echo "deb.sh: '$binary --version' printed '$version', not a Debian version" >&2
    exit 1
fi

# Reproducible: timestamps in the package come from the last commit.
export SOURCE_DATE_EPOCH=${SOURCE_DATE_EPOCH:-$(git -C "$repo" log -1 --format=%ct)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
install -d "$root/DEBIAN" "$root/usr/bin" "$root/lib/systemd/system" "$root/usr/lib/sysusers.d" "$root/etc/retryd" \
    "$root/usr/share/doc/retryd/examples"

# dh_strip's options for an executable.
strip --remove-section=.comment --remove-section=.note -o "$root/usr/bin/retryd" "$binary"
chmod 0755 "$root/usr/bin/retryd"

# The repository's unit runs under DynamicUser from /usr/local/bin; the package has a static user and /usr/bin.
# Each substitution must match once, so a reshaped unit fails here instead of shipping unchanged.
unit=$(<"$repo/systemd/retryd.service")
substitute() {
    local from=$1 to=$2
    if [[ $(grep -cxF -- "$from" <<<"$unit") -ne 1 ]]; then
        echo "deb.sh: systemd/retryd.service has no single line '$from'" >&2
        exit 1
    fi
    unit=${unit/"$from"/"$to"}
}
substitute "ExecStart=/usr/local/bin/retryd --config /etc/retryd/retryd.toml" \
    "ExecStart=/usr/bin/retryd --config /etc/retryd/retryd.toml"
substitute "DynamicUser=yes" $'# The package\'s static user (/usr/lib/sysusers.d/retryd.conf) instead of DynamicUser=yes.\nUser=retryd\nGroup=retryd'
substitute "[Unit]" $'[Unit]\nDocumentation=man:retryd(8)'
printf '%s\n' "$unit" >"$root/lib/systemd/system/retryd.service"
chmod 0644 "$root/lib/systemd/system/retryd.service"

install -d "$root/usr/share/man/man8"
gzip -9n <"$repo/config/package/deb/retryd.8" >"$root/usr/share/man/man8/retryd.8.gz"
chmod 0644 "$root/usr/share/man/man8/retryd.8.gz"
install -m 0644 "$repo/config/package/deb/retryd.sysusers" "$root/usr/lib/sysusers.d/retryd.conf"
install -m 0644 "$repo/config/retryd.toml" "$root/etc/retryd/retryd.toml"
install -m 0600 "$repo/config/package/deb/retryd.env" "$root/etc/retryd/retryd.env"
install -d "$root/usr/share/lintian/overrides"
install -m 0644 "$repo/config/package/deb/retryd.lintian-overrides" "$root/usr/share/lintian/overrides/retryd"
install -m 0644 "$repo/systemd/retryd.socket" "$root/usr/share/doc/retryd/examples/retryd.socket"
for script in postinst prerm postrm; do
    install -m 0755 "$repo/config/package/deb/$script" "$root/DEBIAN/$script"
done
printf '%s\n' /etc/retryd/retryd.toml /etc/retryd/retryd.env >"$root/DEBIAN/conffiles"

doc=$root/usr/share/doc/retryd
{
    echo "Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/"
    echo "Upstream-Name: retryd"
    echo
    echo "Files: *"
    echo "Copyright: $(date -u -d "@$SOURCE_DATE_EPOCH" +%Y) retryd maintainers"
    echo "License: Apache-2.0"
    echo
    echo "License: Apache-2.0"
    echo " On Debian systems, the full text of the Apache License, Version 2.0 is in"
    echo " /usr/share/common-licenses/Apache-2.0."
} >"$doc/copyright"
{
    echo "retryd ($version) unstable; urgency=medium"
    echo
    echo "  * Packaged by config/package/deb.sh from $(git -C "$repo" rev-parse --short HEAD)."
    echo
    echo " -- $maintainer  $(date -R -u -d "@$SOURCE_DATE_EPOCH")"
} | gzip -9n >"$doc/changelog.gz"
chmod 0644 "$doc/copyright" "$doc/changelog.gz"

# Depends: from the libraries the binary links and their shlibs/symbols files (libc6, libcurl4, libssl3, libhiredis0.14,
# libsqlite3-0, libstdc++6, libgcc-s1 with the lowest versions that have every symbol used).
mkdir -p "$work/src/debian"
printf 'Source: retryd\n\nPackage: retryd\nArchitecture: amd64\n' >"$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O -e"$root/usr/bin/retryd")
shlibs=${shlibs#shlibs:Depends=}
for lib in libcurl4 libssl3 libhiredis0.14 libsqlite3-0; do
    if [[ $shlibs != *"$lib "* && $shlibs != *"$lib," && $shlibs != *"$lib" ]]; then
        echo "deb.sh: expected $lib among the binary's library packages, got: $shlibs" >&2
        exit 1
    fi
done

(cd "$root" && find usr lib -type f -exec md5sum {} + | sort -k2) >"$root/DEBIAN/md5sums"
installed_size=$(du -sk --exclude=DEBIAN "$root" | cut -f1)
cat >"$root/DEBIAN/control" <<CONTROL
Package: retryd
Version: $version
Architecture: amd64
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $shlibs, adduser
Section: net
Priority: optional
Description: localhost proxy that retries vendor API calls safely
 retryd sits between a legacy application and a vendor's REST API and applies
 the vendor's retry discipline transparently: backoff with jitter on 5xx and
 connection failures, waiting out 429 and Retry-After, never blindly
 retrying a POST that may have been applied, and a journal of every give-up.
 .
 This package runs it as a systemd service (retryd.service, not enabled on
 installation) as the retryd system user.
CONTROL

deb=$outdir/retryd_${version}_amd64.deb
find "$root" -exec touch --no-dereference --date="@$SOURCE_DATE_EPOCH" {} +
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >&2
echo "$deb"
