#!/bin/sh
# Runs an alerts test inside a private D-Bus session with a mock
# notification server (python3-dbusmock's notification_daemon template), in
# a fresh home directory, so that no test touches the real desktop
# (/work/shared/TESTING.md, "Desktop notifications").
set -eu

fresh_home_prefix=frontdesk-alerts
. "$(dirname "$0")/../common/fresh-home.sh"
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
