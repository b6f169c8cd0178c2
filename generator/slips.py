"""Indentation slips: a setting dedented by one level reads as a name, and the schema says so confusingly.

``filter:`` written level with the channel it belongs to, under ``consumes:``, makes a consumer of a
channel named ``filter``; ``visibility_timeout:`` level with the queue under ``queues:`` makes a
queue of that name. When a key of such a mapping is a setting the level below accepts, follows a
sibling, and something is wrong at it, every finding about it is replaced by one that names the slip,
its line, and the column it belongs at.
"""

from __future__ import annotations

from dataclasses import dataclass

from .diagnostics import ERROR, Finding
from .schema import CODE, schema


@dataclass(frozen=True)
class Slip:
    path: tuple          # the dedented key's path
    line: int
    parent: str          # the sibling it belongs under
    parent_line: int
    column: int          # where it belongs
    reads_as: str        # "a queue", "a consumer of a channel"
    belongs: str         # "a setting of queue 'jobs'"


def _props(name: str) -> set:
    return set(schema()["$defs"][name].get("properties", {}))


def _containers(data):
    """(path, mapping, settings of one level below, reads as, what the level below is)."""
    if not isinstance(data, dict):
        return
    for key, kind, definition in (("queues", "queue", "queue"), ("topics", "topic", "topic"),
                                  ("services", "service", "service"), ("messages", "message", "message")):
        if isinstance(data.get(key), dict):
            yield (key,), data[key], _props(definition), f"a {kind} named '{{key}}'", f"a setting of {kind} '{{parent}}'"
    services = data.get("services")
    if isinstance(services, dict):
        for name, svc in services.items():
            if isinstance(svc, dict) and isinstance(svc.get("consumes"), dict):
                yield (("services", name, "consumes"), svc["consumes"], _props("consumer"),
                       "a consumer of a channel named '{key}'", "an option of the consumer '{parent}'")


def find(doc) -> list[Slip]:
    keys = doc.keys
    out = []
    for path, mapping, settings, reads_as, belongs in _containers(doc.data):
        marks = {k: keys.get(path + (k,)) for k in mapping}
        for key in mapping:
            mark = marks[key]
            if key not in settings or mark is None:
                continue
            before = [(m.line, k) for k, m in marks.items() if m is not None and m.line < mark.line]
            if not before:
                continue
            parent_line, parent = max(before)
            children = mapping[parent] if isinstance(mapping[parent], dict) else {}
            child_cols = [keys[path + (parent, c)].col for c in children if path + (parent, c) in keys]
            column = min(child_cols) if child_cols else marks[parent].col + 2
            if column <= mark.col:
                continue
            out.append(Slip(path + (key,), mark.line, parent, parent_line, column, reads_as.format(key=key),
                            belongs.format(parent=parent)))
    return out


def explain(doc, findings: list) -> list:
    """``findings`` with those about a slipped key replaced by one that says what happened."""
    slips = [s for s in find(doc) if any(_under(f.path, s.path) for f in findings)]
    if not slips:
        return findings
    kept = [f for f in findings if not any(_under(f.path, s.path) for s in slips)]
    for s in slips:
        key = s.path[-1]
        kept.append(Finding(CODE, ERROR, f"'{key}' looks indented one level too little (line {s.line}): it reads as "
                                         f"{s.reads_as}, not as {s.belongs}",
                            s.path, f"indent it to column {s.column}, under '{s.parent}' (line {s.parent_line})",
                            key=True))
    return kept


def _under(path, prefix) -> bool:
    return tuple(path[:len(prefix)]) == tuple(prefix)
