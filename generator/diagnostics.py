"""Diagnostics: what every check produces, and where it points.

The core collects diagnostics and never prints; reporters (see
``generator.reporters``) turn them into text, JSON or GitHub annotations.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Iterable, Mapping, NamedTuple

ERROR = "error"
WARNING = "warning"
INFO = "info"  # what a reader should know; never fails validate, not even with --strict
LEVELS = (ERROR, WARNING, INFO)

Path = tuple  # a JSON path into the document: ("queues", "jobs", "retention")


class Mark(NamedTuple):  # a named tuple: the loader makes one for every node and key (100,000s in a large file)
    """1-based line and column of a YAML node."""

    line: int
    col: int


@dataclass(frozen=True, order=True)
class Diagnostic:
    file: str
    line: int
    col: int
    level: str
    code: str
    message: str
    hint: str = ""
    path: Path = field(default=(), compare=False)

    @property
    def json_path(self) -> str:
        return path_text(self.path)

    def as_dict(self) -> dict:
        return {
            "file": self.file,
            "line": self.line,
            "col": self.col,
            "level": self.level,
            "code": self.code,
            "message": self.message,
            "hint": self.hint,
            "path": self.json_path,
        }


def path_text(path: Path) -> str:
    """``("queues", "jobs", 0)`` -> ``$.queues.jobs[0]`` (JSON path, as check-jsonschema)."""
    out = "$"
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part.replace("-", "").replace("_", "").isalnum():
            out += f".{part}"
        else:
            out += f"[{part!r}]"
    return out


@dataclass(frozen=True)
class Finding:
    """What a rule reports: a code, level, message and the node it is about.

    ``key=True`` points at the mapping key of ``path`` rather than its value
    (used for unknown keys and names).
    """

    code: str
    level: str
    message: str
    path: Path
    hint: str = ""
    key: bool = False
    at: tuple | None = None  # (file, line, col) in another file (a message's schema file), instead of ``path``


class Locator:
    """Turns a JSON path into ``file:line:col`` using the loader's marks.

    A path without a mark of its own (a default, or a value reached through an
    alias) falls back to its nearest ancestor that has one.
    """

    def __init__(self, file: str, values: Mapping[Path, Mark], keys: Mapping[Path, Mark]):
        self.file = file
        self._values = values
        self._keys = keys

    def mark(self, path: Path, key: bool = False) -> Mark:
        path = tuple(path)
        if key and path in self._keys:
            return self._keys[path]
        while path:
            if path in self._values:
                return self._values[path]
            path = path[:-1]
        return self._values.get((), Mark(1, 1))

    def diagnostic(self, f: Finding) -> Diagnostic:
        if f.at is not None:
            return Diagnostic(f.at[0], f.at[1], f.at[2], f.level, f.code, f.message, f.hint, tuple(f.path))
        m = self.mark(f.path, f.key)
        return Diagnostic(self.file, m.line, m.col, f.level, f.code, f.message, f.hint, tuple(f.path))


def sort_diagnostics(diags: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Stable order: file, line, column, then code, so output diffs cleanly."""
    return sorted(set(diags), key=lambda d: (d.file, d.line, d.col, d.code, d.message))


def has_errors(diags: Iterable[Diagnostic]) -> bool:
    return any(d.level == ERROR for d in diags)
