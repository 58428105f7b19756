#!/bin/sh
# Runs the accessibility test on a private X server (Xvfb) inside a private
# D-Bus session with an unlocked gnome-keyring, in a fresh home directory.
# The accessibility bus starts by itself on the session bus; its launcher
# prints to the bus's stdout, so the test's TAP goes to the original stdout
# (fd 3) and everything the session starts writes to stderr
# (/work/shared/TESTING.md, "AT-SPI").
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 TEST-PROGRAM [ARG…]" >&2
  exit 2
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-a11y.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/data" "$T/config" "$T/cache" "$T/run"
chmod 700 "$T/run"
export HOME="$T" XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" \
       XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run"
export LC_ALL=C.UTF-8 LANGUAGE=C
unset DISPLAY WAYLAND_DISPLAY

# Not exec: the trap above removes the directory when the session ends.
dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 && exec "$@" 1>&3 3>&-' sh \
  xvfb-run -a -s '-screen 0 1280x800x24 -nolisten tcp' "$@" 3>&1 1>&2
