"""A pull-request comment within a size: whole sections kept, long lists cut with a line saying how many are left out.

GitHub refuses a comment over 65,536 characters and the comment workflow one over 60,000 bytes, so a large change
(a first import, a rename of everything) would get no comment at all. ``fit`` keeps every fixed line (headings,
counts, notes) and fills what remains with each list's rows in order of importance: destructive changes first.
"""

from __future__ import annotations

from typing import Callable, NamedTuple


class Rows(NamedTuple):
    """Lines that may be cut from the end: ``more(n)`` is the line that says ``n`` were left out."""
    lines: list
    more: Callable[[int], str]
    priority: int  # lower keeps its rows first
    whole: bool = False  # one block shown whole or not at all (the diagram): left out, its room goes to the rest


def _size(line: str) -> int:
    return len(line.encode("utf-8")) + 1  # and its newline


def fit(parts: list, limit: int | None) -> list:
    """The lines of ``parts`` (strings and ``Rows``), with rows cut where the whole is over ``limit`` bytes."""
    rows = [p for p in parts if isinstance(p, Rows)]
    whole = sum(_size(p) for p in parts if not isinstance(p, Rows)) + sum(_size(x) for r in rows for x in r.lines)
    kept: dict = {}
    if limit is None or whole <= limit:
        kept = {id(r): len(r.lines) for r in rows}
    else:
        left = limit - sum(_size(p) for p in parts if not isinstance(p, Rows)) \
            - sum(_size(r.more(len(r.lines))) for r in rows if r.lines)
        for r in sorted(rows, key=lambda r: r.priority):
            n = 0
            for line in r.lines:
                if _size(line) > left:
                    break
                left -= _size(line)
                n += 1
            kept[id(r)] = n
            if n < len(r.lines) and not r.whole:
                left = 0  # a more important list was cut: the lesser ones list nothing rather than a few
    out: list = []
    for p in parts:
        if not isinstance(p, Rows):
            out.append(p)
            continue
        n = kept[id(p)]
        out += p.lines[:n]
        if n < len(p.lines):
            out.append(p.more(len(p.lines) - n))
    return out
