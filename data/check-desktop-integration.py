#!/usr/bin/env python3
# Checks that the desktop file, the D-Bus service file, the metainfo and the
# icons agree on one application ID (TAP): a mismatch is valid for each
# validator alone but breaks D-Bus activation, icons or software centres.
import configparser
import os
import sys
import xml.etree.ElementTree as ET

results = []


def check(ok, name):
    results.append((bool(ok), name))


def read_ini(path, section):
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str
    parser.read(path, encoding='utf-8')
    return parser[section] if parser.has_section(section) else {}


def main():
    desktop_path, service_path, metainfo_path, icons, app_id = sys.argv[1:6]

    desktop = read_ini(desktop_path, 'Desktop Entry')
    check(os.path.basename(desktop_path) == app_id + '.desktop', 'the desktop file is named after the app ID')
    check(desktop.get('Icon') == app_id, 'the desktop file names the app icon')
    check(desktop.get('Exec', '').split(' ')[0] == 'frontdesk', 'the desktop file starts frontdesk')
    check(desktop.get('DBusActivatable') == 'true', 'the desktop file is D-Bus activatable')
    check(desktop.get('StartupNotify') == 'true', 'the desktop file asks for startup notification')
    check(set(filter(None, desktop.get('Categories', '').split(';'))) >= {'Network', 'Chat'},
          'the desktop file is in Network and Chat')
    check('Comment[de]' in desktop, 'the desktop file carries the German translation')

    service = read_ini(service_path, 'D-BUS Service')
    check(service.get('Name') == app_id, 'the D-Bus service owns the app ID')
    exec_line = service.get('Exec', '').split(' ')
    check(os.path.isabs(exec_line[0]) and os.path.basename(exec_line[0]) == 'frontdesk',
          'the D-Bus service starts frontdesk by absolute path')
    check('--gapplication-service' in exec_line, 'the D-Bus service starts it as a GApplication service')

    root = ET.parse(metainfo_path).getroot()
    check(root.findtext('id') == app_id, 'the metainfo describes the app ID')
    launchable = root.find('launchable')
    check(launchable is not None and launchable.text == app_id + '.desktop',
          'the metainfo launches the desktop file')
    shots = [i.text or '' for i in root.iter('image')]
    check(shots and all(s.startswith('https://') for s in shots), 'the screenshots are https URLs')

    check(os.path.isfile(os.path.join(icons, 'hicolor', 'scalable', 'apps', app_id + '.svg')),
          'the app icon exists')
    check(os.path.isfile(os.path.join(icons, 'hicolor', 'symbolic', 'apps', app_id + '-symbolic.svg')),
          'the symbolic icon exists')

    print('1..%d' % len(results))
    for i, (ok, name) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    return 0 if all(ok for ok, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
