#!/usr/bin/env bash
# Measures the desktop app on a 10,000-household demo vault (release builds, passphrase KDF
# calibrated on this PC as for a real vault): startup to unlock screen, unlock to home, household
# list first paint, search keystroke-to-result and resident memory. Prints the figures and writes
# artifacts/measurements-10k.json; screenshots go to artifacts/screenshots/10k-*.png.
# Usage: scripts/measure-desktop.sh [HOUSEHOLDS]
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-desktop.sh
# shellcheck disable=SC1091
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"

households="${1:-10000}"
target="${CARGO_TARGET_DIR:-$PWD/target}"
(cd ui && npm run --silent build)
cargo build --workspace --locked --release --features kasane-desktop/custom-protocol --bins

demo="$(mktemp -d)"
trap 'rm -rf "$demo"' EXIT
export KASANE_PASSPHRASE=kasane-measure
"$target/release/kasane" --vault "$demo/vault" init --agency 福祉総務課 --site デモPC --worker デモ担当 >/dev/null
"$target/release/kasane" --vault "$demo/vault" demo --households "$households"
(
  cd ui
  KASANE_APP="$target/release/kasane-desktop" \
    TAURI_DRIVER="$PWD/../.tools/bin/tauri-driver" \
    KASANE_E2E_DEMO_VAULT="$demo/vault" \
    KASANE_E2E_DEMO_PASSPHRASE="$KASANE_PASSPHRASE" \
    KASANE_E2E_DEMO_TAG=10k \
    xvfb-run -a -s "-screen 0 1440x960x24" npx vitest run --config vitest.e2e.config.ts e2e/demo.e2e.ts
)
