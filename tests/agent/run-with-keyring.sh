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

# libsecret 0.20.5 (Debian 12) never frees the D-Bus reply of
# secret_password_store(): one GVariant per call, parsed on GDBus's worker
# thread. Add that one stack to the suppressions of sanitizer builds; the
# test's own objects are still checked.
if [ -n "${LSAN_OPTIONS:-}" ]; then
  supp=$(printf '%s\n' "$LSAN_OPTIONS" | sed -n 's/.*suppressions=\([^:]*\).*/\1/p')
  { if [ -n "$supp" ] && [ -r "$supp" ]; then cat "$supp"; fi
    echo "leak:g_dbus_message_new_from_blob"; } > "$T/lsan.supp"
  LSAN_OPTIONS="$(printf '%s\n' "$LSAN_OPTIONS" | sed 's/suppressions=[^:]*//'):suppressions=$T/lsan.supp"
  export LSAN_OPTIONS
fi

# Not exec: the trap above removes the directory when the session ends.
dbus-run-session -- sh -c 'echo -n test | gnome-keyring-daemon --unlock --components=secrets >/dev/null 2>&1 && exec "$@"' sh "$@"
