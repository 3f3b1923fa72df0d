#!/usr/bin/env bash
# The release binary, built so that the same source gives the same bytes wherever and whenever it
# is built: anyone can rebuild a downloaded gsl-vault from its commit and compare the SHA-256.
#
#   scripts/reproducible-build.sh            build from this checkout into
#                                            target/reproducible/release/gsl-vault; print its SHA-256
#   scripts/reproducible-build.sh --check    build twice (this checkout, and a fresh clone of the
#                                            same commit in another folder, later), and fail
#                                            unless the two files are byte-identical
#
# What would differ between two builds, and what this does about it:
# - absolute paths (the source folder, the target folder, the cargo registry) end up in panic
#   locations and debug info: each is remapped to a fixed name (--remap-path-prefix);
# - time: nothing in the build reads the clock (build.rs records only the commit);
#   SOURCE_DATE_EPOCH is set to the commit's time for any tool that would;
# - dependencies: --locked, the versions in Cargo.lock, nothing else;
# - the toolchain: the same rustc version is needed (rust-version in Cargo.toml; `rustc -V`
#   is printed with the result).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
cargo_home=${CARGO_HOME:-$HOME/.cargo}

# build SOURCE_DIR TARGET_DIR: the release binary of SOURCE_DIR, in TARGET_DIR/release.
build() {
    local src=$1 target=$2 sep=$'\x1f'
    local flags="--remap-path-prefix=$src=/build/gsl-vault"
    flags+="$sep--remap-path-prefix=$target=/build/target"
    flags+="$sep--remap-path-prefix=$cargo_home=/build/cargo"
    (
        cd "$src"
        SOURCE_DATE_EPOCH=$(git log -1 --format=%ct 2>/dev/null || echo 0)
        export SOURCE_DATE_EPOCH
        unset RUSTFLAGS
        CARGO_ENCODED_RUSTFLAGS="$flags" CARGO_TARGET_DIR="$target" \
            cargo build --release --locked --bin gsl-vault --quiet
    )
}

sha() { sha256sum "$1" | cut -d' ' -f1; }

case "${1:-}" in
"")
    if [ -n "$(git -C "$root" status --porcelain --untracked-files=no -- . ':!fuzz' 2>/dev/null)" ]; then
        echo "reproducible-build: warning: the checkout has uncommitted changes: this binary is not what commit $(git -C "$root" rev-parse --short HEAD) makes, though it names it" >&2
    fi
    build "$root" "$root/target/reproducible"
    bin="$root/target/reproducible/release/gsl-vault"
    echo "$(sha "$bin")  target/reproducible/release/gsl-vault"
    echo "built from $(git -C "$root" rev-parse HEAD 2>/dev/null || echo 'a folder with no git history') with $(rustc -V) on $(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME") $(uname -m)"
    ;;
--check)
    if [ -n "$(git -C "$root" status --porcelain --untracked-files=no -- . ':!fuzz')" ]; then
        echo "reproducible-build: the checkout has uncommitted changes; commit them first (the second build is a clone of HEAD)" >&2
        exit 2
    fi
    other=$(mktemp -d)
    trap 'rm -rf "$other"' EXIT
    build "$root" "$root/target/reproducible"
    if [ -n "$(git -C "$root" status --porcelain --untracked-files=no -- . ':!fuzz')" ]; then
        echo "reproducible-build: the checkout changed during the first build; run --check again" >&2
        exit 2
    fi
    git clone -q --no-hardlinks "$root" "$other/elsewhere/gsl-vault"
    build "$other/elsewhere/gsl-vault" "$other/target"
    a=$(sha "$root/target/reproducible/release/gsl-vault")
    b=$(sha "$other/target/release/gsl-vault")
    echo "$a  first build  ($root)"
    echo "$b  second build ($other/elsewhere/gsl-vault)"
    if [ "$a" != "$b" ]; then
        echo "reproducible-build: the two builds differ" >&2
        exit 1
    fi
    echo "reproducible: both builds of $(git -C "$root" rev-parse HEAD) are byte-identical ($(rustc -V))"
    ;;
*)
    echo "usage: scripts/reproducible-build.sh [--check]" >&2
    exit 2
    ;;
esac
