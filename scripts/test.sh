#!/usr/bin/env bash
# Sets up what is missing, then runs every check CI runs: formatting, lints, and all tests.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for test
# shellcheck disable=SC1091
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"

step() { printf '\n==> %s\n' "$*"; }

step "cargo fmt --check"
cargo fmt --all -- --check
step "cargo clippy -- -D warnings"
cargo clippy --workspace --all-targets --locked -- -D warnings
step "cargo test"
cargo test --workspace --locked
step "benchmark builds and runs (small size; figures come from 'cargo bench')"
KASANE_BENCH_HOUSEHOLDS=300 cargo bench --bench engine --locked
echo
echo "all checks passed"
