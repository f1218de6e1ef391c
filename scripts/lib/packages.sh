# shellcheck shell=bash
# System packages Kasane needs, by name only: the machine's release is the pin. Exact Debian
# versions break at the next security update of a sibling package (librsvg2-dev=…deb12u1 against
# gir1.2-rsvg-2.0 …deb12u2), while a release keeps its package names and their compatibility for
# its whole life. Tested on Debian 12 and Ubuntu 24.04, which use the same names. Sourced by
# scripts/setup.sh and scripts/setup-desktop.sh; checked by scripts/tests/packages.sh.

# To build the engine: a C compiler for the vendored SQLCipher and OpenSSL, perl and make for
# OpenSSL's build, curl for rustup on a machine without Rust.
KASANE_BUILD_PACKAGES=(build-essential pkg-config perl make curl ca-certificates)
# To build and open the desktop app: WebKitGTK 4.1 with GTK 3, libsoup 3 and JavaScriptCore,
# librsvg for the icons, and Japanese fonts for the window and the printed pages.
KASANE_DESKTOP_PACKAGES=(libwebkit2gtk-4.1-dev librsvg2-dev fonts-noto-cjk)
# Only the end-to-end tests need a virtual display and WebDriver.
KASANE_E2E_PACKAGES=(xvfb xauth webkit2gtk-driver)
# The tests read the open archive back with the reference age tool (the city's exit path must
# open with it, not only with the age library Kasane itself uses), and read a saved PDF form with
# poppler's tools (page size, text, the first page as a picture).
KASANE_TEST_PACKAGES=(age poppler-utils)

# The releases the package names above were checked on (ID:VERSION_ID from /etc/os-release).
KASANE_TESTED_RELEASES=("debian:12" "ubuntu:24.04")

kasane_sudo() {
  if [[ $(id -u) -eq 0 ]]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    echo "this step needs root and there is no sudo: run as root: $*" >&2
    return 1
  fi
}

# The packages among "$@" that are not installed, one per line. A package installed at any
# version counts: a newer one from a security update is exactly what we want.
kasane_missing_packages() {
  local pkg
  for pkg in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed"; then
      echo "$pkg"
    fi
  done
}

# Installs whichever of "$@" are missing, from this machine's release. $1 is the script's name
# for its messages. On a system without apt it names what is missing and stops.
kasane_install_packages() {
  local label="$1"
  shift
  local missing=()
  mapfile -t missing < <(kasane_missing_packages "$@")
  ((${#missing[@]})) || return 0

  local release="unknown" pretty="this system"
  if [[ -r /etc/os-release ]]; then
    # shellcheck disable=SC1091
    release="$(. /etc/os-release && echo "${ID:-unknown}:${VERSION_ID:-}")"
    # shellcheck disable=SC1091
    pretty="$(. /etc/os-release && echo "${PRETTY_NAME:-$release}")"
  fi
  if ! command -v apt-get >/dev/null 2>&1 || ! command -v dpkg-query >/dev/null 2>&1; then
    echo "$label: $pretty has no apt-get. Kasane's scripts set up Debian 12 and Ubuntu 24.04." >&2
    echo "$label: missing (Debian package names; install your system's equivalents, then run again):" >&2
    printf '  %s\n' "${missing[@]}" >&2
    return 1
  fi
  if [[ " ${KASANE_TESTED_RELEASES[*]} " != *" $release "* ]]; then
    echo "$label: note: tested on Debian 12 and Ubuntu 24.04; $pretty may name these packages differently" >&2
  fi
  echo "$label: installing from $pretty: ${missing[*]}"
  kasane_sudo apt-get update -qq || {
    echo "$label: 'apt-get update' failed: check the network or the apt sources, then run again" >&2
    return 1
  }
  if ! kasane_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"; then
    echo "$label: apt-get could not install: ${missing[*]}" >&2
    echo "$label: on $pretty these names may differ or need another apt source; install them by hand and run again" >&2
    return 1
  fi
}
