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
# The first full-size run builds the bases (a few minutes each); later runs
# reuse them while the schema version and the generators stay the same.
#
# The CLV fit benchmark compares with the Python package `lifetimes` 0.11.3,
# installed on first use into a virtual environment under
# <target dir>/bench-venv (skipped with CRM_BENCH_NO_PYTHON=1; without it
# the benchmark measures our side only). The CSV import benchmark reports
# the peak memory of the importing process beside its rows/s.
set -euo pipefail
cd "$(dirname "$0")/.."
export CARGO_TERM_COLOR="${CARGO_TERM_COLOR:-never}"

log="$(mktemp)"
trap 'rm -f "$log"' EXIT

echo "machine: $(nproc) cores, $(lscpu | sed -n 's/^Model name: *//p'), $(free -g | awk '/^Mem:/ {print $2 " GiB RAM"}')"
echo "load before the run: $(cut -d' ' -f1-3 /proc/loadavg)"
scale="${CRM_BENCH_SCALE:-1}"
for a in "$@"; do [ "$a" = "--test" ] && scale="0.002 (--test)"; done
echo "scale: $scale"
echo

# `lifetimes` for the CLV fit benchmark (numpy, scipy, pandas, autograd).
target_dir="$(cargo metadata --format-version 1 --no-deps | sed -n 's/.*"target_directory":"\([^"]*\)".*/\1/p')"
venv="${target_dir:-target}/bench-venv"
if [ -z "${CRM_BENCH_NO_PYTHON:-}" ] && [ ! -x "$venv/bin/python" ] && command -v python3 >/dev/null; then
    echo "==> installing lifetimes 0.11.3 into $venv"
    if ! { python3 -m venv "$venv" && "$venv/bin/pip" install --quiet lifetimes==0.11.3; }; then
        echo "lifetimes 0.11.3 could not be installed; the CLV fits are measured without it"
        rm -rf "$venv"
    fi
fi
if [ -z "${CRM_BENCH_NO_PYTHON:-}" ] && [ -x "$venv/bin/python" ]; then
    export CRM_BENCH_PYTHON="${CRM_BENCH_PYTHON:-$venv/bin/python}"
fi

cargo bench -p crm-core -- "$@" 2>&1 | tee "$log"

# One row per SUMMARY|… line the benches print (fields separated by |).
table() {
    awk -F'|' '
        { for (i = 2; i <= NF; i++) { cell[NR, i] = $i; w = length($i); if (w > width[i]) width[i] = w }; rows = NR; cols = NF }
        END { for (r = 1; r <= rows; r++) { line = ""; for (i = 2; i <= cols; i++) line = line sprintf("%-" width[i] + 2 "s", cell[r, i]); print line } }'
}

echo
echo "==> summary (median of alternating timed runs; ratio = ours / raw; raw is raw rusqlite"
echo "    unless the row names another baseline; scale $scale of the sizes named in each bench)"
{
    echo "SUMMARY|benchmark|ours|raw|ratio|target|verdict|scale"
    grep '^SUMMARY|' "$log" | sed "s/\$/|$scale/"
} | table

if grep -q '^QPSG|' "$log"; then
    echo
    echo "==> the raw baseline again with SQLITE_DBCONFIG_ENABLE_QPSG (no re-prepare per binding)"
    {
        echo "QPSG|benchmark|raw|raw with QPSG|gain"
        grep '^QPSG|' "$log"
    } | table
fi
echo "load after the run: $(cut -d' ' -f1-3 /proc/loadavg) ($(uptime))"
