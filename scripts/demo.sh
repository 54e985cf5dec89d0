#!/usr/bin/env bash
# Builds the `crm` command and shows it on a freshly made demo base:
# several thousand persons and several hundred organizations from many
# countries, with roles, contact points, custom fields and relationships,
# and two years of sales: leads, opportunities, orders, interactions, tasks.
# Writes the HTML report beside the base.
# Usage: bash scripts/demo.sh        (from any directory)
# Environment: CRM_DEMO_DB (default target/demo.db), CRM_DEMO_SEED (2025).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
. scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "build: cargo build --release -p crm-cli"
cargo build --release -p crm-cli
crm_bin="${CARGO_TARGET_DIR:-target}/release/crm"
db="${CRM_DEMO_DB:-target/demo.db}"
seed="${CRM_DEMO_SEED:-2025}"
mkdir -p "$(dirname "$db")"
# The default base under target/ is ours to make anew (an older schema's
# base would otherwise be refused by --force, which replaces only bases it
# can read).
if [ -z "${CRM_DEMO_DB:-}" ]; then
    rm -f "$db" "$db-wal" "$db-shm"
fi
crm() {
    printf '\n$ crm %s\n' "$*"
    "$crm_bin" --db "$db" "$@"
}

step "the demo base"
crm demo --seed "$seed" --force

step "showcase"
# Latvian customers, a page of ten (the last line is the next page's cursor).
crm party list --role customer --country LV --limit 10
# Everything about one party, with its audit history: the first Latvian
# customer who is a person (its id read from the JSON output).
id="$("$crm_bin" --db "$db" --json party list --kind person --role customer --country LV --limit 1 |
    sed -n 's/^ *"id": "\([0-9a-f-]*\)".*/\1/p' | head -n 1)"
crm party show "$id" --history
# One organization's relationships (our own company's resellers), and
# everyone who works there on a given day.
crm rel list info@aurora-retail.lv --type reseller_for
crm rel members info@aurora-retail.lv --at 2025-06-30 | head -n 15
# How that customer is connected to our company.
crm rel path "$id" info@aurora-retail.lv --depth 4
# Find by the start of a name, in any script.
crm party find Иван --limit 5
crm party find "Anna B" --limit 5
# A Norwegian organization as JSON, for scripts.
crm --json party list --kind organization --country NO --limit 1 | head -n 30
# How the base is connected: the relationship types.
crm rel types

step "sales"
crm pipeline show "New business"
crm order list --limit 5
order="$("$crm_bin" --db "$db" --json order list --limit 1 |
    sed -n 's/^ *"id": "\([0-9a-f-]*\)".*/\1/p' | head -n 1)"
crm order show "$order"
customer="$("$crm_bin" --db "$db" --json order show "$order" |
    sed -n 's/^ *"party_id": "\([0-9a-f-]*\)".*/\1/p' | head -n 1)"
crm timeline "$customer" --limit 8
crm interaction search order --party "$customer" --limit 3
crm interaction search "not opened" --limit 3
crm lead list --status qualified --limit 5
crm task overdue --limit 5
crm search "anna" --role customer --limit 5
crm dedup scan --limit 5

step "reports"
crm report funnel --pipeline "New business"
crm report forecast
crm report revenue --period quarter
crm report rfm --limit 5
crm report clv --limit 5
crm report cohorts --months 6
crm report churn --limit 5
crm report recommend --party "$customer"
crm report win
html="${db%.db}-report.html"
crm report --html "$html"

printf '\nThe demo base is %s; try: %s --db %s party list --help\n' "$db" "$crm_bin" "$db"
