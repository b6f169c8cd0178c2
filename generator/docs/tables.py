"""The rows of the docs' large tables, written in Python (one string per table).

A 5,000-service topology has tables of 5,000 to 58,000 rows; through the template's own loops, attribute
look-ups and ``finalize`` on every cell, they were most of `topowire docs`'s time. Each function here writes
exactly what the template wrote: every cell printed with the same filter (``escape``'s functions) and every
other value through the same ``finalize`` (Markdown text), so the page is byte-identical. The template keeps
the page's structure and the small sections; the rows come in as ``Escaped`` text.
"""

from __future__ import annotations

from ..escape import Escaped, md_cell_code, md_text
from ..units import duration_text, size_text
from .mermaid import filter_text


class Cells(dict):
    """``finalize`` of plain strings (names, durations, settings), each distinct one escaped once per page.

    Only ``str`` values go through it, never ``Escaped`` ones (equal as keys, but printed as they are)."""

    def __init__(self, finalize):
        super().__init__()
        self.finalize = finalize

    def __missing__(self, value):
        out = self[value] = str(self.finalize(value))
        return out


def _ignore_case(value):  # Jinja's sort filter compares strings case-insensitively by default
    return value.lower() if isinstance(value, str) else value


def _joined(consumers, cells) -> str:  # {% for c in ... %}{{ c.service }}{% if not loop.last %}, {% endif %}...
    return ", ".join(cells[c.service] for c in consumers)


def _rows(lines: list) -> Escaped:
    return Escaped("\n".join(lines))


def services(t, cells: Cells) -> Escaped:
    lines = []
    for s in t.services.values():
        pubs = ", ".join(md_cell_code(r.channel) for r in sorted(s.publishes, key=lambda r: _ignore_case(r.channel)))
        cons = ", ".join(md_cell_code(c.channel) for c in s.consumes)
        lines.append(f"| **{cells[s.name]}** | {md_text(s.owner)} | {pubs} | {cons} | {md_text(s.description)} |")
    return _rows(lines)


def queues(t, cells: Cells, dead_letter, encryption) -> Escaped:
    lines = []
    for q in t.queues.values():
        s = q.settings
        size = cells[size_text(s.max_message_size) if s.max_message_size else "cloud default"]
        lines.append(f"| **{cells[q.name]}** | {md_cell_code(q.message)} | {'yes' if q.fifo else 'no'} | "
                     f"{cells[duration_text(s.visibility_timeout)]} | {cells[duration_text(s.retention)]} | "
                     f"{cells[duration_text(s.delay)]} | {size} | {cells[dead_letter(s)]} | "
                     f"{cells.finalize(encryption(s.encryption))} | {'yes' if s.protect else '**no**'} | "
                     f"{_joined(t.consumers.get(q.name, ()), cells)} | {md_text(q.description)} |")
    return _rows(lines)


def topics(t, cells: Cells, encryption) -> Escaped:
    lines = []
    for tp in t.topics.values():
        pubs = ", ".join(cells[r.service] for r in t.publishers.get(tp.name, ()))
        lines.append(f"| **{cells[tp.name]}** | {md_cell_code(tp.message)} | {'yes' if tp.fifo else 'no'} | "
                     f"{cells.finalize(encryption(tp.encryption))} | {pubs} | "
                     f"{_joined(t.consumers.get(tp.name, ()), cells)} | {md_text(tp.description)} |")
    return _rows(lines)


def consumers(consumers, cells: Cells, dead_letter) -> Escaped:
    lines = []
    for c in consumers:
        s = c.settings
        flt = cells[filter_text(c.filter) if c.filter else "all messages"]
        took = cells[duration_text(c.processing_time) if c.processing_time is not None else "—"]
        lines.append(f"| **{cells[c.service]}** | {cells[c.channel]} | {cells.finalize(c.kind)} | {flt} | "
                     f"{cells[duration_text(s.visibility_timeout)]} | {took} | "
                     f"{cells[duration_text(s.retention)]} | {cells[dead_letter(s)]} |")
    return _rows(lines)


def dead_letters(t, subscriptions, cells: Cells) -> Escaped:
    lines = []
    for q in t.queues.values():
        dl = q.settings.dead_letter
        if dl.enabled:
            lines.append(f"| queue {md_cell_code(q.name)} | {_joined(t.consumers.get(q.name, ()), cells)} | "
                         f"{cells.finalize(dl.max_receive_count)} receives | {cells[duration_text(dl.retention)]} | "
                         f"{cells[duration_text(q.settings.retention)]} |")
    for c in subscriptions:
        dl = c.settings.dead_letter
        if dl.enabled:
            lines.append(f"| topic {md_cell_code(c.channel)} | {cells[c.service]} | "
                         f"{cells.finalize(dl.max_receive_count)} receives | {cells[duration_text(dl.retention)]} | "
                         f"{cells[duration_text(c.settings.retention)]} |")
    return _rows(lines)


def cloud_names(rows, cells: Cells) -> Escaped:
    heads: dict = {}  # (cloud, kind) -> the row's first two cells: a few dozen distinct ones
    lines = []
    for r in rows:
        head = heads.get((r.cloud, r.kind))
        if head is None:
            head = heads[(r.cloud, r.kind)] = f"| {cells[r.cloud]} | {cells[r.kind]} | "
        lines.append(f"{head}{md_cell_code(r.name)} |")
    return _rows(lines)
