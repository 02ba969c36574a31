#!/usr/bin/env bash
# Installs the Debian packages Village Kiosk needs (Qt runtime libraries, CJK fonts, PortAudio).
# As root it runs apt-get; otherwise it prints the exact command for you to run.
set -euo pipefail
# Qt's runtime libraries (offscreen and xcb), CJK fonts, Xvfb for the real-X11 installer test,
# PortAudio for read aloud's playback (the speech engine itself comes from a wheel), and Chromium
# to render central's HTML report in its test (tests/central/test_demand_report.py).
pkgs=(fonts-noto-cjk libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
      libglib2.0-0 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-shape0 xvfb xauth
      libportaudio2 chromium)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if ! command -v apt-get >/dev/null 2>&1; then
  echo "Not a Debian/Ubuntu system: please install the equivalents of: ${missing[*]}" >&2
  exit 0
fi
if [[ $(id -u) -eq 0 ]]; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  echo "Missing Debian packages. Please run:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
