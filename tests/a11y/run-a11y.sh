#!/bin/sh
# Runs the accessibility test on a private X server (Xvfb) inside the
# keyring wrapper's private D-Bus session and fresh home. The accessibility
# bus starts by itself on that session bus, and its launcher prints to the
# bus's stdout: the test's TAP goes to the original stdout (fd 3), and
# everything the session starts writes to stderr (/work/shared/TESTING.md,
# "AT-SPI").
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 TEST-PROGRAM [ARG…]" >&2
  exit 2
fi

export LC_ALL=C.UTF-8 LANGUAGE=C
unset DISPLAY WAYLAND_DISPLAY
exec "$(dirname "$0")/../agent/run-with-keyring.sh" sh -c 'exec "$@" 1>&3 3>&-' sh \
  xvfb-run -a -s '-screen 0 1280x800x24 -nolisten tcp' "$@" 3>&1 1>&2
