#!/usr/bin/env bash
# Installs what a fresh Debian/Ubuntu machine lacks to build, run and test Kasane: system packages
# (pinned to the Debian 12 versions we test with; on other releases the release's own version is
# used, with a warning) and the Rust toolchain if there is none. Safe to run again: it only
# installs what is missing. Usage: scripts/setup.sh [--for run|test]
set -euo pipefail
cd "$(dirname "$0")/.."

purpose="${2:-test}"
[[ "${1:-}" == "--for" ]] || purpose="test"

# Debian 12 (bookworm) versions, checked 2026-11.
PINNED=(
  "build-essential=12.9"
  "pkg-config=1.8.1-1"
  "perl=5.36.0-7+deb12u3"
  "make=4.3-4.1"
  "curl=7.88.1-10+deb12u15"
)

sudo_() {
  if [[ $(id -u) -eq 0 ]]; then "$@"; else sudo "$@"; fi
}

missing=()
for spec in "${PINNED[@]}"; do
  pkg="${spec%%=*}"
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$spec")
  fi
done

if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo_ apt-get update -qq
  to_install=()
  for spec in "${missing[@]}"; do
    pkg="${spec%%=*}"
    ver="${spec#*=}"
    if apt-cache madison "$pkg" 2>/dev/null | awk '{print $3}' | grep -qxF "$ver"; then
      to_install+=("$spec")
    else
      echo "setup: warning: $pkg $ver is not offered here; installing this release's version" >&2
      to_install+=("$pkg")
    fi
  done
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${to_install[@]}"
fi

if ! command -v cargo >/dev/null 2>&1; then
  echo "setup: installing the Rust toolchain (rustup, stable)"
  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal -c clippy,rustfmt
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
