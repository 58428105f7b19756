#!/usr/bin/env python3
# The translation checks (docs/app.md, "Translations"), as TAP, one mode per
# meson test of suite 'data':
#
#   strings SRCROOT   no user-visible string escapes gettext: every .ui
#                     property people see is translatable="yes" unless it is
#                     not words, the literals given to the GTK/Adw/GIO
#                     setters that show text are inside _()/N_()/ngettext,
#                     so are the messages given to the GError constructors
#                     in src/agent (they reach toasts and the sign-in page)
#                     unless DEVELOPER_ERRORS says why only a developer
#                     reads one, and po/POTFILES.in lists every file with
#                     translatable strings (and only files that exist)
#   catalogs SRCROOT  every po/LINGUAS language has its .po and the reverse,
#                     each passes `msgfmt --check --check-format`, declares
#                     the Plural-Forms of its language, and translates every
#                     message of a template made now from POTFILES.in (a
#                     stale catalog - a message missing, fuzzy, untranslated
#                     or left over - fails)
#   widget SRCROOT    the web widget's tables (data/widget/widget.js, LANGS)
#                     each translate every sentence the widget passes to t(),
#                     with the same {placeholders}
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

results = []


def check(ok, name, details=()):
    results.append((ok, name))
    if not ok:
        for line in details:
            print('# ' + line)


def finish():
    print('1..%d' % len(results))
    for i, (ok, name) in enumerate(results, 1):
        print('%s %d - %s' % ('ok' if ok else 'not ok', i, name))
    return 0 if all(ok for ok, _ in results) else 1


# --- words or not -------------------------------------------------------------

# A text is words when it has a run of two letters; "", "•", "%s", "—",
# "%d:%02d" are not. Words that people see but that are not for translating
# (names, symbols) are in ALLOWED with the reason.
WORDS = re.compile(r'[^\W\d_]{2,}')

ALLOWED = {
    # .ui: (file, property, text)
    ('ui/fd-sign-in-page.ui', 'placeholder-text', 'https://frontdesk.example.org'):
        'an example address, the same in every language',
    ('ui/fd-sign-in-page.ui', 'text', 'https://'):
        'the scheme a server address starts with',
    ('ui/fd-preferences-window.ui', 'label', 'Frontdesk'):
        'the product name',
    # C: (file, text)
    ('src/agent/widgets/fd-application-actions.c', 'Frontdesk'):
        'the product name (About window)',
    ('src/agent/widgets/fd-application-actions.c', 'The Frontdesk contributors'):
        'a name of authors, not a sentence of the app',
}


def is_words(text):
    return bool(WORDS.search(text or ''))


# --- .ui files ----------------------------------------------------------------

# Properties whose value people read (or hear, in <accessibility>).
UI_TEXT = {
    'label', 'title', 'subtitle', 'tooltip-text', 'tooltip-markup',
    'placeholder-text', 'description', 'text', 'heading', 'body',
    'secondary-text', 'button-label', 'accelerator-label',
    'copyright', 'comments', 'website-label', 'translator-credits',
    'primary-text', 'message', 'name',
}
# 'name' is a visible text only on these (a GtkShortcutsSection's name is
# an id; on accessible properties 'name' does not exist).
UI_NAME_IS_ID = True


def ui_findings(root, rel):
    found = []
    try:
        tree = ET.parse(os.path.join(root, rel)).getroot()
    except (OSError, ET.ParseError) as e:
        return ['%s: cannot read: %s' % (rel, e)]
    for el in tree.iter():
        if el.tag not in ('property', 'attribute'):
            continue
        name = el.get('name')
        if name not in UI_TEXT or (name == 'name' and UI_NAME_IS_ID):
            continue
        text = (el.text or '').strip()
        if el.get('translatable') == 'yes' or not is_words(text):
            continue
        if (rel, name, text) in ALLOWED:
            continue
        found.append('%s: <%s name="%s">%s</%s> is not translatable="yes"'
                     % (rel, el.tag, name, text, el.tag))
    return found


# --- C ------------------------------------------------------------------------

