#!/usr/bin/env bash
# Runs every check of the desktop app and fails on the first failure: UI type check, UI unit
# tests (Vitest), the generated-types staleness check, format and lints of src-tauri, the command
# tests against real vaults, then builds the app and drives the real window under Xvfb
# (tauri-driver + WebKitWebDriver): first start to lock and unlock, then a demo vault made by the
# kasane command. Screenshots go to artifacts/screenshots/.
# Usage: scripts/test-desktop.sh [--after-workspace-checks]
#   scripts/test.sh passes the flag after it has run fmt, clippy and the tests of the whole
#   workspace (src-tauri included), so those are not run twice.
set -euo pipefail
cd "$(dirname "$0")/.."
workspace_checked=0
[[ "${1:-}" == "--after-workspace-checks" ]] && workspace_checked=1
scripts/setup-desktop.sh
# shellcheck disable=SC1091
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"
[[ -x .tools/node/bin/node ]] && PATH="$PWD/.tools/node/bin:$PATH"

target="${CARGO_TARGET_DIR:-$PWD/target}"
step() { printf '\n==> %s\n' "$*"; }

# The app binary embeds ui/dist (feature custom-protocol), so the UI is built before any cargo
# step that compiles it.
step "UI build"
(cd ui && npm run --silent build)

step "UI type check (svelte-check, tsc for the end-to-end tests)"
(cd ui && npm run --silent check && npx tsc -p e2e/tsconfig.json)

step "UI unit tests (Vitest)"
(cd ui && npm test --silent)

step "generated TypeScript types are up to date"
KASANE_WRITE_TYPES=1 cargo test -p kasane-desktop --locked --features custom-protocol --test bindings -q
if ! git diff --exit-code --stat -- ui/src/lib/backend/types; then
  echo "ui/src/lib/backend/types changed when regenerated from the Rust types: commit the regenerated files" >&2
  exit 1
fi
untracked="$(git ls-files --others --exclude-standard -- ui/src/lib/backend/types)"
if [[ -n "$untracked" ]]; then
  echo "new generated types are not committed: $untracked" >&2
  exit 1
fi

if ((!workspace_checked)); then
  step "src-tauri: cargo fmt --check, clippy -D warnings"
  cargo fmt -p kasane-desktop -- --check
  cargo clippy -p kasane-desktop --locked --all-targets --features custom-protocol -- -D warnings

  step "src-tauri command tests (real SQLCipher vaults)"
  cargo test -p kasane-desktop --locked --features custom-protocol
fi

step "build the app and the kasane command"
cargo build -p kasane-desktop --locked --features custom-protocol
cargo build -p kasane --locked --bin kasane

step "end-to-end in the real window (Xvfb, tauri-driver, WebKitWebDriver)"
rm -rf artifacts/screenshots
demo="$(mktemp -d)"
trap 'rm -rf "$demo"' EXIT
KASANE_PASSPHRASE=kasane-e2e-demo "$target/debug/kasane" --vault "$demo/vault" init \
  --agency 福祉総務課 --site デモPC --worker デモ担当 >/dev/null
KASANE_PASSPHRASE=kasane-e2e-demo "$target/debug/kasane" --vault "$demo/vault" demo --households 300 >/dev/null
# Two agencies that already exchange, with a bundle waiting that makes conflicts: for the
# exchange and conflicts screens' own test.
cargo run -q -p kasane-desktop --locked --features custom-protocol --example exchange_fixture -- "$demo/exchange" \
  > "$demo/exchange.json"
(
  cd ui
  KASANE_APP="$target/debug/kasane-desktop" \
    TAURI_DRIVER="$PWD/../.tools/bin/tauri-driver" \
    KASANE_E2E_DEMO_VAULT="$demo/vault" \
    KASANE_E2E_DEMO_PASSPHRASE=kasane-e2e-demo \
    KASANE_E2E_DEMO_TAG=demo \
    KASANE_E2E_EXCHANGE_FIXTURE="$demo/exchange.json" \
    xvfb-run -a -s "-screen 0 1440x960x24" npm run --silent e2e
)
echo
echo "desktop checks passed; screenshots in artifacts/screenshots/"
