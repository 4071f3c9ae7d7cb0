#!/usr/bin/env bash
# Runs the cargo-fuzz targets in fuzz/ for a short time each.
#
# Usage: scripts/fuzz.sh [TARGET...]
#
#   With no TARGET, runs every target listed by `cargo fuzz list`, one after the other.
#
# Environment:
#   FUZZ_SECONDS    time budget per target, in seconds (default 30)
#   FUZZ_SANITIZER  address (default) or none; `none` is used anyway if the AddressSanitizer
#                   build fails
#   FUZZ_ARGS       extra libFuzzer flags, e.g. "-max_len=16384"
#
# Works on the stable toolchain: RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags
# cargo-fuzz passes (sanitizer, coverage instrumentation). Installs cargo-fuzz if missing.
#
# Stops at the first crash, prints where the input was saved and how to reproduce it,
# and exits 1. Otherwise prints one line per target (runs, time) and exits 0.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
fuzz_dir="$root/fuzz"
seconds="${FUZZ_SECONDS:-30}"
sanitizer="${FUZZ_SANITIZER:-address}"
read -r -a extra_args <<<"${FUZZ_ARGS:-}"

case "${1:-}" in
-h | --help)
    sed -n '2,18p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'
    exit 0
    ;;
esac
if ! [[ "$seconds" =~ ^[1-9][0-9]*$ ]]; then
    echo "fuzz.sh: FUZZ_SECONDS must be a positive whole number of seconds, not '$seconds'" >&2
    exit 2
fi

export RUSTC_BOOTSTRAP=1
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "==> cargo-fuzz is missing: cargo install cargo-fuzz --locked"
    cargo install cargo-fuzz --locked
fi

cd "$fuzz_dir"

available="$(cargo fuzz list)"
if [ "$#" -gt 0 ]; then
    targets=("$@")
    for t in "${targets[@]}"; do
        if ! grep -qx -- "$t" <<<"$available"; then
            echo "fuzz.sh: unknown target '$t'; the targets are:" >&2
            echo "$available" >&2
            exit 2
        fi
    done
else
    mapfile -t targets <<<"$available"
fi

# One build for every target; each `cargo fuzz run` below then only relinks its binary.
echo "==> building fuzz targets (release, debug assertions, sanitizer: $sanitizer)"
if ! cargo fuzz build -O --sanitizer "$sanitizer"; then
    if [ "$sanitizer" = none ]; then
        echo "fuzz.sh: the fuzz targets do not build" >&2
        exit 2
    fi
    echo "==> the $sanitizer sanitizer build failed; building without a sanitizer"
    sanitizer=none
    cargo fuzz build -O --sanitizer none || {
        echo "fuzz.sh: the fuzz targets do not build" >&2
        exit 2
    }
fi

logs="$fuzz_dir/target/fuzz-logs"
mkdir -p "$logs"
summary=()

for t in "${targets[@]}"; do
    corpus="$fuzz_dir/corpus/$t"
    mkdir -p "$corpus"
    if [ -d "$fuzz_dir/seeds/$t" ]; then
        cp -n "$fuzz_dir/seeds/$t"/* "$corpus"/ 2>/dev/null || true
    fi
    log="$logs/$t.log"
    echo "==> fuzzing $t for ${seconds}s (log: ${log#"$root"/})"
    start=$(date +%s)
    status=0
    nice cargo fuzz run -O --sanitizer "$sanitizer" "$t" -- \
        -max_total_time="$seconds" -timeout=10 -print_final_stats=1 \
        "${extra_args[@]}" >"$log" 2>&1 || status=$?
    elapsed=$(($(date +%s) - start))

    if [ "$status" -ne 0 ]; then
        echo
        echo "!!! fuzz target '$t' FAILED (exit $status) after ${elapsed}s"
        if grep -qE 'panicked at|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' "$log"; then
            grep -m 1 -A 6 -E 'panicked at|ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' "$log"
        else
            tail -n 40 "$log"
        fi
        echo "--- full log: ${log#"$root"/}"
        artifact="$(grep -oE 'artifacts/[^ /]+/(crash|timeout|oom|leak|slow-unit)-[0-9a-f]+' "$log" | tail -n 1 || true)"
        if [ -n "$artifact" ]; then
            echo "Crashing input: fuzz/$artifact"
            echo "Reproduce:      (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz run -O --sanitizer $sanitizer $t $artifact)"
            echo "Minimise:       (cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz tmin -O --sanitizer $sanitizer $t $artifact)"
        fi
        exit 1
    fi

    runs="$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -n 1)"
    fuzzed="$(grep -o '^Done [0-9]* runs in [0-9]* second' "$log" | grep -o '[0-9]* second' | grep -o '[0-9]*' | tail -n 1)"
    corpus_size="$(find "$corpus" -type f | wc -l)"
    summary+=("$(printf '%-16s %10s %8ss %8ss %8s' "$t" "${runs:-?}" "${fuzzed:-?}" "$elapsed" "$corpus_size")")
done

echo
echo "==> no crash (sanitizer: $sanitizer, budget: ${seconds}s per target)"
printf '%-16s %10s %9s %9s %8s\n' target runs fuzzing wall corpus
printf '%s\n' "${summary[@]}"
