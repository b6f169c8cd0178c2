"""The rows of the docs' large tables, written in Python (one string per table).

A 5,000-service topology has tables of 5,000 to 58,000 rows; through the template's own loops, attribute
look-ups and ``finalize`` on every cell, they were most of `topowire docs`'s time. Each function here writes
exactly what the template wrote: every cell printed with the same filter (``escape``'s functions) and every
other value through the same ``finalize`` (Markdown text), so the page is byte-identical. The template keeps
the page's structure and the small sections; the rows come in as ``Escaped`` text.
"""

from __future__ import annotations

from operator import attrgetter

from ..clouds import derived_names, spec
from ..escape import Escaped, md_cell_code, md_text, md_cell_codes
from ..units import duration_text, size_text
from .mermaid import filter_text


class _Memo(dict):
    """``make(value)`` for each distinct value, made once."""

    def __init__(self, make):
        super().__init__()
        self.make = make

    def __missing__(self, value):
        out = self[value] = self.make(value)
        return out


class Cells(_Memo):
    """``finalize`` of plain strings (names, durations, settings), each distinct one escaped once per page.

    Only ``str`` values go through it, never ``Escaped`` ones (equal as keys, but printed as they are).
    ``code`` is the same for ``md_cell_code`` (channel names, repeated in many rows), ``dur`` for a duration's
    cell from its seconds."""

    def __init__(self, finalize):
        super().__init__(lambda value: str(finalize(value)))
        self.finalize = finalize
        self.code = _Memo(lambda v: str(md_cell_code(v)))
        self.dur = _Memo(lambda secs: self[duration_text(secs)])
        self.text = _Memo(lambda v: str(md_text(v)))  # md_text of a name or description (owners repeat)


def _ignore_case(value):  # Jinja's sort filter compares strings case-insensitively by default
    return value.lower() if isinstance(value, str) else value


def _joined(consumers, cells) -> str:  # {% for c in ... %}{{ c.service }}{% if not loop.last %}, {% endif %}...
    return ", ".join(cells[c.service] for c in consumers)


def _rows(lines: list) -> Escaped:
    return Escaped("\n".join(lines))


def _by_channel(ref) -> str:  # publishes are sorted as the template's sort filter did (ignoring case)
    return _ignore_case(ref.channel)


def _text(cells: Cells, value) -> str:
    """md_text of a model string (empty most often for a description), each distinct one escaped once."""
    if not value:
        return ""
    return cells.text[value] if value.__class__ is str else md_text(value)


def services(t, cells: Cells) -> Escaped:
    code, lines = cells.code, []
    for s in t.services.values():
        pubs = s.publishes
        pubs = ", ".join([code[r.channel] for r in (sorted(pubs, key=_by_channel) if len(pubs) > 1 else pubs)])
        cons = ", ".join([code[c.channel] for c in s.consumes])
        lines.append(f"| **{cells[s.name]}** | {_text(cells, s.owner)} | {pubs} | {cons} | "
                     f"{_text(cells, s.description)} |")
    return _rows(lines)


def offload_mark(channel) -> str:
    """`` · large payloads [above <threshold>]`` after a channel that offloads its bodies (docs/format.md)."""
    lp = getattr(channel, "large_payloads", None)
    if lp is None:
        return ""
    return " · large payloads" + (f" above {size_text(lp.threshold)}" if lp.threshold is not None else "")


def queues(t, cells: Cells, dead_letter, encryption) -> Escaped:
    dur, lines = cells.dur, []
    for q in t.queues.values():
        s = q.settings
        size = cells[size_text(s.max_message_size) if s.max_message_size else "cloud default"]
        lines.append(f"| **{cells[q.name]}**{offload_mark(q)} | {md_cell_code(q.message)} | {'yes' if q.fifo else 'no'} | "
                     f"{dur[s.visibility_timeout]} | {dur[s.retention]} | "
                     f"{dur[s.delay]} | {size} | {cells[dead_letter(s)]} | "
                     f"{cells.finalize(encryption(s.encryption))} | {'yes' if s.protect else '**no**'} | "
                     f"{_joined(t.consumers.get(q.name, ()), cells)} | {_text(cells, q.description)} |")
    return _rows(lines)


