"""Indentation slips: a setting dedented by one level reads as a name, and the schema says so confusingly.

``filter:`` written level with the channel it belongs to, under ``consumes:``, makes a consumer of a
channel named ``filter``; ``visibility_timeout:`` level with the queue under ``queues:`` makes a
queue of that name. When a key of such a mapping is a setting the level below accepts, follows a
sibling, and something is wrong at it, every finding about it is replaced by one that names the slip,
its line, and the column it belongs at.

The other slip is a whole block dedented under its key: ``consumes:`` with nothing under it, and the
consumers written level with it, so each reads as an unknown key of the service (and ``consumes`` as
empty). That is reported once, at the empty key, naming the keys that belong under it.
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


@dataclass(frozen=True)
class EmptyBlock:
    path: tuple          # the empty key's path (consumes of a service)
    line: int
    column: int          # where the keys under it belong
    keys: tuple          # ((key, line), ...): the keys after it that belong under it
    where: str           # "service 'worker'"


def _blocks(data):
    """(path, mapping, the keys it accepts, what it is) for mappings whose keys hold blocks of names."""
    if not isinstance(data, dict):
        return
    yield (), data, set(schema().get("properties", {})), ""
    services = data.get("services")
    if isinstance(services, dict):
        for name, svc in services.items():
            if isinstance(svc, dict):
                yield ("services", name), svc, _props("service"), f"service '{name}'"
                consumes = svc.get("consumes")
                if isinstance(consumes, dict):
                    for channel, opts in consumes.items():
                        if isinstance(opts, dict):
                            yield (("services", name, "consumes", channel), opts, _props("consumer"),
                                   f"the consumer '{channel}' of service '{name}'")


def find_empty_blocks(doc) -> list[EmptyBlock]:
    keys = doc.keys
    out = []
    for path, mapping, accepted, where in _blocks(doc.data):
        ordered = sorted((keys[path + (k,)].line, k) for k in mapping if path + (k,) in keys)
        for i, (line, key) in enumerate(ordered):
            if mapping[key] is not None or key not in accepted:
                continue
            after = []
            for later_line, later in ordered[i + 1:]:
                if later in accepted:
                    break
                after.append((later, later_line))
            if after:
                out.append(EmptyBlock(path + (key,), line, keys[path + (key,)].col + 2, tuple(after), where))
    return out


def _block_findings(doc, findings: list) -> tuple:
    """(findings without those an empty block explains, the findings that explain them)."""
    explains = {}
    for b in find_empty_blocks(doc):
        paths = (b.path, *(b.path[:-1] + (k,) for k, _ in b.keys))
        if any(_under(f.path, p) for f in findings for p in paths):
            explains[b] = paths
    if not explains:
        return findings, []
    blocks = sorted(explains, key=lambda b: b.line)
    explained = [p for paths in explains.values() for p in paths]
    kept = [f for f in findings if not any(_under(f.path, e) for e in explained)]
    new = []
    for b in blocks:
        key = b.path[-1]
        shown = ", ".join(f"'{k}' (line {line})" for k, line in b.keys[:5]) + (
            f" and {len(b.keys) - 5} more" if len(b.keys) > 5 else "")
        of, keys_of = (f" of {b.where}", f"keys of {b.where}") if b.where else ("", "top-level keys")
        new.append(Finding(CODE, ERROR, f"'{key}'{of} is empty, and the keys after it, {shown}, are not "
                                        f"{keys_of}: they look indented one level too little",
                           b.path, f"indent them to column {b.column}, under '{key}' (line {b.line})", key=True))
    return kept, new


def explain(doc, findings: list) -> list:
    """``findings`` with those about a slipped key replaced by one that says what happened."""
    findings, block_findings = _block_findings(doc, findings)
    slips = [s for s in find(doc) if any(_under(f.path, s.path) for f in findings)]
    if not slips:
        return findings + block_findings
    kept = [f for f in findings if not any(_under(f.path, s.path) for s in slips)] + block_findings
    for s in slips:
        key = s.path[-1]
        kept.append(Finding(CODE, ERROR, f"'{key}' looks indented one level too little (line {s.line}): it reads as "
                                         f"{s.reads_as}, not as {s.belongs}",
                            s.path, f"indent it to column {s.column}, under '{s.parent}' (line {s.parent_line})",
                            key=True))
    return kept


def _under(path, prefix) -> bool:
    return tuple(path[:len(prefix)]) == tuple(prefix)
