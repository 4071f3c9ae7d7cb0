#!/usr/bin/env bash
# How long Origine takes to build at each given git revision, and whether a build with nothing
# changed is quick. Each revision is checked out in a temporary worktree with an empty target
# dir, then timed: a cold `cargo test --no-run`, the same again with nothing changed and once
# more with PATH changed; `cargo build --release` (cold), again, and once more with PATH
# changed. The repeated builds should take seconds. Prints a table of wall times in seconds;
# cargo's output goes to a log per revision, kept only when a build fails.
#
# Usage: scripts/build-times.sh REV...   e.g. scripts/build-times.sh main HEAD
# Each revision takes two cold builds: many minutes on two cores.
set -euo pipefail

if [ $# -eq 0 ]; then
    echo "usage: $0 REV..." >&2
    exit 2
fi
repo=$(git rev-parse --show-toplevel)
work=$(mktemp -d /tmp/origine-build-times.XXXXXX)
cleanup() {
    for tree in "$work"/tree-*; do
        [ -d "$tree" ] && git -C "$repo" worktree remove --force "$tree" >/dev/null 2>&1 || true
    done
    rm -rf "$work"
}
trap cleanup EXIT

# Runs a command in the current directory, appending its output to $log; prints its wall
# time in seconds.
timed() {
    local start end
    start=$(date +%s%N)
    if ! "$@" >>"$log" 2>&1; then
        cp "$log" "/tmp/build-times-$name.log"
        echo "failed: $* (log in /tmp/build-times-$name.log)" >&2
        exit 1
    fi
    end=$(date +%s%N)
    awk -v ns=$((end - start)) 'BEGIN { printf "%.1f", ns / 1e9 }'
}

row() { printf '%-12s %10s %10s %10s %10s %10s %10s\n' "$@"; }
row rev "test cold" "test again" "test PATH" "rel cold" "rel again" "rel PATH"
for rev in "$@"; do
    commit=$(git -C "$repo" rev-parse --verify "$rev^{commit}")
    name=$(git -C "$repo" rev-parse --short "$commit")
    tree="$work/tree-$name"
    log="$work/$name.log"
    git -C "$repo" worktree add --detach "$tree" "$commit" >/dev/null 2>&1
    export CARGO_TARGET_DIR="$work/target-$name"
    cd "$tree"
    test_cold=$(timed cargo test --no-run)
    test_again=$(timed cargo test --no-run)
    test_path=$(PATH="/tmp/x:$PATH" timed cargo test --no-run)
    rel_cold=$(timed cargo build --release)
    rel_again=$(timed cargo build --release)
    rel_path=$(PATH="/tmp/x:$PATH" timed cargo build --release)
    cd "$repo"
    row "$name" "$test_cold" "$test_again" "$test_path" "$rel_cold" "$rel_again" "$rel_path"
    rm -rf "$CARGO_TARGET_DIR"
    git -C "$repo" worktree remove --force "$tree"
done
