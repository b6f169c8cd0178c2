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


def _ignore_case(value):  # Jinja's sort filter compares strings case-insensitively by default
    return value.lower() if isinstance(value, str) else value


def _joined(consumers, finalize) -> str:  # {% for c in ... %}{{ c.service }}{% if not loop.last %}, {% endif %}...
    return ", ".join(str(finalize(c.service)) for c in consumers)


def _rows(lines: list) -> Escaped:
    return Escaped("\n".join(lines))


def services(t, dead_letter, encryption, finalize) -> Escaped:
    lines = []
    for s in t.services.values():
        pubs = ", ".join(md_cell_code(r.channel) for r in sorted(s.publishes, key=lambda r: _ignore_case(r.channel)))
        cons = ", ".join(md_cell_code(c.channel) for c in s.consumes)
        lines.append(f"| **{finalize(s.name)}** | {md_text(s.owner)} | {pubs} | {cons} | {md_text(s.description)} |")
    return _rows(lines)


def queues(t, dead_letter, encryption, finalize) -> Escaped:
    lines = []
    for q in t.queues.values():
        s = q.settings
        size = finalize(size_text(s.max_message_size) if s.max_message_size else "cloud default")
        lines.append(f"| **{finalize(q.name)}** | {md_cell_code(q.message)} | {'yes' if q.fifo else 'no'} | "
                     f"{finalize(duration_text(s.visibility_timeout))} | {finalize(duration_text(s.retention))} | "
                     f"{finalize(duration_text(s.delay))} | {size} | {finalize(dead_letter(s))} | "
                     f"{finalize(encryption(s.encryption))} | {'yes' if s.protect else '**no**'} | "
                     f"{_joined(t.consumers.get(q.name, ()), finalize)} | {md_text(q.description)} |")
    return _rows(lines)


def topics(t, dead_letter, encryption, finalize) -> Escaped:
    lines = []
    for tp in t.topics.values():
        pubs = ", ".join(str(finalize(r.service)) for r in t.publishers.get(tp.name, ()))
        lines.append(f"| **{finalize(tp.name)}** | {md_cell_code(tp.message)} | {'yes' if tp.fifo else 'no'} | "
                     f"{finalize(encryption(tp.encryption))} | {pubs} | {_joined(t.consumers.get(tp.name, ()), finalize)} | "
                     f"{md_text(tp.description)} |")
    return _rows(lines)


def consumers(consumers, dead_letter, finalize) -> Escaped:
    lines = []
    for c in consumers:
        s = c.settings
        flt = finalize(filter_text(c.filter) if c.filter else "all messages")
        took = finalize(duration_text(c.processing_time) if c.processing_time is not None else "—")
        lines.append(f"| **{finalize(c.service)}** | {finalize(c.channel)} | {finalize(c.kind)} | {flt} | "
                     f"{finalize(duration_text(s.visibility_timeout))} | {took} | "
                     f"{finalize(duration_text(s.retention))} | {finalize(dead_letter(s))} |")
    return _rows(lines)


def dead_letters(t, subscriptions, finalize) -> Escaped:
    lines = []
    for q in t.queues.values():
        dl = q.settings.dead_letter
        if dl.enabled:
            lines.append(f"| queue {md_cell_code(q.name)} | {_joined(t.consumers.get(q.name, ()), finalize)} | "
                         f"{finalize(dl.max_receive_count)} receives | {finalize(duration_text(dl.retention))} | "
                         f"{finalize(duration_text(q.settings.retention))} |")
    for c in subscriptions:
        dl = c.settings.dead_letter
        if dl.enabled:
            lines.append(f"| topic {md_cell_code(c.channel)} | {finalize(c.service)} | "
                         f"{finalize(dl.max_receive_count)} receives | {finalize(duration_text(dl.retention))} | "
                         f"{finalize(duration_text(c.settings.retention))} |")
    return _rows(lines)


def cloud_names(rows, finalize) -> Escaped:
    heads: dict = {}  # (cloud, kind) -> the row's first two cells: a few dozen distinct ones
    lines = []
    for r in rows:
        head = heads.get((r.cloud, r.kind))
        if head is None:
            head = heads[(r.cloud, r.kind)] = f"| {finalize(r.cloud)} | {finalize(r.kind)} | "
        lines.append(f"{head}{md_cell_code(r.name)} |")
    return _rows(lines)
