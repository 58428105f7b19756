#!/usr/bin/python3
"""Walks the AT-SPI tree of one process, as a screen reader sees it, and
fails on every interactive element without a name.

Usage: walk-atspi.py PID [--window TITLE]... [--min ROLE=N]... [--named NAME]...

An element is interactive when its role is one a person can focus or
operate (buttons, toggles, checks, entries, list items, tabs...). Its name
is empty when it is "" or the GType name GTK 4.8 falls back to when a
widget has no label (a screen reader then says "GtkMenuButton"). Each
failure is printed with its role and its path from the window. --window
names a window that must be there (the start of its title); --min asks for at least N elements of
a role (e.g. "list item=2") and --named an element of that exact name, so
that the walk cannot pass by seeing nothing. Exit status 0 when all is well, 1 otherwise.

Run by tests/a11y/test-a11y.c with Debian's /usr/bin/python3 (pyatspi is
not on PyPI).
"""

import argparse
import re
import sys

import pyatspi

INTERACTIVE = {
    pyatspi.ROLE_PUSH_BUTTON,
    pyatspi.ROLE_TOGGLE_BUTTON,
    pyatspi.ROLE_CHECK_BOX,
    pyatspi.ROLE_RADIO_BUTTON,
    pyatspi.ROLE_ENTRY,
    pyatspi.ROLE_PASSWORD_TEXT,
    pyatspi.ROLE_TEXT,
    pyatspi.ROLE_LIST_ITEM,
    pyatspi.ROLE_TABLE_ROW,
    pyatspi.ROLE_COLUMN_HEADER,
    pyatspi.ROLE_PAGE_TAB,
    pyatspi.ROLE_COMBO_BOX,
    pyatspi.ROLE_SPIN_BUTTON,
    pyatspi.ROLE_SLIDER,
    pyatspi.ROLE_LINK,
    pyatspi.ROLE_MENU_ITEM,
    pyatspi.ROLE_CHECK_MENU_ITEM,
    pyatspi.ROLE_RADIO_MENU_ITEM,
}

# What GTK 4.8 reports for a widget without a label: its type name.
TYPE_NAME = re.compile(r"^(Gtk|Adw|Fd)[A-Z][A-Za-z]*$")


def is_unnamed(name):
    return name is None or name.strip() == "" or TYPE_NAME.match(name) is not None


def label_of(node):
    name = node.name or ""
    if TYPE_NAME.match(name):
        return "%s [%s]" % (node.getRoleName(), name)
    if is_unnamed(name):
        return node.getRoleName()
    return "%s “%s”" % (node.getRoleName(), name)


def is_header_row(node):
    """A table's header row holds its column headers, which are what a
    person operates (and are checked); the row itself takes no focus."""
    if node.getRole() != pyatspi.ROLE_TABLE_ROW or node.childCount == 0:
        return False
    return all(node.getChildAtIndex(i).getRole() == pyatspi.ROLE_COLUMN_HEADER
               for i in range(node.childCount))


def walk(node, path, seen, report):
    """Depth first; @path is the labels from the window down to @node."""
    try:
        role = node.getRole()
        name = node.name
    except Exception as error:  # an element that went away while walking
        report["gone"] += 1
        print("# gone while walking: %s (%s)" % (" > ".join(path), error))
        return
    here = path + [label_of(node)]
    if role in INTERACTIVE and not is_header_row(node):
        report["checked"] += 1
        report["roles"][node.getRoleName()] = report["roles"].get(node.getRoleName(), 0) + 1
        report["names"].add(name)
        if is_unnamed(name):
            report["unnamed"].append("%s: %s" % (node.getRoleName(), " > ".join(here)))
    try:
        count = node.childCount
    except Exception:
        return
    for i in range(count):
        try:
            child = node.getChildAtIndex(i)
        except Exception:
            continue
        if child is None:
            continue
        key = (child.path if hasattr(child, "path") else id(child))
        if key in seen:
            continue
        seen.add(key)
        walk(child, here, seen, report)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("pid", type=int)
    parser.add_argument("--window", action="append", default=[])
    parser.add_argument("--min", action="append", default=[])
    parser.add_argument("--named", action="append", default=[])
    args = parser.parse_args()

    desktop = pyatspi.Registry.getDesktop(0)
    apps = []
    for i in range(desktop.childCount):
        app = desktop.getChildAtIndex(i)
        try:
            if app is not None and app.get_process_id() == args.pid:
                apps.append(app)
        except Exception:
            continue
    if not apps:
        print("# no application of process %d on the accessibility bus" % args.pid)
        return 1

    report = {"checked": 0, "unnamed": [], "roles": {}, "gone": 0, "names": set()}
    windows = []
    for app in apps:
        for i in range(app.childCount):
            window = app.getChildAtIndex(i)
            if window is None:
                continue
            windows.append(window.name or "")
            walk(window, [], set(), report)

    failed = False
    print("# windows: %s" % ", ".join("“%s”" % w for w in windows))
    print("# interactive elements checked: %d (%s)" % (
        report["checked"],
        ", ".join("%s: %d" % kv for kv in sorted(report["roles"].items()))))
    for title in args.window:
        if not any(w.startswith(title) for w in windows):
            print("# missing window “%s”" % title)
            failed = True
    for spec in args.min:
        role, _, n = spec.rpartition("=")
        if report["roles"].get(role, 0) < int(n):
            print("# fewer than %s elements of role “%s”" % (n, role))
            failed = True
    for name in args.named:
        if name not in report["names"]:
            print("# no interactive element named “%s”" % name)
            failed = True
    for line in report["unnamed"]:
        print("unnamed %s" % line)
    if report["unnamed"]:
        print("# %d interactive elements have no name" % len(report["unnamed"]))
        failed = True
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
