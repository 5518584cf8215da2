#!/usr/bin/env bash
# Installs the system packages caviar needs to build (libpcre2-dev, pkg-config) and, with
# --test, the real tools the integration tests drive (X11/Wayland clipboards, mail clients,
# an SMTP sink, the desktop keyring that holds session keys, ripgrep for the benchmark).
# Debian/Ubuntu; run as root or with sudo.
set -euo pipefail
pkgs=(libpcre2-dev pkg-config)
if [ "${1:-}" = "--test" ]; then
  pkgs+=(xvfb xclip xsel wl-clipboard sway libnotify-bin dbus-x11 dbus dunst neomutt msmtp python3-aiosmtpd git git-email
         libmailtools-perl ripgrep python3-yaml gnome-keyring libsecret-tools)
fi
missing=()
for p in "${pkgs[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
[ ${#missing[@]} -eq 0 ] && exit 0
sudo=""
[ "$(id -u)" -ne 0 ] && sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
