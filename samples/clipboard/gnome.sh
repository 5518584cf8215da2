#!/bin/sh
# Registers Ctrl+Alt+R (redact) and Ctrl+Alt+U (restore) as GNOME custom shortcuts.
# Usage: sh gnome.sh [/path/to/caviar]     (keeps your other custom shortcuts)
set -eu
CAVIAR=${1:-$(command -v caviar || echo /usr/local/bin/caviar)}
BASE=/org/gnome/settings-daemon/plugins/media-keys/custom-keybindings
SCHEMA=org.gnome.settings-daemon.plugins.media-keys
KEY=org.gnome.settings-daemon.plugins.media-keys.custom-keybinding

add() {  # add <id> <name> <command> <binding>
  path="$BASE/$1/"
  existing=$(gsettings get $SCHEMA custom-keybindings)
  case $existing in
    *"'$path'"*) ;;
    "@as []"|"[]") gsettings set $SCHEMA custom-keybindings "['$path']" ;;
    *) gsettings set $SCHEMA custom-keybindings "${existing%]*}, '$path']" ;;
  esac
  gsettings set "$KEY:$path" name "$2"
  gsettings set "$KEY:$path" command "$3"
  gsettings set "$KEY:$path" binding "$4"
}

add caviar-clip "caviar: redact clipboard" "$CAVIAR clip" "<Control><Alt>r"
add caviar-restore "caviar: restore clipboard" "$CAVIAR clip --restore --clear-after 120" "<Control><Alt>u"
echo "caviar shortcuts set: Ctrl+Alt+R redact, Ctrl+Alt+U restore ($CAVIAR)"
