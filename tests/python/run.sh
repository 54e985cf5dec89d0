#!/usr/bin/env bash
# Builds and tests the Python package `crm` (crm-py) the way a user gets it:
#   1. a virtual environment of its own (build/py-venv, or $CRM_PY_VENV);
#   2. `pip install ./crm-py` (maturin is fetched by pip as the build backend);
#   3. the pytest suite of tests/python (pandas is installed too, when PyPI
#      has it for this Python, so that Table.to_pandas() is tested; crm does
#      not need it);
#   4. `python -m mypy.stubtest crm._crm`: the stubs match the extension;
#   5. `mypy --strict` on the examples and the benchmark;
#   6. an sdist built with maturin, pip-installed into a second environment,
#      then the quickstart example run against it.
# Usage: bash tests/python/run.sh        (from anywhere)
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$ROOT"

PYTHON="${PYTHON:-python3}"
VENV="${CRM_PY_VENV:-$ROOT/build/py-venv}"
SDIST_VENV="$ROOT/build/py-sdist-venv"
SDIST_DIR="$ROOT/build/py-sdist"

step() { printf '\n--> %s\n' "$*"; }

step "virtual environment: $VENV"
if [ ! -x "$VENV/bin/python" ]; then
    "$PYTHON" -m venv "$VENV"
fi
PY="$VENV/bin/python"
"$PY" -m pip install --quiet --disable-pip-version-check \
    pytest mypy typing_extensions "maturin>=1.16,<2"
# Optional: the tests of to_pandas() are skipped without it.
"$PY" -m pip install --quiet --disable-pip-version-check pandas \
    || echo "pandas is not installable here: the to_pandas() tests will be skipped"

step "pip install ./crm-py"
"$PY" -m pip install --quiet --disable-pip-version-check --force-reinstall ./crm-py

step "pytest tests/python"
# Run from outside crm-py/python so that the installed package is tested.
"$PY" -m pytest -q -p no:cacheprovider tests/python

step "stubtest crm._crm"
(cd "$ROOT/build" && "$PY" -m mypy.stubtest crm._crm)

step "mypy --strict on the examples and the benchmark"
"$PY" -m mypy --strict --no-incremental crm-py/examples crm-py/bench

step "sdist: build with maturin, pip install it into a fresh environment"
rm -rf "$SDIST_DIR" "$SDIST_VENV"
"$VENV/bin/maturin" sdist --manifest-path crm-py/Cargo.toml --out "$SDIST_DIR" >/dev/null
"$PYTHON" -m venv "$SDIST_VENV"
# A target directory of its own, kept between runs, so that the sdist build
# does not start from nothing every time. The sdist's files carry a fixed
# old mtime, so cargo would take the workspace crates of the last run as
# fresh: they are cleaned, the dependencies are kept. No pip cache either:
# pip would reuse the wheel it built from an sdist of the same name and
# version last time.
cargo clean --quiet --release --target-dir "$ROOT/target/py-sdist" -p crm-py -p crm-core
CARGO_TARGET_DIR="$ROOT/target/py-sdist" \
    "$SDIST_VENV/bin/python" -m pip install --quiet --disable-pip-version-check --no-cache-dir \
    "$SDIST_DIR"/crm-*.tar.gz
(cd "$SDIST_DIR" && "$SDIST_VENV/bin/python" "$ROOT/crm-py/examples/quickstart.py" >/dev/null)
echo "sdist installs and runs the quickstart"

step "Python: all passed"
