"""Characters a reader cannot see but that change what is shown, in text that comes from a
file (a roadmap, a FHIR resource, a CSV cell): one check, used by every reader.

A text-direction mark or override (U+202A–U+202E, U+2066–U+2069, U+200E, U+200F, U+061C)
shows the text after it reversed or moved; a control character (NUL, BEL, ESC…) is not shown
at all; half of a character (a lone surrogate) cannot be saved.  A line break and a tab are
allowed where the text may hold them (a comment, a note).
"""

from __future__ import annotations

import unicodedata

from tracker.i18n import tr

_TEXT_DIRECTION = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def hidden_character(text: str, allowed: str = "\t\n") -> str | None:
    """What in ``text`` a reader cannot see but that changes what is shown, named with its
    code ("a text-direction character (U+202E)", which shows the text after it reversed),
    or None: a control character (those in ``allowed`` aside), a text-direction mark or
    override, half of a character (a lone surrogate, which no file can hold)."""
    for c in text:
        code = f"(U+{ord(c):04X})"
        if c in _TEXT_DIRECTION:
            return tr("a text-direction character {code}").format(code=code)
        category = unicodedata.category(c)
        if category == "Cc" and c not in allowed:
            return tr("a control character {code}").format(code=code)
        if category == "Cs":
            return tr("half of a character {code}").format(code=code)
    return None
