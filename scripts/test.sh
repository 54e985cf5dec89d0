#!/usr/bin/env bash
# Sets up what is missing and runs every test: Rust, C and Python.
# Usage: bash scripts/test.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/setup.sh

step() { printf '\n==> %s\n' "$*"; }

step "format"
cargo fmt --all -- --check

step "Rust: crm-core, crm-ffi, crm-cli (unit, integration and doc tests)"
cargo test --workspace --exclude crm-py

step "Rust: benchmarks and examples build"
cargo check --workspace --exclude crm-py --benches --examples

step "C and C++: tests/c"
bash tests/c/run.sh

step "Python: tests/python"
bash tests/python/run.sh
