#!/usr/bin/env bash
# Builds the desktop app and opens it. With a folder argument (or KASANE_VAULT set), the app
# starts on that vault's unlock screen; otherwise on the last or default vault, or first run.
# Usage: scripts/run-desktop.sh [VAULT_DIR]     (KASANE_RELEASE=1 for an optimised build)
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup-desktop.sh --for run
# shellcheck disable=SC1091
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"
[[ -x .tools/node/bin/node ]] && PATH="$PWD/.tools/node/bin:$PATH"

if [[ -z "${DISPLAY:-}" && -z "${WAYLAND_DISPLAY:-}" ]]; then
  echo "run-desktop: no display (DISPLAY or WAYLAND_DISPLAY); run it from a desktop session" >&2
  exit 1
fi

target="${CARGO_TARGET_DIR:-$PWD/target}"
profile=debug
flags=()
if [[ "${KASANE_RELEASE:-}" == "1" ]]; then
  profile=release
  flags=(--release)
fi
(cd ui && npm run --silent build)
cargo build --workspace --locked --features kasane-desktop/custom-protocol --bins "${flags[@]}"

if [[ -n "${1:-}" ]]; then
  export KASANE_VAULT
  KASANE_VAULT="$(cd "$1" && pwd)"
fi
exec "$target/$profile/kasane-desktop"
