#!/bin/sh
# Runs an alerts test inside a private D-Bus session with a mock
# notification server (python3-dbusmock's notification_daemon template), in
# a fresh home directory, so that no test touches the real desktop
# (/work/shared/TESTING.md, "Desktop notifications").
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 TEST-PROGRAM [ARG…]" >&2
  exit 2
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/frontdesk-alerts.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/data" "$T/config" "$T/cache" "$T/run"
chmod 700 "$T/run"
export HOME="$T" XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" \
       XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run"
# GStreamer's plugin registry is kept in the build directory between runs:
# scanning every plugin again each time costs seconds.
if [ -n "${G_TEST_BUILDDIR:-}" ]; then
  export GST_REGISTRY_1_0="$G_TEST_BUILDDIR/alerts/gst-registry.bin"
fi

# The sanitizers must not follow the mock server (a Python interpreter).
dbus-run-session -- sh -c '
  env -u LD_PRELOAD -u ASAN_OPTIONS -u LSAN_OPTIONS -u UBSAN_OPTIONS \
    /usr/bin/python3 -m dbusmock --template notification_daemon >"$0/dbusmock.log" 2>&1 &
  mock=$!
  gdbus wait --session --timeout 10 org.freedesktop.Notifications
  status=0
  "$@" || status=$?
  kill "$mock" 2>/dev/null || true
  wait "$mock" 2>/dev/null || true
  exit $status' "$T" "$@"
