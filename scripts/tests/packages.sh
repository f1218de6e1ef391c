#!/usr/bin/env bash
# Checks that the project's scripts install system packages by name only, never as name=version:
# an exact Debian version stops installing at the next security update of a sibling package. Then,
# where apt is present, asks apt (without installing anything) whether this machine's release can
# install the whole list as the setup scripts would. Run by scripts/test.sh.
set -euo pipefail
cd "$(dirname "$0")/../.."

fail=0
# shellcheck source=scripts/lib/packages.sh
source scripts/lib/packages.sh
all=("${KASANE_BUILD_PACKAGES[@]}" "${KASANE_DESKTOP_PACKAGES[@]}" "${KASANE_E2E_PACKAGES[@]}" "${KASANE_TEST_PACKAGES[@]}")

for pkg in "${all[@]}"; do
  # A Debian package name: lowercase letters, digits, + - . — nothing that selects a version,
  # a release (/bookworm) or an architecture (:amd64).
  if [[ ! "$pkg" =~ ^[a-z0-9][a-z0-9+.-]+$ ]]; then
    echo "packages: '$pkg' in scripts/lib/packages.sh is not a bare package name" >&2
    fail=1
  fi
done

# No script may pass apt a pinned spec of its own either: look at every apt-get/apt install line
# and at any double-quoted name=version word in scripts/ (the Node and tauri-driver pins are registry
# versions held in plain variables, which this does not match).
while IFS= read -r hit; do
  echo "packages: a pinned apt spec in $hit" >&2
  fail=1
done < <(grep -rnE --include='*.sh' 'apt(-get)? +install[^#]*[a-z0-9][a-z0-9+.-]*=[0-9]' scripts | grep -v '^scripts/tests/packages.sh:')
while IFS= read -r hit; do
  echo "packages: a quoted name=version word (looks like an apt pin) in $hit" >&2
  fail=1
done < <(grep -rnE --include='*.sh' '"[a-z0-9][a-z0-9+.-]*=[0-9][^"]*"' scripts | grep -v '^scripts/tests/packages.sh:')

# The scripts must install through the shared list, so the check above covers what they install.
for script in scripts/setup.sh scripts/setup-desktop.sh; do
  if ! grep -q 'kasane_install_packages' "$script"; then
    echo "packages: $script does not install through scripts/lib/packages.sh" >&2
    fail=1
  fi
done

if command -v apt-get >/dev/null 2>&1 && [[ -d /var/lib/apt/lists ]] && compgen -G '/var/lib/apt/lists/*Packages*' >/dev/null; then
  if ! out="$(apt-get install -s --no-install-recommends "${all[@]}" 2>&1)"; then
    echo "packages: this release cannot install the list (apt-get install -s):" >&2
    echo "$out" | tail -n 20 >&2
    fail=1
  else
    echo "packages: apt-get install -s accepts all ${#all[@]} packages ($(echo "$out" | grep -c '^Inst' || true) to install here)"
  fi
else
  echo "packages: no apt package lists on this machine; skipped the apt-get install -s check"
fi

((fail == 0)) || exit 1
echo "packages: every system package is installed by name from the machine's release"
