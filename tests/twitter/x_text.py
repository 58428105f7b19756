"""X's weighted length of a post (twitter-text v3), for the fake X
(fd-x-fake.py), which refuses a post over 280 as X does."""

import unicodedata


# --- X's weighted length (twitter-text v3) --------------------------------
# The rules of src/protocol/fd-x-text.c, which the server checks replies
# with: NFC; a URL ("http://", "https://", "www." at a word's start, to the
# next space, less closing punctuation) weighs 23; an emoji sequence
# (modifiers, joined parts, a flag's pair, a keycap) 2; the ranges below 1;
# the rest 2. X refuses a post over 280.
def light(c):
    return c <= 0x10FF or 0x2000 <= c <= 0x200D or 0x2010 <= c <= 0x201F or 0x2032 <= c <= 0x2037


def emoji_base(c):
    return 0x1F000 <= c <= 0x1FAFF or 0x2600 <= c <= 0x27BF or 0x2300 <= c <= 0x23FF or 0x2B00 <= c <= 0x2BFF


def emoji_modifier(c):
    return c in (0xFE0E, 0xFE0F, 0x20E3) or 0x1F3FB <= c <= 0x1F3FF or 0xE0020 <= c <= 0xE007F


def regional(c):
    return 0x1F1E6 <= c <= 0x1F1FF


def url_at(text, i):
    if i > 0 and not (text[i - 1].isspace() or text[i - 1] in "(\"'"):
        return 0
    for prefix in ("https://", "http://", "www."):
        if text[i:i + len(prefix)].lower() != prefix:
            continue
        end = i + len(prefix)
        while end < len(text) and not text[end].isspace():
            end += 1
        while end > i + len(prefix) and text[end - 1] in ".,;:!?)\"'":
            end -= 1
        return end - i if end > i + len(prefix) else 0
    return 0


def weighted_length(text):
    text = unicodedata.normalize("NFC", text)
    n, i = 0, 0
    at = lambda k: ord(text[k]) if k < len(text) else 0
    while i < len(text):
        url = url_at(text, i)
        if url:
            n += 23
            i += url
            continue
        c = ord(text[i])
        i += 1
        if regional(c):
            if regional(at(i)):
                i += 1
            n += 2
            continue
        keycap = (text[i - 1] in "#*0123456789") and at(i) == 0xFE0F and at(i + 1) == 0x20E3
        if emoji_base(c) or keycap:
            while True:
                if emoji_modifier(at(i)):
                    i += 1
                elif at(i) == 0x200D and i + 1 < len(text):
                    i += 2
                else:
                    break
            n += 2
            continue
        n += 1 if light(c) else 2
    return n
