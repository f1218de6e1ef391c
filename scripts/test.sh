#!/usr/bin/env bash
# Sets up what is missing, then runs every check CI runs: formatting, lints, every test of the
# engine and the desktop app (command tests, UI unit tests, the generated-types check, end to end
# in the real window under Xvfb) and a small run of the benchmarks.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --for test
scripts/setup-desktop.sh --for test
# shellcheck disable=SC1091
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"
[[ -x .tools/node/bin/node ]] && PATH="$PWD/.tools/node/bin:$PATH"

step() { printf '\n==> %s\n' "$*"; }
started=$SECONDS

step "cargo fmt --check"
cargo fmt --all -- --check

# The desktop binary embeds the built UI (feature custom-protocol). Every cargo step below uses
# the same features, so the app build at the end reuses what the tests compiled.
step "UI build (embedded in the app)"
(cd ui && npm run --silent build)
features=(--features kasane-desktop/custom-protocol)

step "cargo clippy -- -D warnings"
cargo clippy --workspace --all-targets --locked "${features[@]}" -- -D warnings
step "cargo test (engine, CLI, desktop commands)"
cargo test --workspace --locked "${features[@]}"
step "benchmarks build and run (small size; figures come from 'cargo bench')"
KASANE_BENCH_HOUSEHOLDS=300 cargo bench --bench engine --locked
KASANE_BENCH_HOUSEHOLDS=300 cargo bench --bench exchange --locked

step "desktop: UI checks, generated types, end to end in the real window"
scripts/test-desktop.sh --after-workspace-checks

echo
echo "all checks passed in $(((SECONDS - started) / 60)) min"
