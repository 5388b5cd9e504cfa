"""People's and therapists' names (pure): the form a name is shown in, and the one key it is
matched by.

A name is kept as it was first written ("Zoë Smith") and matched by its key: Unicode NFKC
(fullwidth "Ｚｏｅ" is "Zoe", a composed "ë" the same as "e" with a combining diaeresis), case
folded ("ZOE", "zoe"; "STRASSE", "Straße") and with runs of whitespace as one space. A name
is one line of text: control characters (tab, newline, NUL, escape sequences ...) would break
every table it is printed in, and are refused.
"""

from __future__ import annotations

import unicodedata

from tracker.errors import InvalidNameError

#: Unicode categories a name may not contain: controls (C0, C1: tab, newline, NUL, ESC ...),
#: line and paragraph separators
_BREAKING = frozenset({"Cc", "Zl", "Zp"})
_CALLED = {"\t": "a tab", "\n": "a newline", "\r": "a carriage return", "\x00": "a NUL", "\x1b": "an escape"}


def name_key(name: str) -> str:
    """The key a name is matched by: NFKC, case folded (NFKC again: folding can undo it), and
    whitespace collapsed to single spaces, without leading or trailing space. A control
    character counts as a space, so a name stored with one by an older reptrack ("Ann<TAB>Lee")
    can still be named ("Ann Lee")."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join("".join(" " if unicodedata.category(ch) in _BREAKING else ch for ch in folded).split())


def clean_name(name: str, *, what: str = "person") -> str:
    """The name to show and keep: without leading or trailing whitespace.

    Raises
    ------
    InvalidNameError
        The name is empty, contains a control character or a line separator, or is not
        text (a lone surrogate: bytes that were not UTF-8 on the command line).
    """
    text = name.strip()
    if not text:
        raise InvalidNameError(f"a {what} needs a name, not {name!r}")
    for i, ch in enumerate(text, start=1):
        category = unicodedata.category(ch)
        if category == "Cs":
            raise InvalidNameError(f"{what} name {text!r} is not text (character {i} is not valid UTF-8)")
        if category in _BREAKING:
            called = _CALLED.get(ch, f"U+{ord(ch):04X}")
            raise InvalidNameError(f"{what} name {text!r} contains a control character ({called}, character {i}): "
                                   "a name is one line of text")
    return text
