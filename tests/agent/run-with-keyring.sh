#!/bin/sh
# Runs a test program inside a private D-Bus session with an unlocked
# gnome-keyring (the Secret Service), in a fresh home directory, so that no
# test touches the real keyring (docs/app.md, /work/shared/TESTING.md).
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 TEST-PROGRAM [ARG…]" >&2
  exit 2
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-keyring.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/data" "$T/config" "$T/cache" "$T/run"
chmod 700 "$T/run"
export HOME="$T" XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" \
       XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run"

# Sanitizer builds: LSAN_OPTIONS names tests/lsan.supp, which holds every
# suppression (libsecret's D-Bus replies included).

# Not exec: the trap above removes the directory when the session ends.
dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 && exec "$@"' sh "$@"
