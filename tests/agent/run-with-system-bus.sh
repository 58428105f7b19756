#!/bin/sh
# Runs a test program with a private D-Bus daemon standing in for the
# system bus, so that a test can play logind (PrepareForSleep) without
# touching the machine's real system bus.
set -eu

if [ $# -lt 1 ]; then
  echo "usage: $0 TEST-PROGRAM [ARG…]" >&2
  exit 2
fi

exec dbus-run-session -- sh -c 'DBUS_SYSTEM_BUS_ADDRESS="$DBUS_SESSION_BUS_ADDRESS" exec "$@"' sh "$@"
