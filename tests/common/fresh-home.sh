# Sourced by the tests' wrapper scripts (tests/*/run-*.sh) with the prefix of
# the temporary directory: checks that a test program was named, makes a
# fresh home directory with its XDG directories, removes it when the script
# ends, and sets T to it. No test touches the real home
# (/work/shared/TESTING.md, "General").

if [ $# -lt 1 ]; then
  echo "usage: $0 TEST-PROGRAM [ARG…]" >&2
  exit 2
fi

T=$(mktemp -d "${TMPDIR:-/tmp}/$fresh_home_prefix.XXXXXX")
trap 'rm -rf "$T"' EXIT INT TERM
mkdir -p "$T/data" "$T/config" "$T/cache" "$T/run"
chmod 700 "$T/run"
export HOME="$T" XDG_DATA_HOME="$T/data" XDG_CONFIG_HOME="$T/config" \
       XDG_CACHE_HOME="$T/cache" XDG_RUNTIME_DIR="$T/run"
