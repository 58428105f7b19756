#!/usr/bin/env python3
# Checks the app icons (TAP): both exist, are SVG documents of the size the
# icon theme expects, and the symbolic one uses a single colour so that GTK
# can recolour it.
import os
import re
import sys
import xml.etree.ElementTree as ET

SVG = '{http://www.w3.org/2000/svg}'
results = []


def check(ok, name):
    results.append((ok, name))


def parse(path):
    try:
        return ET.parse(path).getroot()
    except (OSError, ET.ParseError) as e:
        print('# cannot read %s: %s' % (path, e))
        return None


def colours(root):
    found = set()
    for el in root.iter():
        for attr in ('fill', 'stroke'):
            value = el.get(attr)
            if value and value not in ('none',) and not value.startswith('url('):
                found.add(value.lower())
        for m in re.finditer(r'(?:fill|stroke)\s*:\s*(#[0-9a-fA-F]+)', el.get('style', '')):
            found.add(m.group(1).lower())
    return found


def main():
    icons, app_id = sys.argv[1], sys.argv[2]
    full = os.path.join(icons, 'hicolor', 'scalable', 'apps', app_id + '.svg')
    symbolic = os.path.join(icons, 'hicolor', 'symbolic', 'apps', app_id + '-symbolic.svg')

    root = parse(full)
    check(root is not None and root.tag == SVG + 'svg', 'the full-colour icon is an SVG document')
    check(root is not None and root.get('viewBox') == '0 0 128 128',
          'the full-colour icon is drawn on a 128×128 canvas')
    check(root is not None and len(colours(root)) >= 2, 'the full-colour icon has colours')

    root = parse(symbolic)
    check(root is not None and root.tag == SVG + 'svg', 'the symbolic icon is an SVG document')
    check(root is not None and root.get('viewBox') == '0 0 16 16',
          'the symbolic icon is drawn on a 16×16 canvas')
    check(root is not None and len(colours(root)) == 1, 'the symbolic icon uses one colour')
    check(root is not None and not any(el.tag in (SVG + 'image', SVG + 'text') for el in root.iter()),
          'the symbolic icon has neither images nor text')

    print('1..%d' % len(results))
    for i, (ok, name) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
