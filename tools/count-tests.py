#!/usr/bin/env python3
"""Counts test cases over meson testlog.json files: every TAP 'ok'/'not ok'
line of a TAP test, or the test itself when it is not TAP. Prints one closing
line, 'N passed, N failed'. Exits 1 when a log is missing, or when a suite
named by --expect-suites ran no test in some log (a suite whose tools were
missing is then a failure, not a silent skip)."""
import json
import re
import sys

TAP = re.compile(r'^(not ok|ok)\b(.*)$')


def suites_in(path):
    found = set()
    with open(path, encoding='utf-8') as f:
        for line in f:
            name = json.loads(line).get('name', '')
            # "project:suite / test"
            if ':' in name and ' / ' in name:
                found.add(name.split(':', 1)[1].split(' / ', 1)[0])
    return found


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
    args = sys.argv[1:]
    expected = {}
    while args and args[0].startswith('--expect-suites='):
        log, _, names = args.pop(0)[len('--expect-suites='):].partition(':')
        expected[log] = set(filter(None, names.split(',')))
    for path in args:
        try:
            p, f = count(path)
        except OSError as e:
            print(f'cannot read {path}: {e}', file=sys.stderr)
            ok = False
            continue
        passed += p
        failed += f
        for key, names in expected.items():
            if key in path:
                missing = names - suites_in(path)
                if missing:
                    print(f'{path}: no test ran in suite(s) {", ".join(sorted(missing))}', file=sys.stderr)
                    ok = False
    print(f'{passed} passed, {failed} failed')
    return 0 if ok and failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
