#!/usr/bin/env bash
# Runs every cargo-fuzz target of the logistics adapters for a bounded time and fails on any
# crash. Usage: run-bounded.sh [seconds-per-target]   (default 20; or FUZZ_SECONDS)
# Needs the nightly toolchain and cargo-fuzz (installed from crates.io when missing).
set -euo pipefail

secs="${1:-${FUZZ_SECONDS:-20}}"
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"

if ! command -v cargo-fuzz >/dev/null 2>&1; then
    cargo install cargo-fuzz --version 0.13.2 --locked
fi

# cargo-fuzz needs unstable compiler flags: use a nightly toolchain when rustup has one, else
# let the pinned stable toolchain accept them (RUSTC_BOOTSTRAP), since no other toolchain may
# be downloaded on every machine.
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=(+nightly)
else
    toolchain=()
    export RUSTC_BOOTSTRAP=1
fi

# Keep the fuzz build apart from the workspace's and from the committed seeds.
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-$here/target}"
work="${FUZZ_WORK_DIR:-$here/corpus}"

status=0
for target in $(cargo "${toolchain[@]}" fuzz list); do
    mkdir -p "$work/$target" "$here/artifacts/$target"
    log="$(mktemp)"
    echo "fuzz: $target for ${secs}s"
    # New inputs go to the work corpus; the committed seeds are read only.
    if cargo "${toolchain[@]}" fuzz run "$target" "$work/$target" "$here/seeds/$target" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -max_len=65536 \
        -artifact_prefix="$here/artifacts/$target/" >"$log" 2>&1; then
        summary="$(grep -E '^#[0-9]+.*(DONE|pulse)' "$log" | tail -n 1 || true)"
        echo "fuzz: $target ok — ${summary:-no stats}"
    else
        status=1
        echo "fuzz: $target FAILED; last lines:"
        tail -n 40 "$log"
    fi
    rm -f "$log"
done
exit "$status"
