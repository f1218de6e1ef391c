#!/usr/bin/env bash
# Runs every check of the desktop app and fails on the first failure: UI type check, UI unit
# tests (Vitest), format and lints, the command tests against real vaults and the generated-types
# check (one cargo test build, which also builds the app), then drives the real window under Xvfb
# (tauri-driver + WebKitWebDriver): first start to lock and unlock, then a demo vault made by the
# kasane command. Screenshots go to artifacts/screenshots/.
# Usage: scripts/test-desktop.sh [--after-workspace-checks]
#   scripts/test.sh passes the flag after its own fmt, clippy and cargo test of the whole
#   workspace, which built the app; nothing is run or built twice.
set -euo pipefail
cd "$(dirname "$0")/.."
workspace_checked=0
[[ "${1:-}" == "--after-workspace-checks" ]] && workspace_checked=1
scripts/setup-desktop.sh
# shellcheck disable=SC1091
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"
[[ -x .tools/node/bin/node ]] && PATH="$PWD/.tools/node/bin:$PATH"

target="${CARGO_TARGET_DIR:-$PWD/target}"
step() { printf '\n==> %s (%s)\n' "$*" "$(date +%H:%M:%S)"; }

# The app binary embeds ui/dist (feature custom-protocol), so the UI is built before any cargo
# step that compiles it.
if ((!workspace_checked)); then
  step "UI build"
  (cd ui && npm run --silent build)
fi

step "UI type check (svelte-check, tsc for the end-to-end tests)"
(cd ui && npm run --silent check && npx tsc -p e2e/tsconfig.json)

step "UI unit tests (Vitest)"
(cd ui && npm test --silent)

if ((!workspace_checked)); then
  step "src-tauri: cargo fmt --check, clippy -D warnings"
  cargo fmt -p kasane-desktop -- --check
  cargo clippy --workspace --locked --all-targets --features kasane-desktop/custom-protocol -- -D warnings

  # The same packages and features as scripts/test.sh, so both reuse one build. The bindings test
  # fails when ui/src/lib/backend/types or ui/src/lib/backend/commands.gen.ts is stale.
  step "command tests (real SQLCipher vaults), generated TypeScript types, app build"
  cargo test --workspace --locked --all-targets --features kasane-desktop/custom-protocol
fi
# `cargo test --all-targets` builds examples only as test harnesses; the fixture is needed as a
# plain program. `cargo build --all-targets` resolves features exactly as the test build did
# (dev-dependencies included), so only the example itself is compiled; `--example` alone would
# resolve them differently and rebuild the tauri crates.
step "exchange fixture (example program)"
cargo build --workspace --locked --features kasane-desktop/custom-protocol --all-targets
for built in "$target/debug/kasane-desktop" "$target/debug/kasane" "$target/debug/examples/exchange_fixture" \
  "$target/debug/examples/xlsx_dump"; do
  if [[ ! -x "$built" ]]; then
    echo "test-desktop: $built was not built; the cargo steps above build it" >&2
    exit 1
  fi
done

step "end-to-end in the real window (Xvfb, tauri-driver, WebKitWebDriver)"
rm -rf artifacts/screenshots
demo="$(mktemp -d)"
trap 'rm -rf "$demo"' EXIT
KASANE_PASSPHRASE=kasane-e2e-demo "$target/debug/kasane" --vault "$demo/vault" init \
  --agency 福祉総務課 --site デモPC --worker デモ担当 >/dev/null
KASANE_PASSPHRASE=kasane-e2e-demo "$target/debug/kasane" --vault "$demo/vault" demo --households 300 >/dev/null
# An empty vault of the same agency, for the walk of one case from 相談受付 to 終結.
KASANE_PASSPHRASE=kasane-e2e-demo "$target/debug/kasane" --vault "$demo/cycle" init \
  --agency 福祉総務課 --site デモPC --worker デモ担当 >/dev/null
# Two agencies that already exchange, with a bundle waiting that makes conflicts: for the
# exchange and conflicts screens' own test.
"$target/debug/examples/exchange_fixture" "$demo/exchange" > "$demo/exchange.json"
(
  cd ui
  KASANE_APP="$target/debug/kasane-desktop" \
    TAURI_DRIVER="$PWD/../.tools/bin/tauri-driver" \
    KASANE_E2E_DEMO_VAULT="$demo/vault" \
    KASANE_E2E_CYCLE_VAULT="$demo/cycle" \
    KASANE_E2E_DEMO_PASSPHRASE=kasane-e2e-demo \
    KASANE_E2E_DEMO_TAG=demo \
    KASANE_E2E_EXCHANGE_FIXTURE="$demo/exchange.json" \
    KASANE_XLSX_DUMP="$target/debug/examples/xlsx_dump" \
    xvfb-run -a -s "-screen 0 1440x960x24" npm run --silent e2e
)
echo
echo "desktop checks passed; screenshots in artifacts/screenshots/"
