"""Diagnostics ordered by cause: a warning that follows from an error comes right after it.

A typo in a reference (``publishes: [jbos]``, TOP101, "did you mean 'jobs'?") also leaves the
intended channel without a publisher (TOP109 on 'jobs', which is earlier in the file). Read in line
order the warning comes first and sends the reader to the wrong place; here it follows the typo,
and its hint names it.
"""

from __future__ import annotations

import re
from dataclasses import replace

_TYPO = re.compile(r"^service '(?P<svc>[^']*)' (?P<verb>publishes to|consumes) '(?P<name>[^']*)', which is neither")
_MEANT = re.compile(r"did you mean '(?P<name>[^']*)'\?")
_UNUSED = re.compile(r"^no service (?P<verb>publishes to|consumes) (?:queue|topic) '(?P<name>[^']*)'")


def order(diags: list) -> list:
    """``diags`` (sorted by position) with each TOP109 that a TOP101 typo explains moved right after it."""
    unused = {}   # (verb, channel) -> the TOP109 warnings about it, in order: one pass, not one per typo
    for w in diags:
        m = _UNUSED.match(w.message) if w.code == "TOP109" else None
        if m:
            unused.setdefault((m["verb"], m["name"]), []).append(w)
    caused = {}   # id of the warning -> the error that explains it
    for d in diags:
        if d.code != "TOP101":
            continue
        typo, meant = _TYPO.match(d.message), _MEANT.search(d.hint or "")
        if not typo or not meant:
            continue
        for w in unused.pop((typo["verb"], meant["name"]), ()):   # the first typo explains them
            caused[id(w)] = d
    if not caused:
        return diags
    out = []
    followers = {}
    for w in diags:
        if id(w) in caused:
            followers.setdefault(id(caused[id(w)]), []).append(w)
    for d in diags:
        if id(d) in caused:
            continue
        out.append(d)
        for w in followers.get(id(d), []):
            typo = _TYPO.match(d.message)
            note = f"probably because of the typo '{typo['name']}' at line {d.line}, which the error above reports"
            out.append(replace(w, hint=f"{note}; otherwise {w.hint}" if w.hint else note))
    return out
