#!/usr/bin/env bash
# Sets up what is missing, then runs every check CI runs: the setup scripts' own test, formatting,
# lints, every test of the engine and the desktop app (command tests, generated-types check, UI
# unit tests and type check, end to end in the real window under Xvfb) and a smoke run of each
# benchmark. Each artefact is built once: one `cargo test` build makes the test binaries, the
# `kasane` command, the app and the benchmark binaries; the end-to-end tests drive those.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for test
scripts/setup-desktop.sh --for test
# shellcheck disable=SC1091
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"
[[ -x .tools/node/bin/node ]] && PATH="$PWD/.tools/node/bin:$PATH"

step() { printf '\n==> %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }
started=$SECONDS

step "setup scripts install system packages by name"
scripts/tests/packages.sh

step "cargo fmt --check"
cargo fmt --all -- --check

# The desktop binary embeds the built UI (feature custom-protocol). Every cargo step below uses
# the same packages and features, so clippy's check and the test build are the only two passes.
step "UI build (embedded in the app)"
(cd ui && npm run --silent build)
features=(--workspace --locked --features kasane-desktop/custom-protocol)

step "cargo clippy -- -D warnings"
cargo clippy "${features[@]}" --all-targets -- -D warnings

# --all-targets: the library, the kasane command, the app, the examples and the benchmarks,
# built once in the test profile. In a debug build each benchmark is a small smoke run that
# proves it builds and runs; the figures come from `cargo bench`.
step "cargo test (engine, CLI, desktop commands, generated TS types, benchmark smoke runs)"
cargo test "${features[@]}" --all-targets

step "desktop: UI checks, end to end in the real window"
scripts/test-desktop.sh --after-workspace-checks

echo
echo "all checks passed in $(((SECONDS - started) / 60)) min $(((SECONDS - started) % 60)) s"
