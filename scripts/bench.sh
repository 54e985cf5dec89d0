#!/usr/bin/env bash
# Runs every crm-core benchmark in release (`cargo bench -p crm-core`) and
# prints a summary table: each measured operation through the library
# ("ours") beside raw rusqlite running the same SQL ("raw"), their ratio,
# the target and whether it is met.
#
# Usage: bash scripts/bench.sh [criterion options or a name filter]
# Environment: CRM_BENCH_SCALE (default 1; e.g. 0.01 for a quick run),
#              CRM_BENCH_DATA (where the cached 1M-party base is kept;
#              default <target dir>/bench-data).
# The first full-size run builds the base (a few minutes); later runs reuse
# it while the schema version and the generator stay the same.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2 " GiB RAM"}')"
echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "scale: ${CRM_BENCH_SCALE:-1}"
echo

cargo bench -p crm-core -- "$@" 2>&1 | tee "$log"

# One row per SUMMARY|… line the benches print (fields separated by |).
table() {
    awk -F'|' -v n="$1" '
        { for (i = 2; i <= NF; i++) { cell[NR, i] = $i; w = length($i); if (w > width[i]) width[i] = w }; rows = NR; cols = NF }
        END { for (r = 1; r <= rows; r++) { line = ""; for (i = 2; i <= cols; i++) line = line sprintf("%-" width[i] + 2 "s", cell[r, i]); print line } }'
}

echo
echo "==> summary (median of alternating timed runs; ratio = ours / raw)"
{
    echo "SUMMARY|benchmark|ours|raw|ratio|target|verdict"
    grep '^SUMMARY|' "$log"
} | table

if grep -q '^QPSG|' "$log"; then
    echo
    echo "==> the raw baseline again with SQLITE_DBCONFIG_ENABLE_QPSG (no re-prepare per binding)"
    {
        echo "QPSG|benchmark|raw|raw with QPSG|gain"
        grep '^QPSG|' "$log"
    } | table
fi
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg)"
