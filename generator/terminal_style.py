"""How `validate` shows a finding to a person at a terminal: colour, and the source line with a caret.

As compilers and linters do (rustc, ruff): the line the finding points at, then a caret under its column.
Only on a terminal: a pipe, a file, CI logs and ``NO_COLOR`` (no-color.org) get the plain report, which
tools and tests read; ``NO_COLOR`` keeps the source line and drops the colour. The source line is the
topology's own text, so it is escaped like every other string printed to a terminal, and the caret is
placed under the escaped text.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from .escape import terminal

_SGR = {"error": "1;31", "warning": "1;33", "info": "1;36", "hint": "36", "where": "1", "gutter": "34",
        "caret": "1;32"}
MAX_LINE = 200  # characters of a source line shown: a minified file must not flood the terminal


@dataclass
class Style:
    color: bool
    excerpts: bool
    sources: dict = field(default_factory=dict)  # file -> its lines (read once, by the caller)

    def paint(self, what: str, text: str) -> str:
        return f"\x1b[{_SGR[what]}m{text}\x1b[0m" if self.color else text


def for_stream(stream, environ=os.environ) -> Style | None:
    """The style for ``stream``: None (the plain report) unless it is a terminal."""
    isatty = getattr(stream, "isatty", None)
    if not (isatty and isatty()):
        return None
    return Style(color=not environ.get("NO_COLOR"), excerpts=True)


def excerpt(style: Style, file: str, line: int, col: int) -> list:
    """The gutter, source line and caret of one position, or nothing when the line is not at hand."""
    lines = style.sources.get(file)
    if not lines or not 1 <= line <= len(lines):
        return []
    raw = lines[line - 1][:MAX_LINE]
    shown = terminal(raw)
    pad = len(terminal(raw[:max(col - 1, 0)]))  # the caret under the column, as the escaped line shows it
    gutter = f"{line:>5} | "
    return [style.paint("gutter", gutter) + shown,
            style.paint("gutter", " " * 6 + "| ") + " " * pad + style.paint("caret", "^")]