# The setters that show text, with the arguments (0-based) that are text:
# 'all' every argument, a tuple those arguments, 'pairs-from-2' the labels
# of (id, label) pairs from the third argument (adw_message_dialog_add_responses).
SETTERS = {
    'gtk_label_new': 'all',
    'gtk_label_new_with_mnemonic': 'all',
    'gtk_label_set_text': (1,),
    'gtk_label_set_label': (1,),
    'gtk_label_set_markup': (1,),
    'gtk_label_set_text_with_mnemonic': (1,),
    'gtk_label_set_markup_with_mnemonic': (1,),
    'gtk_button_new_with_label': 'all',
    'gtk_button_new_with_mnemonic': 'all',
    'gtk_button_set_label': (1,),
    'gtk_check_button_new_with_label': 'all',
    'gtk_check_button_set_label': (1,),
    'gtk_menu_button_set_label': (1,),
    'gtk_widget_set_tooltip_text': (1,),
    'gtk_widget_set_tooltip_markup': (1,),
    'gtk_window_set_title': (1,),
    'gtk_editable_set_text': (1,),
    'gtk_entry_set_placeholder_text': (1,),
    'gtk_text_set_placeholder_text': (1,),
    'gtk_search_entry_set_placeholder_text': (1,),
    'gtk_text_buffer_set_text': (1,),
    'gtk_text_buffer_insert': (2,),
    'gtk_accessible_update_property': 'all',
    'gtk_file_chooser_native_new': (0, 3, 4),
    'gtk_alert_dialog_new': 'all',
    'g_menu_append': (1,),
    'g_menu_prepend': (1,),
    'g_menu_insert': (2,),
    'g_menu_item_new': (0,),
    'g_menu_item_set_label': (1,),
    'g_menu_append_section': (1,),
    'g_menu_append_submenu': (1,),
    'g_notification_new': 'all',
    'g_notification_set_title': (1,),
    'g_notification_set_body': (1,),
    'g_notification_add_button': (1,),
    'g_notification_add_button_with_target': (1,),
    'g_notification_add_button_with_target_value': (1,),
    'adw_toast_new': 'all',
    'adw_toast_new_format': 'all',
    'adw_toast_set_title': (1,),
    'adw_toast_set_button_label': (1,),
    'adw_message_dialog_new': (1, 2),
    'adw_message_dialog_set_heading': (1,),
    'adw_message_dialog_set_body': (1,),
    'adw_message_dialog_format_heading': (1,),
    'adw_message_dialog_format_body': (1,),
    'adw_message_dialog_add_response': (2,),
    'adw_message_dialog_add_responses': 'pairs-from-2',
    'adw_message_dialog_set_response_label': (2,),
    'adw_status_page_set_title': (1,),
    'adw_status_page_set_description': (1,),
    'adw_preferences_row_set_title': (1,),
    'adw_action_row_set_subtitle': (1,),
    'adw_expander_row_set_subtitle': (1,),
    'adw_window_title_set_title': (1,),
    'adw_window_title_set_subtitle': (1,),
    'adw_window_title_new': 'all',
    'adw_banner_set_title': (1,),
    'adw_banner_set_button_label': (1,),
    'adw_banner_new': 'all',
    'adw_avatar_set_text': (1,),
    'adw_about_window_set_application_name': (1,),
    'adw_about_window_set_comments': (1,),
    'adw_about_window_set_developer_name': (1,),
    'adw_about_window_set_translator_credits': (1,),
    'adw_tab_page_set_title': (1,),
    'adw_view_stack_add_titled': (3,),
}

# The GError constructors of GLib/GIO, with their message (format) argument.
# The app shows an error's message to the agent (toasts, the sign-in page,
# dialogs), so a message written in src/agent is translated like any label.
ERROR_CONSTRUCTORS = {
    'g_set_error': (3,),
    'g_set_error_literal': (3,),
    'g_error_new': (2,),
    'g_error_new_literal': (2,),
    'g_task_return_new_error': (3,),
    'g_task_report_new_error': (6,),
    'g_prefix_error': (1,),
    'g_propagate_prefixed_error': (2,),
    # The app's own: completes a task with "<format>: <cause>".
    '_fd_connection_return_error': (4,),
}

