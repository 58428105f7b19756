#!/usr/bin/env python3
"""Counts test cases over meson testlog.json files: every TAP 'ok'/'not ok'
line of a TAP test, or the test itself when it is not TAP. Prints one closing
line, 'N passed, N failed'. Exits 1 when a log is missing."""
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')


def count(path):
    passed = failed = 0
    with open(path, encoding='utf-8') as f:
        for line in f:
            entry = json.loads(line)
            result = entry.get('result')
            cases = 0
            for out in (entry.get('stdout') or '').splitlines():
                m = TAP.match(out)
                if not m:
                    continue
                cases += 1
                skipped = '# SKIP' in m.group(2).upper()
                if m.group(1) == 'ok' and not skipped:
                    passed += 1
                elif m.group(1) == 'not ok' and '# TODO' not in m.group(2).upper():
                    failed += 1
            if cases == 0:
                if result == 'OK':
                    passed += 1
                elif result not in ('SKIP', 'EXPECTEDFAIL'):
                    failed += 1
            elif result not in ('OK', 'SKIP', 'EXPECTEDFAIL'):
                # The program failed outside its test cases (crash, timeout).
                failed += 1
    return passed, failed


def main():
    passed = failed = 0
    ok = True
    for path in sys.argv[1:]:
        try:
            p, f = count(path)
        except OSError as e:
            print(f'cannot read {path}: {e}', file=sys.stderr)
            ok = False
            continue
        passed += p
        failed += f
    print(f'{passed} passed, {failed} failed')
    return 0 if ok and failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
