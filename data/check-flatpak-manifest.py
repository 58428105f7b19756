#!/usr/bin/env python3
# Checks the Flatpak manifest (TAP): it parses as JSON, names the app, and
# its sandbox holes are exactly the ones docs/app.md ("Packaging") justifies.
# A new permission must be argued for there and added here, on purpose.
import json
import re
import sys

ALLOWED_FINISH_ARGS = {
    '--share=network',
    '--share=ipc',
    '--socket=fallback-x11',
    '--socket=wayland',
    '--device=dri',
    '--socket=pulseaudio',
    # Presence that follows the desktop, and suspend (docs/app.md, "Presence").
    '--talk-name=org.gnome.Mutter.IdleMonitor',
    '--talk-name=org.gnome.ScreenSaver',
    '--system-talk-name=org.freedesktop.login1',
}
REQUIRED_CONFIG_OPTS = {'-Dapp=enabled', '-Dbrowser_tests=disabled', '-Dfuzzing=disabled'}

results = []


def check(ok, name, detail=None):
    results.append((ok, name, detail))


def main():
    path, app_id = sys.argv[1], sys.argv[2]
    try:
        with open(path, encoding='utf-8') as f:
            manifest = json.load(f)
    except (OSError, ValueError) as e:
        print('1..1')
        print('not ok 1 - the manifest parses as JSON')
        print('# %s' % e)
        return 1
    check(isinstance(manifest, dict), 'the manifest is a JSON object')
    if not isinstance(manifest, dict):
        manifest = {}

    check(manifest.get('id', manifest.get('app-id')) == app_id, 'the manifest builds %s' % app_id)
    check(manifest.get('runtime') == 'org.gnome.Platform', 'the runtime is the GNOME platform')
    check(manifest.get('sdk') == 'org.gnome.Sdk', 'the SDK is the GNOME SDK')
    check(manifest.get('runtime-version') in ('45', '46'), 'the runtime version is GNOME 45 or 46')
    check(manifest.get('command') == 'frontdesk', 'the command is frontdesk')

    args = manifest.get('finish-args', [])
    check(isinstance(args, list) and all(isinstance(a, str) for a in args),
          'finish-args is a list of strings')
    args = set(args) if isinstance(args, list) else set()
    extra = sorted(a for a in args if not isinstance(a, str) or a not in ALLOWED_FINISH_ARGS)
    missing = sorted(ALLOWED_FINISH_ARGS - args)
    check(not extra, 'finish-args grant nothing beyond the allowed list',
          'not allowed: %s' % ', '.join(map(str, extra)))
    check(not missing, 'finish-args grant what the app needs',
          'missing: %s' % ', '.join(missing))

    modules = manifest.get('modules', [])
    project = [m for m in modules if isinstance(m, dict) and m.get('name') == 'frontdesk']
    check(len(project) == 1, 'one module builds the project')
    if project:
        m = project[0]
        check(m.get('buildsystem') == 'meson', 'the project module is built with meson')
        opts = set(m.get('config-opts', []))
        check(REQUIRED_CONFIG_OPTS <= opts, 'the project module enables the app only',
              'missing: %s' % ', '.join(sorted(REQUIRED_CONFIG_OPTS - opts)))

    archives = [s for m in modules if isinstance(m, dict) for s in m.get('sources', [])
                if isinstance(s, dict) and s.get('type') == 'archive']
    check(all(re.fullmatch(r'[0-9a-f]{64}', str(s.get('sha256', ''))) for s in archives),
          'every downloaded archive is pinned by its SHA-256')

    print('1..%d' % len(results))
    for i, (ok, name, detail) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
        if not ok and detail:
            print('# %s' % detail)
    return 0 if all(ok for ok, _, _ in results) else 1


if __name__ == '__main__':
    sys.exit(main())
