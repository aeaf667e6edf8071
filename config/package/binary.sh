# shellcheck shell=bash
# Sourced by deb.sh and image.sh: the binary both ship.
# shellcheck disable=SC2034  # binary is read by the scripts that source this one
#
#   package_binary REPO      # sets `binary`: $RETRYD_BINARY when given, else a release build with the Swift runtime
#                            # linked in (--static-swift-stdlib, scratch path REPO/.build-release-static)
package_binary() {
    local repo=$1
    if [[ -n ${RETRYD_BINARY:-} ]]; then
        binary=$RETRYD_BINARY
        return
    fi
    local scratch=$repo/.build-release-static
    (cd "$repo" && swift build -c release --static-swift-stdlib --scratch-path "$scratch" >&2)
    binary=$(cd "$repo" && swift build -c release --static-swift-stdlib --scratch-path "$scratch" --show-bin-path)/retryd
}
