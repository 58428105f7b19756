#!/usr/bin/env python3
# The status pages' icons as symbolic PNGs (docs/performance.md, "Session 7:
# RSS"). An AdwStatusPage shows its icon at 128 px; the Adwaita theme has
# PNG renderings only up to 96 px, so GTK 4.8 loads the theme's SVG, and
# with it librsvg (about 6.5 MB resident), even for the pages that are
# hidden. The same art encoded at build time by GTK's own tool
# (gtk4-encode-symbolic-svg, as GTK does for its builtin icons) under the
# app's names ("fd-" + the theme's name) is found in the app's resources
# (GtkApplication's resource base path + "/icons", the hicolor fallback)
# and drawn without librsvg.
#
# encode-status-icons.py ENCODER OUTDIR NAME... writes
# OUTDIR/fd-NAME-128.symbolic.png and OUTDIR/fd-NAME-256.symbolic.png
# from the Adwaita theme's scalable NAME.svg found in the XDG data dirs.
import glob
import os
import shutil
import subprocess
import sys
import tempfile

encoder, outdir, names = sys.argv[1], sys.argv[2], sys.argv[3:]
data_dirs = os.environ.get('XDG_DATA_DIRS') or '/usr/local/share:/usr/share'


# Adwaita 43 (Debian 12) keeps its symbolic SVGs under scalable/CONTEXT/;
# from 45 on (the GNOME 46 Flatpak runtime) they are under symbolic/CONTEXT/,
# and retired names moved to the AdwaitaLegacy theme.
LAYOUTS = [('Adwaita', 'scalable'), ('Adwaita', 'symbolic'),
           ('AdwaitaLegacy', 'symbolic'), ('AdwaitaLegacy', 'scalable')]


def find_svg(name):
    for theme, kind in LAYOUTS:
        for data_dir in data_dirs.split(':'):
            found = sorted(glob.glob(os.path.join(data_dir, 'icons', theme, kind, '*', name + '.svg')))
            if found:
                return found[0]
    sys.exit('encode-status-icons: %s.svg is not in the Adwaita icon theme (%s)' % (name, data_dirs))


for name in names:
    svg = find_svg(name)
    for size in (128, 256):
        with tempfile.TemporaryDirectory() as tmp:
            subprocess.run([encoder, '-o', tmp, svg, '%dx%d' % (size, size)], check=True)
            shutil.move(os.path.join(tmp, name + '.symbolic.png'),
                        os.path.join(outdir, 'fd-%s-%d.symbolic.png' % (name, size)))
