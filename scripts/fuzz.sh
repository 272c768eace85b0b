#!/usr/bin/env bash
# Fuzzes the parsers that read untrusted input, each for a bounded time, and fails if any target
# crashes (a panic, an assertion, an overflow, a timeout or running out of memory).
#
#   scripts/fuzz.sh [SECONDS] [TARGET...]     (make fuzz; SECONDS defaults to 60 per target)
#
# The targets live in fuzz/ (cargo-fuzz, libFuzzer): snapshot_csv, csv_planner, filter,
# safeguards_update.
# cargo-fuzz needs nightly flags; on the stable toolchain RUSTC_BOOTSTRAP=1 allows them, and only
# for this script's builds (fuzz/ is outside the workspace, with its own target directory).
# Builds keep debug assertions and overflow checks on; no sanitizer, because the code under test
# forbids `unsafe`, and without one every second covers about twice the inputs.
#
# Each target grows its corpus in fuzz/corpus/TARGET, starting from the committed seeds in
# fuzz/seeds/TARGET. A crash leaves its input in fuzz/artifacts/TARGET/; reproduce it with
# `RUSTC_BOOTSTRAP=1 cargo fuzz run --fuzz-dir fuzz -s none TARGET fuzz/artifacts/TARGET/crash-...`
# and keep it as a regression test (crates/rules/tests/fuzz_regressions.rs).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/env.sh
source scripts/env.sh
export RUSTC_BOOTSTRAP=1

seconds="${1:-60}"
shift || true
if ! [[ "$seconds" =~ ^[0-9]+$ ]] || [ "$seconds" -eq 0 ]; then
    echo "usage: scripts/fuzz.sh [SECONDS] [TARGET...]" >&2
    exit 2
fi

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

if [ "$#" -gt 0 ]; then
    targets=("$@")
else
    mapfile -t targets < <(cargo fuzz list --fuzz-dir fuzz)
fi

failed=()
for target in "${targets[@]}"; do
    echo "fuzz: $target for ${seconds}s"
    corpus="fuzz/corpus/$target"
    mkdir -p "$corpus"
    # -timeout: one input taking 10 s is a hang; -rss_limit_mb: one using 2 GiB is a leak or
    # a quadratic blow-up. Both count as crashes.
    if ! cargo fuzz run --fuzz-dir fuzz -s none "$target" "$corpus" "fuzz/seeds/$target" -- \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
        -dict="fuzz/dictionaries/$target.dict" -print_final_stats=1; then
        failed+=("$target")
    fi
done

if [ "${#failed[@]}" -gt 0 ]; then
    echo "fuzz: FAILED: ${failed[*]}; the crashing inputs are in fuzz/artifacts/" >&2
    exit 1
fi
echo "fuzz: ${#targets[@]} targets ran ${seconds}s each without a crash"
