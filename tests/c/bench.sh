#!/usr/bin/env bash
# Get-by-id through the C interface against the same loop in Rust over
# crm-core, on the same base, in release mode; prints both and the ratios.
# Usage: bash tests/c/bench.sh [parties] [iterations]
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$(pwd)
PARTIES=${1:-1000}
ITERATIONS=${2:-100000}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
case "$TARGET_DIR" in /*) ;; *) TARGET_DIR=$ROOT/$TARGET_DIR ;; esac
BUILD=$TARGET_DIR/c/release
mkdir -p "$BUILD"
SCRATCH=$(mktemp -d)
trap 'rm -rf "$SCRATCH"' EXIT
DB=$SCRATCH/bench.db

cargo build -p crm-ffi --release
cargo bench -p crm-ffi --bench get_by_id --no-run
${CC:-cc} -std=c11 -O2 -Wall -Wextra -Werror -I include tests/c/bench_get.c -o "$BUILD/bench_get" \
    "$TARGET_DIR/release/libcrm.a" -lpthread -ldl -lm

echo "base: $PARTIES parties; $ITERATIONS gets per loop, best of 5 rounds"
"$BUILD/bench_get" "$DB" "$PARTIES" "$ITERATIONS" 2>/dev/null | tee "$SCRATCH/c.txt"
cargo bench -q -p crm-ffi --bench get_by_id -- "$DB" "$PARTIES" "$ITERATIONS" | tee "$SCRATCH/rust.txt"

cat "$SCRATCH/c.txt" "$SCRATCH/rust.txt" | awk '
    { ns[$1] = $2 }
    END {
        printf "\n%-44s %10s\n", "loop", "ns/get"
        printf "%-44s %10.0f\n", "Rust  crm.get_party(id)", ns["rust_get"]
        printf "%-44s %10.0f\n", "Rust  get_party + serde_json::to_string", ns["rust_get_json"]
        printf "%-44s %10.0f\n", "C     crm_party_display_name (typed)", ns["c_typed_get"]
        printf "%-44s %10.0f\n", "C     crm_party_get (JSON)", ns["c_json_get"]
        printf "\nratio typed C / Rust get:          %.2fx\n", ns["c_typed_get"] / ns["rust_get"]
        printf "ratio JSON C  / Rust get:          %.2fx\n", ns["c_json_get"] / ns["rust_get"]
        printf "ratio JSON C  / Rust get + JSON:   %.2fx\n", ns["c_json_get"] / ns["rust_get_json"]
    }'
