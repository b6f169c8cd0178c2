"""Characters that look like the ASCII a name needs but are not: named, with their code points.

``inference–requests`` (U+2013 EN DASH) and ``wаrker`` (U+0430 CYRILLIC SMALL LETTER A) look exactly
like the right names, so "not a valid name" alone leaves the user staring at identical text. Every
character outside printable ASCII is named, with the ASCII character it looks like when it is one of
the usual confusables (a short table from Unicode's confusables.txt for the characters names use:
dashes, Cyrillic and Greek letters that look Latin, fullwidth forms, invisible spaces).
"""

from __future__ import annotations

import unicodedata

# The confusables (Unicode TR39 confusables.txt) that a name of letters, digits and '-' meets in practice.
_LOOKS_LIKE = {
    **{c: "-" for c in "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\u00ad"},
    "\u0430": "a", "\u0435": "e", "\u043e": "o", "\u0440": "p", "\u0441": "c", "\u0443": "y", "\u0445": "x",
    "\u0456": "i", "\u0458": "j", "\u0455": "s", "\u04bb": "h", "\u0501": "d", "\u051b": "q", "\u051d": "w",
    "\u03bf": "o", "\u03b1": "a", "\u03bd": "v", "\u03c1": "p", "\u03b9": "i", "\u03ba": "k",
    "\u0131": "i", "\u2024": ".", "\u00a0": " ", "\u2002": " ", "\u2003": " ", "\u2009": " ",
}
_CONTROLS = {"\t": "CHARACTER TABULATION", "\n": "LINE FEED", "\r": "CARRIAGE RETURN", "\x00": "NULL",
             "\x1b": "ESCAPE", "\x7f": "DELETE"}
MAX_NAMED = 3  # characters named per value: a name of many odd characters needs no more to be understood


def _looks_like(ch: str):
    if ch in _LOOKS_LIKE:
        return _LOOKS_LIKE[ch]
    folded = unicodedata.normalize("NFKC", ch)  # fullwidth and other compatibility forms
    return folded if len(folded) == 1 and folded.isascii() and folded != ch else None


def explain(value) -> str:
    """'' for a printable-ASCII string; otherwise what its odd characters are, e.g.
    "it contains U+2013 EN DASH at character 10, which looks like '-' but is not"."""
    if not isinstance(value, str):
        return ""
    odd = [(i, ch) for i, ch in enumerate(value) if not (ch.isascii() and ch.isprintable())]
    if not odd:
        return ""
    parts = []
    for i, ch in odd[:MAX_NAMED]:
        name = unicodedata.name(ch, "") or _CONTROLS.get(ch, "CONTROL CHARACTER")
        like = _looks_like(ch)
        parts.append(f"U+{ord(ch):04X} {name} at character {i + 1}" +
                     (f", which looks like '{like}' but is not" if like else ""))
    more = f" and {len(odd) - MAX_NAMED} more" if len(odd) > MAX_NAMED else ""
    return "it contains " + "; ".join(parts) + more


def suggestion(value) -> str:
    """``value`` with every known look-alike replaced by the ASCII it imitates ('' when none is known)."""
    if not isinstance(value, str):
        return ""
    fixed = "".join(_looks_like(ch) or ch for ch in value)
    return fixed if fixed != value and fixed.isascii() else ""
