# Shared by tools/demo and tools/test: installs what is missing, then builds.
# shellcheck shell=bash

FD_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)

# Debian 12 / Ubuntu package names. Build, server, app and test harness.
FD_PACKAGES=(
  meson ninja-build pkg-config gcc clang libclang-rt-14-dev
  libglib2.0-dev libjson-glib-dev libsoup-3.0-dev libsqlite3-dev libsodium-dev sqlite3
  libgtk-4-dev libadwaita-1-dev libsecret-1-dev
  # gtk4-encode-symbolic-svg: the status pages' icons as PNGs (src/agent/widgets);
  # it reads the theme's SVGs through gdk-pixbuf's SVG loader (only a
  # recommendation of GTK's, which --no-install-recommends leaves out).
  libgtk-4-bin librsvg2-common
  # The Email channel: GMime, libetpan (which wants libcurl's GnuTLS flavour),
  # and the real mail servers its tests run on loopback.
  libgmime-3.0-dev libetpan-dev libcurl4-gnutls-dev dovecot-imapd python3-aiosmtpd
  # The email tests' certificates (a test CA and the servers' certificates).
  openssl
  # HTML-only mail becomes text through libxml2's HTML parser (fd-mail-text.c).
  libxml2-dev
  # What any GNOME desktop has: gtk_init then loads GTK's media module, so
  # the sanitizer tests see what a developer's desktop sees (tests/lsan.supp).
  libgtk-4-media-gstreamer
  libgstreamer1.0-dev gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  xvfb xauth dbus dbus-x11 gnome-keyring python3-dbusmock
  # The accessibility test walks the app over AT-SPI (tests/a11y).
  python3-pyatspi
  desktop-file-utils appstream gettext curl ca-certificates
  chromium fonts-noto-color-emoji
)

fd_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

fd_install_deps() {
  local missing=() pkg extra=()
  # The browser tests need node and npm; a machine that has them from
  # elsewhere (e.g. /usr/local) keeps its own.
  command -v node >/dev/null && command -v npm >/dev/null || extra=(nodejs npm)
  for pkg in "${FD_PACKAGES[@]}" "${extra[@]}" "$@"; do
    if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
      missing+=("$pkg")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    echo "Installing: ${missing[*]}"
    fd_sudo env DEBIAN_FRONTEND=noninteractive apt-get update -qq
    fd_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  fi
}

# build-fuzz: clang with libFuzzer (tests/fuzz/meson.build), configured once.
fd_setup_fuzz() {
  [ -f "$FD_ROOT/build-fuzz/build.ninja" ] ||
    CC=clang meson setup "$FD_ROOT/build-fuzz" "$FD_ROOT" -Dfuzzing=enabled
}

# The names of the registered fuzz targets (the tests of suite 'fuzz' in
# build-fuzz), one a line: "frame", "site-import", …
fd_fuzz_targets() {
  meson introspect --tests "$FD_ROOT/build-fuzz" | python3 -c '
import json, sys
for test in json.load(sys.stdin):
    if any(s.split(":")[-1] == "fuzz" for s in test["suite"]) and test["name"].startswith("fuzz-"):
        print(test["name"][len("fuzz-"):])'
}

# fd_build DIR [meson options…]: configure once, then build.
fd_build() {
  local dir=$1; shift
  if [ ! -f "$FD_ROOT/$dir/build.ninja" ]; then
    meson setup "$FD_ROOT/$dir" "$FD_ROOT" "$@"
  elif [ $# -gt 0 ]; then
    # A build directory made by hand keeps its options otherwise (e.g.
    # browser tests off), and its suites would be missing from the run.
    meson configure "$FD_ROOT/$dir" "$@" >/dev/null || return 1
  fi
  ninja -C "$FD_ROOT/$dir"
}
