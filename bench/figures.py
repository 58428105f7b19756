"""The benchmark contract (docs/performance.md, "How to measure"): a
benchmark program prints its figures on stdout, one a line,

    FIGURE <key> <value> <unit> [anchor=<anchor-key>]

and everything else on stderr. Shared by bench/check-figures (the CI
check) and tools/bench (the harness)."""

import math
import re

KEY = r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+"
LINE = re.compile(r"^FIGURE (%s) (\S+) (\S+)(?: anchor=(%s))?$" % (KEY, KEY))


class FigureError(ValueError):
    pass


def parse(stdout):
    """The figures of a program's stdout, {key: (value, unit, anchor)}, in
    order; FigureError on any line that breaks the contract."""
    figures = {}
    for number, line in enumerate(stdout.splitlines(), 1):
        if not line.strip():
            continue
        m = LINE.match(line)
        if not m:
            raise FigureError("stdout line %d is not a FIGURE line: %r" % (number, line[:200]))
        key, text, unit, anchor = m.groups()
        try:
            value = float(text)
        except ValueError:
            raise FigureError("line %d: %r is not a number" % (number, text))
        if not math.isfinite(value):
            raise FigureError("line %d: %s is %s" % (number, key, text))
        if key in figures:
            raise FigureError("line %d: %s printed twice" % (number, key))
        figures[key] = (value, unit, anchor)
    return figures
