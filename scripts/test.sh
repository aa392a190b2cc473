#!/usr/bin/env bash
# The one test command (README.md, .ci/run): installs what the tests need on a fresh
# machine, then runs every check and test of the workspace.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "error: cargo not found; install Rust with rustup (https://rustup.rs)" >&2
  exit 2
fi
# clippy and rustfmt ship as rustup components; make sure both are there.
if command -v rustup >/dev/null 2>&1; then
  rustup component add clippy rustfmt >/dev/null 2>&1 || true
fi
# The pipeline_ex corpus and DSPy fixtures live in ../shared beside the checkout.
if [ ! -d ../shared/corpus/pipeline_ex ]; then
  echo "error: ../shared/corpus/pipeline_ex not found beside the checkout" >&2
  exit 2
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
echo "== cargo clippy"
cargo clippy --workspace --all-targets --locked -- -D warnings
echo "== cargo test"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
cargo test --workspace --locked --no-fail-fast 2>&1 | tee "$log"
# One closing line for the whole workspace (cargo prints one per test binary, and the last
# one is often a crate's empty doc-test run).
echo
awk '/^test result:/ { for (i = 1; i <= NF; i++) { if ($(i+1) ~ /^passed/) p += $i; if ($(i+1) ~ /^failed/) f += $i } }
     END { printf "workspace: %d passed, %d failed\n", p, f }' "$log"

# The Python side (python/): the generated DSPy programs run with the real dspy against
# the fake provider the cargo tests built. The venv is created once and kept.
echo "== python (pytest)"
if ! command -v python3 >/dev/null 2>&1; then
  echo "error: python3 not found; the DSPy back-end's tests need CPython 3.11+" >&2
  exit 2
fi
venv=.venv-python
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
fi
# pip is quick when everything pinned is already installed.
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r python/requirements.txt
cargo build --locked -p pipec-cli -p pipec-fake-provider
"$venv/bin/python" -m ruff check --no-cache python
status=0
"$venv/bin/python" -m pytest -q python/tests || status=$?
# pytest exits 5 when it collected no tests: that is a broken suite, not a pass.
if [ "$status" -eq 5 ]; then
  echo "error: pytest collected no tests" >&2
  exit 1
fi
exit "$status"