# Error messages in src/agent that no person using the app reads, with the
# reason: (file, text) -> why.
DEVELOPER_ERRORS = {
    ('src/agent/fd-offline-queue.c', 'The request was cancelled.'):
        'a G_IO_ERROR_CANCELLED error, which every caller drops without showing it',
    ('src/agent/fd-drafts.c', 'A draft needs a conversation, and %'):
        'a caller\'s bug (an id below 1); fd_drafts_set()\'s errors only reach the log',
    ('src/agent/fd-drafts.c', ' is not one.'):
        'the rest of the message above (it is split around G_GINT64_FORMAT)',
}

GETTEXT_CALLS = re.compile(r'\b(?:_|N_|C_|NC_|gettext|dgettext|g_dgettext|ngettext|'
                           r'dngettext|g_dngettext|g_dpgettext|g_dpgettext2|Q_)\s*\(')
LITERAL = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def literal_end(src, i):
    """The offset after the string or character literal starting at i."""
    j, n = i + 1, len(src)
    while j < n and src[j] != src[i]:
        j += 2 if src[j] == '\\' else 1
    return j + 1


def strip_comments(src):
    """The C text with comments blanked (strings and newlines kept)."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            j = literal_end(src, i)
            out.append(src[i:j])
            i = j
        elif src.startswith('/*', i):
            j = src.find('*/', i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r'[^\n]', ' ', src[i:j]))
            i = j
        elif src.startswith('//', i):
            j = src.find('\n', i)
            j = n if j < 0 else j
            out.append(' ' * (j - i))
            i = j
        else:
            out.append(c)
            i += 1
    return ''.join(out)


def call_args(src, start):
    """The arguments of the call whose '(' is at start, as (text, offset)
    pairs, and the offset after its ')'."""
    depth, i, n, args, arg_start = 0, start, len(src), [], start + 1
    while i < n:
        c = src[i]
        if c == '"' or c == "'":
            i = literal_end(src, i)
            continue
        if c in '([{':
            depth += 1
        elif c in ')]}':
            depth -= 1
            if depth == 0:
                args.append((src[arg_start:i], arg_start))
                return args, i + 1
        elif c == ',' and depth == 1:
            args.append((src[arg_start:i], arg_start))
            arg_start = i + 1
        i += 1
    return args, n


def without_gettext(text):
    """text with the arguments of every gettext call blanked."""
    while True:
        m = GETTEXT_CALLS.search(text)
        if not m:
            return text
        _, end = call_args(text, m.end() - 1)
        text = text[:m.start()] + ' ' * (end - m.start()) + text[end:]


def unescape(literal):
    return literal[1:-1].encode('utf-8').decode('unicode_escape', 'ignore')


def c_findings(root, rel, calls=SETTERS, allowed=ALLOWED):
    """The literals with words given to the text arguments of calls (a table
    like SETTERS) in rel outside gettext, unless allowed has (rel, text)."""
    with open(os.path.join(root, rel), encoding='utf-8') as f:
        src = strip_comments(f.read())
    found = []
    for m in re.finditer(r'\b(' + '|'.join(calls) + r')\s*\(', src):
        args, _ = call_args(src, m.end() - 1)
        which = calls[m.group(1)]
        for index, (text, offset) in enumerate(args):
            if which == 'pairs-from-2':
                wanted = index >= 2 and index % 2 == 0
            else:
                wanted = which == 'all' or index in which
            if not wanted:
                continue
            for lit in LITERAL.finditer(without_gettext(text)):
                value = unescape(lit.group(0))
                if not is_words(value) or (rel, value) in allowed:
                    continue
                line = src.count('\n', 0, offset + lit.start()) + 1
                found.append('%s:%d: %s (%s) is not inside _() or N_()'
                             % (rel, line, lit.group(0), m.group(1)))
    return found


def has_translatable(root, rel):
    with open(os.path.join(root, rel), encoding='utf-8') as f:
        text = f.read()
    if rel.endswith('.ui'):
        return 'translatable="yes"' in text
    if rel.endswith('.c'):
        return bool(GETTEXT_CALLS.search(strip_comments(text)))
    return False


def sources(root, top, ext):
    for base, dirs, files in os.walk(os.path.join(root, top)):
        dirs.sort()
        for name in sorted(files):
            if name.endswith(ext):
                yield os.path.relpath(os.path.join(base, name), root)


def potfiles(root):
    with open(os.path.join(root, 'po', 'POTFILES.in'), encoding='utf-8') as f:
        return [l.strip() for l in f if l.strip() and not l.startswith('#')]


def mode_strings(root):
    uis = list(sources(root, 'ui', '.ui'))
    cs = list(sources(root, 'src/agent', '.c'))
    found = []
    for rel in uis:
        found += ui_findings(root, rel)
    check(not found, 'every visible .ui property is translatable (%d files)' % len(uis), found)
    found = []
    for rel in cs:
        found += c_findings(root, rel)
    check(not found, 'the text given to GTK/Adw/GIO setters goes through gettext (%d files)'
          % len(cs), found)
    found = []
    for rel in cs:
        found += c_findings(root, rel, ERROR_CONSTRUCTORS, DEVELOPER_ERRORS)
    check(not found, 'the messages given to GError constructors go through gettext (%d files)'
          % len(cs), found + (['a message only a developer reads goes in DEVELOPER_ERRORS '
                               'with the reason'] if found else []))

    listed = potfiles(root)
    missing = [rel for rel in uis + cs if has_translatable(root, rel) and rel not in listed]
    check(not missing, 'po/POTFILES.in lists every file with translatable strings',
          ['%s has translatable strings; add it to po/POTFILES.in' % rel for rel in missing])
    gone = [rel for rel in listed if not os.path.exists(os.path.join(root, rel))]
    check(not gone, 'every file in po/POTFILES.in exists',
          ['%s is in po/POTFILES.in but not in the tree' % rel for rel in gone])


# --- catalogs -----------------------------------------------------------------

PLURAL_FORMS = {
    'de': 'nplurals=2; plural=(n != 1);',
    'es': 'nplurals=2; plural=(n != 1);',
    'fr': 'nplurals=2; plural=(n > 1);',
}

# The same keywords as meson's i18n.gettext(preset: 'glib').
XGETTEXT_KEYWORDS = ['_', 'N_', 'C_:1c,2', 'NC_:1c,2', 'g_dcgettext:2', 'g_dngettext:2,3',
                     'g_dpgettext2:2c,3']


def run(args, **kwargs):
    return subprocess.run(args, capture_output=True, text=True, **kwargs)


def make_template(root, out):
    args = ['xgettext', '--package-name=frontdesk', '--from-code=UTF-8', '--add-comments',
            '--directory=' + root, '--files-from=' + os.path.join(root, 'po', 'POTFILES.in'),
            '--output=' + out]
    args += ['--keyword=' + k for k in XGETTEXT_KEYWORDS]
    return run(args)


def header_field(po_text, field):
    m = re.search(r'^"' + re.escape(field) + r':\s*(.*?)\\n"$', po_text, re.M)
    return m.group(1).strip() if m else None


def mode_catalogs(root):
    po_dir = os.path.join(root, 'po')
    with open(os.path.join(po_dir, 'LINGUAS'), encoding='utf-8') as f:
        linguas = [w for l in f if not l.startswith('#') for w in l.split()]
    files = sorted(n[:-3] for n in os.listdir(po_dir) if n.endswith('.po'))
    check(sorted(linguas) == files, 'po/LINGUAS names exactly the .po files',
          ['LINGUAS: %s; .po files: %s' % (' '.join(sorted(linguas)), ' '.join(files))])

    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, 'frontdesk.pot')
        r = make_template(root, pot)
        check(r.returncode == 0, 'xgettext makes a template from po/POTFILES.in',
              r.stderr.splitlines())
        if r.returncode != 0:
            return
        r = run(['msggrep', '--invert-match', '--msgid', '--regexp=^$', pot])
        count = r.stdout.count('\nmsgid ') - 1
        print('# the template has %d messages' % count)

        for lang in files:
            po = os.path.join(po_dir, lang + '.po')
            r = run(['msgfmt', '--check', '--check-format', '--output-file=/dev/null', po])
            check(r.returncode == 0, '%s.po passes msgfmt --check --check-format' % lang,
                  r.stderr.splitlines())
            with open(po, encoding='utf-8') as f:
                text = f.read()
            want = PLURAL_FORMS.get(lang)
            got = header_field(text, 'Plural-Forms')
            check(want is not None and got == want, '%s.po has the Plural-Forms of its language' % lang,
                  ['Plural-Forms: %s; expected %s (add the language to PLURAL_FORMS in %s)'
                   % (got, want, os.path.relpath(__file__, root))])

            merged = os.path.join(tmp, lang + '.po')
            r = run(['msgmerge', '--quiet', '--output-file=' + merged, po, pot])
            if r.returncode != 0:
                check(False, '%s.po merges with the template' % lang, r.stderr.splitlines())
                continue
            stale = []
            for what, flag in (('untranslated', '--untranslated'), ('fuzzy', '--only-fuzzy'),
                               ('left over (obsolete)', '--only-obsolete')):
                r = run(['msgattrib', flag, '--no-wrap', merged])
                ids = re.findall(r'^(?:#~ )?msgid "(.+)"$', r.stdout, re.M)
                stale += ['%s: %s' % (what, i) for i in ids]
            check(not stale, '%s.po translates every message of the template and nothing else'
                  % lang, stale[:40] + (['… and %d more' % (len(stale) - 40)] if len(stale) > 40 else [])
                  + (['refresh with: ninja -C build frontdesk-pot frontdesk-update-po, then translate']
                     if stale else []))


# --- the web widget -----------------------------------------------------------

def js_string(s):
    """A single-quoted JavaScript string's text (widget.js uses \\uXXXX and \\')."""
    return re.sub(r'\\u([0-9a-fA-F]{4})', lambda m: chr(int(m.group(1), 16)), s).replace("\\'", "'")


def mode_widget(root):
    with open(os.path.join(root, 'data', 'widget', 'widget.js'), encoding='utf-8') as f:
        src = f.read()
    keys = set(js_string(k) for k in re.findall(r"\bt\('((?:[^'\\]|\\.)*)'", src))
    start = src.index('var LANGS = {')
    end = src.index('\n  };', start)
    tables = {}
    for m in re.finditer(r"\n    (\w+): \{(.*?)\n    \}", src[start:end], re.S):
        entries = re.findall(r"'((?:[^'\\]|\\.)*)':\s*'((?:[^'\\]|\\.)*)'", m.group(2))
        tables[m.group(1)] = {js_string(k): js_string(v) for k, v in entries}
    for lang in ('de', 'fr', 'es'):
        check(lang in tables, 'the widget has a %s table' % lang)
    placeholder = re.compile(r'\{\w+\}')
    for lang, table in sorted(tables.items()):
        missing = sorted(keys - set(table))
        check(not missing, 'the widget\'s %s table translates all %d sentences passed to t()'
              % (lang, len(keys)), ['missing: ' + k for k in missing])
        extra = sorted(set(table) - set(tables.get('de', table)))
        check(not extra, 'the widget\'s %s table has no key the de table lacks' % lang,
              ['extra: ' + k for k in extra])
        wrong = ['%s -> %s' % (k, v) for k, v in sorted(table.items())
                 if sorted(placeholder.findall(k)) != sorted(placeholder.findall(v)) or not v]
        check(not wrong, 'the widget\'s %s table keeps every {placeholder}' % lang, wrong)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ('strings', 'catalogs', 'widget'):
        print('usage: check-translations.py strings|catalogs|widget SRCROOT', file=sys.stderr)
        return 2
    {'strings': mode_strings, 'catalogs': mode_catalogs, 'widget': mode_widget}[sys.argv[1]](
        sys.argv[2])
    return finish()


if __name__ == '__main__':
    sys.exit(main())
