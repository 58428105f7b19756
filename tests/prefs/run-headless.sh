#!/bin/sh
# Runs a widget test on a private X server (Xvfb) inside a private D-Bus
# session, in a fresh home directory, in the C locale, with GTK's software
# renderer: nothing of the real desktop is read or changed
# (/work/shared/TESTING.md).
set -eu

fresh_home_prefix=frontdesk-ui
. "$(dirname "$0")/../common/fresh-home.sh"
export GSETTINGS_BACKEND=memory GSK_RENDERER=cairo \
       LC_ALL=C.UTF-8 LANGUAGE=C
unset DISPLAY WAYLAND_DISPLAY

# Sanitizer builds: LSAN_OPTIONS names tests/lsan.supp, which holds every
# suppression (the display stack's caches included).

# The test's TAP goes to the original stdout (fd 3); the session bus and
# the services it starts (the accessibility registry prints a line) write
# to stderr. Not exec: the trap above removes the directory at the end.
dbus-run-session -- sh -c 'exec "$@" 1>&3 3>&-' sh \
  xvfb-run -a -s '-screen 0 1280x800x24 -nolisten tcp' "$@" 3>&1 1>&2
