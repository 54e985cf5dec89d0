#!/usr/bin/env bash
# Sets up what is missing and runs every test: Rust, C and C++, Python.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

log=$(mktemp)
trap 'rm -f "$log"' EXIT

step() { printf '\n==> %s\n' "$*"; }
run() { "$@" 2>&1 | tee -a "$log"; }

step "format"
cargo fmt --all -- --check

step "Rust: crm-core, crm-ffi, crm-cli (unit, integration and doc tests)"
run cargo test --workspace --exclude crm-py

step "Rust: benchmarks and examples build"
cargo check --workspace --exclude crm-py --benches --examples

step "C and C++: tests/c"
run bash tests/c/run.sh

step "Python: tests/python"
run bash tests/python/run.sh

# One closing line over every suite. A failing suite has stopped the script
# above with its own non-zero status; this part only counts.
sum_pairs() { sed -E 's/([0-9]+) passed, ([0-9]+) failed/\n\1 \2\n/g' | { grep -E '^[0-9]+ [0-9]+$' || true; } | awk '{p += $1; f += $2} END {print p + 0, f + 0}'; }
rust=$( (grep -E '^test result: ' "$log" || true) | sed -E 's/.* ([0-9]+) passed; ([0-9]+) failed.*/\1 \2/' |
    awk '{p += $1; f += $2} END {print p + 0, f + 0}')
c=$( (grep -E '^c: ' "$log" || true) | tail -n 1 | sum_pairs)
cpp=$( (grep -E '^example: ' "$log" || true) | tail -n 1 | sum_pairs)
py=$( (grep -E '^[0-9]+ passed' "$log" || true) | tail -n 1 | sed -E 's/^([0-9]+) passed.*/\1/')
read -r rp rf <<<"$rust"
read -r cp cf <<<"$c"
read -r xp xf <<<"$cpp"
py=${py:-0}
printf '\nRust %s passed; C %s passed; C++ %s passed; Python %s passed\n' "$rp" "$cp" "$xp" "$py"
echo "all: $((rp + cp + xp + py)) passed, $((rf + cf + xf)) failed"
