#!/bin/sh
# Runs a test program inside a private D-Bus session with an unlocked
# gnome-keyring (the Secret Service), in a fresh home directory, so that no
# test touches the real keyring (docs/app.md, /work/shared/TESTING.md).
set -eu

fresh_home_prefix=frontdesk-keyring
. "$(dirname "$0")/../common/fresh-home.sh"

# Sanitizer builds: LSAN_OPTIONS names tests/lsan.supp, which holds every
# suppression (libsecret's D-Bus replies included).

# Not exec: the trap above removes the directory when the session ends.
dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 && exec "$@"' sh "$@"
