#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build, run and test Kasane: system packages
# by name from the machine's own release (scripts/lib/packages.sh) and the Rust toolchain if
# there is none. Safe to run again: it only installs what is missing. Usage: scripts/setup.sh [--for run|test]
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${2:-test}"
[[ "${1:-}" == "--for" ]] || purpose="test"

# shellcheck source=scripts/lib/packages.sh
source scripts/lib/packages.sh
kasane_install_packages setup "${KASANE_BUILD_PACKAGES[@]}"
[[ "$purpose" == "run" ]] || kasane_install_packages setup "${KASANE_TEST_PACKAGES[@]}"

# A toolchain rustup installed earlier is found even when this shell was started before it
# (rustup puts cargo on PATH only for new login shells).
# shellcheck disable=SC1091
[[ -f "$HOME/.cargo/env" ]] && source "$HOME/.cargo/env"
if ! command -v cargo >/dev/null 2>&1; then
  # rustup-init straight from where sh.rustup.rs sends it (static.rust-lang.org, which also serves
  # the toolchain), so a network that reaches only the Rust distribution still works.
  case "$(uname -m)" in
    x86_64) triple="x86_64-unknown-linux-gnu" ;;
    aarch64 | arm64) triple="aarch64-unknown-linux-gnu" ;;
    *)
      echo "setup: no Rust toolchain, and no rustup build for $(uname -m) here; install Rust (https://rustup.rs) and run again" >&2
      exit 1
      ;;
  esac
  echo "setup: installing the Rust toolchain (rustup, stable) for $triple"
  # rustup-init decides what it is by its file name, so it keeps that name.
  tmp="$(mktemp -d)"
  trap 'rm -rf "$tmp"' EXIT
  init="$tmp/rustup-init"
  curl --proto '=https' --tlsv1.2 -sSf -o "$init" "https://static.rust-lang.org/rustup/dist/$triple/rustup-init" || {
    echo "setup: could not download rustup-init from static.rust-lang.org; check the network, or install Rust (https://rustup.rs) and run again" >&2
    exit 1
  }
  chmod +x "$init"
  "$init" -y --no-modify-path --profile minimal -c clippy,rustfmt
  # shellcheck disable=SC1091
  source "$HOME/.cargo/env"
fi

need="1.85"
have="$(rustc --version | awk '{print $2}')"
if [[ "$(printf '%s\n%s\n' "$need" "$have" | sort -V | head -n1)" != "$need" ]]; then
  echo "setup: rustc $have is older than $need; run 'rustup update stable'" >&2
  exit 1
fi
for comp in clippy rustfmt; do
  if ! cargo "${comp/rustfmt/fmt}" --version >/dev/null 2>&1; then
    rustup component add "$comp"
  fi
done
echo "setup: ready for $purpose (rustc $have)"
