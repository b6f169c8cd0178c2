"""Every output topowire writes is bounded: docs, plan, diff reports, validation reports.

A small hostile topology can still ask for a huge output (the same long tag
on every resource, thousands of channels times a long description). Outputs
are built through ``join`` (streamed chunks, stopped as soon as the limit is
passed, so memory stays bounded too) or checked with ``check``; past
``MAX_OUTPUT_CHARS`` the command exits 1 with a message naming the limit.
"""

from __future__ import annotations

from itertools import islice
from typing import Iterable

from .errors import InputError

MAX_OUTPUT_CHARS = 64 * 1024 * 1024


class OutputTooLarge(InputError):
    def __init__(self, what: str, limit: int):
        super().__init__(f"{what} would be larger than {limit // 1048576} MiB, topowire's output limit: the topology "
                         "makes it too large (long values repeated on many resources, or aliases expanding them); "
                         "shorten the repeated values")
        self.what, self.limit = what, limit


def join(chunks: Iterable[str], what: str, limit: int | None = None) -> str:
    """``"".join(chunks)``, stopped with OutputTooLarge as soon as it passes the limit."""
    return "".join(pieces(chunks, what, limit))


def pieces(chunks: Iterable[str], what: str, limit: int | None = None) -> list:
    """The chunks joined into a few large pieces (write them one after the other: no copy of the whole text),
    with OutputTooLarge as soon as they pass the limit, before anything is written."""
    limit = MAX_OUTPUT_CHARS if limit is None else limit
    # Joined a few thousand chunks at a time: json's iterencode yields a chunk per token (a 1,000-service plan
    # is over a million), and a million small strings held until the end took more memory than the text.
    # Taken _TAKE chunks at a time (a template's page is a few dozen; counted after each take, so at most _TAKE
    # chunks are made past the limit), joined _BATCH at a time.
    out, batch, total = [], [], 0
    it = iter(chunks)
    while True:
        taken = list(islice(it, _TAKE))
        if not taken:
            break
        total += sum(map(len, taken))
        if total > limit:
            raise OutputTooLarge(what, limit)
        batch += taken
        if len(batch) >= _BATCH:
            out.append("".join(batch))
            batch = []
    out.append("".join(batch))
    return out


_BATCH = 4096
_TAKE = 64


def check(text: str, what: str, limit: int | None = None) -> str:
    limit = MAX_OUTPUT_CHARS if limit is None else limit
    if len(text) > limit:
        raise OutputTooLarge(what, limit)
    return text


class Budget:
    """One output bound shared by many pieces written one after the other (every AsyncAPI document of a run):
    ``add`` counts a piece's characters and raises OutputTooLarge as soon as the total passes the limit, so the
    pieces after the first one that crosses it are never rendered. ``stream()`` is a text stream for a writer
    (yaml.dump) that counts as it is written: one huge piece stops while it is being rendered."""

    def __init__(self, what: str, limit: int | None = None):
        self.what, self.limit, self.total = what, MAX_OUTPUT_CHARS if limit is None else limit, 0

    def add(self, size: int) -> None:
        self.total += size
        if self.total > self.limit:
            raise OutputTooLarge(self.what, self.limit)

    def stream(self):
        return _Counted(self)


class _Counted:
    def __init__(self, budget: Budget):
        self.budget, self.parts = budget, []

    def write(self, text: str) -> None:
        self.budget.add(len(text))
        self.parts.append(text)

    def flush(self) -> None:
        pass

    def getvalue(self) -> str:
        return "".join(self.parts)