def topics(t, cells: Cells, encryption) -> Escaped:
    lines = []
    for tp in t.topics.values():
        pubs = ", ".join([cells[r.service] for r in t.publishers.get(tp.name, ())])
        lines.append(f"| **{cells[tp.name]}**{offload_mark(tp)} | {md_cell_code(tp.message)} | {'yes' if tp.fifo else 'no'} | "
                     f"{cells.finalize(encryption(tp.encryption))} | {pubs} | "
                     f"{_joined(t.consumers.get(tp.name, ()), cells)} | {_text(cells, tp.description)} |")
    return _rows(lines)


def consumers(consumers, cells: Cells, dead_letter) -> Escaped:
    dur, lines = cells.dur, []
    for c in consumers:
        s = c.settings
        flt = cells[filter_text(c.filter)] if c.filter else cells["all messages"]
        took = dur[c.processing_time] if c.processing_time is not None else cells["—"]
        lines.append(f"| **{cells[c.service]}** | {cells[c.channel]} | {cells[c.kind]} | "
                     f"{flt} | {dur[s.visibility_timeout]} | {took} | {dur[s.retention]} | {cells[dead_letter(s)]} |")
    return _rows(lines)


def dead_letters(t, subscriptions, cells: Cells) -> Escaped:
    dur, code, lines = cells.dur, cells.code, []
    for q in t.queues.values():
        dl = q.settings.dead_letter
        if dl.enabled:
            lines.append(f"| queue {code[q.name]} | {_joined(t.consumers.get(q.name, ()), cells)} | "
                         f"{cells.finalize(dl.max_receive_count)} receives | {dur[dl.retention]} | "
                         f"{dur[q.settings.retention]} |")
    for c in subscriptions:
        dl = c.settings.dead_letter
        if dl.enabled:
            lines.append(f"| topic {code[c.channel]} | {cells[c.service]} | "
                         f"{cells.finalize(dl.max_receive_count)} receives | {dur[dl.retention]} | "
                         f"{dur[c.settings.retention]} |")
    return _rows(lines)


def cloud_names(t, cells: Cells, names: dict | None = None) -> Escaped:
    """Each target cloud's derived names, a row per distinct (resource kind, name), in the specs' order
    (``names``: cloud -> the derived names to list, when not all of ``t``'s: a group's page of a site)."""
    lines = []
    for cloud in t.targets:
        rows = list(dict.fromkeys(map(_KIND_NAME, derived_names(t, cloud) if names is None else names[cloud])))  # the names' kinds and names, once
        title = cells[spec(cloud).TITLE]
        heads = {kind: f"| {title} | {cells[kind]} | " for kind in {kind for kind, _ in rows}}
        lines += [f"{heads[kind]}{code} |" for (kind, _), code in zip(rows, md_cell_codes([n for _, n in rows]))]
    return _rows(lines)


_KIND_NAME = attrgetter("kind", "name")


def environment_settings(rows: list, cells: Cells) -> Escaped:
    """The Environments section's settings that differ: subject, setting, then a value per column."""
    return _rows([f"| {cells[r['subject']]} | {cells[r['setting']]} |{''.join(f' {cells[v]} |' for v in r['values'])}"
                  for r in rows])


def environment_names(rows: list, cells: Cells) -> Escaped:
    """The physical names per stack: cloud, resource kind, then a name per stack (all names escaped at once)."""
    width = len(rows[0]["names"]) if rows else 0
    codes = md_cell_codes([n for r in rows for n in r["names"]])
    heads = {key: f"| {cells[key[0]]} | {cells[key[1]]} |" for key in {(r["cloud"], r["kind"]) for r in rows}}
    return _rows([f"{heads[(r['cloud'], r['kind'])]} {' | '.join(codes[i * width:(i + 1) * width])} |"
                  for i, r in enumerate(rows)])
