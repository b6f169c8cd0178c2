"""The change list a reviewer reads: what changed in the topology, in its own words."""

from __future__ import annotations

from types import MappingProxyType

from ..clouds import settings_view
from ..units import duration_text, size_text
from . import Change

DURATIONS = ("visibility_timeout", "retention", "delay")


def _show(field, value) -> str:
    if value is None:  # no filter delivers every message: "none" alone would read as the opposite
        return "none (every message)" if field == "filter" else "none"
    if field in DURATIONS or field == "dead_letter_retention":
        return duration_text(value)
    if field == "max_message_size":
        return size_text(value)
    if isinstance(value, bool):
        return "on" if value else "off"
    if field == "filter":  # never empty: validation refuses `filter: {}`, and no filter is None
        return "; ".join(f"{a} in [{', '.join(v)}]" for a, v in value)
    if isinstance(value, (tuple, list)):  # notification channels
        return "[" + ", ".join(map(str, value)) + "]" if value else "none"
    return str(value)


def _settings(s) -> dict:
    d = dict(settings_view(s))
    d["dead_letter_retention"] = s.dead_letter.retention if s.dead_letter.enabled else None
    d["protect"] = s.protect
    return d


def _compare(subject, old: dict, new: dict) -> list:
    out = []
    for k in sorted(set(old) | set(new)):
        if old.get(k) != new.get(k):
            out.append(Change("changed", subject, f"{k}: {_show(k, old.get(k))} -> {_show(k, new.get(k))}"))
    return out


def _compared(obj) -> dict:
    """The fields of a dataclass that take part in its equality (not where in the file they were written)."""
    from dataclasses import fields

    return {f.name: getattr(obj, f.name) for f in fields(obj) if f.compare}


def _pairs(old_by_key: dict, new_by_key: dict, subject, out: list):
    """Report what only one side has as removed/added; yield (old, new, subject) for what both have."""
    for key in sorted(set(old_by_key) | set(new_by_key)):
        old, new = old_by_key.get(key), new_by_key.get(key)
        if new is None or old is None:
            out.append(Change("removed" if new is None else "added", subject(old or new)))
            continue
        yield old, new, subject(new)


def _offload(channel) -> str:
    """A channel's claim check as a reviewer reads it: off, on (above the broker's limit), or above a threshold."""
    lp = getattr(channel, "large_payloads", None)
    if lp is None:
        return "off"
    return "on" if lp.threshold is None else f"above {size_text(lp.threshold)}"


def _adopted(subject, old: dict, new: dict) -> list:
    """What changed in the physical names a channel adopts (``adopt.<cloud>``): each moves the channel to another
    existing resource, or back to its derived name."""
    out = []
    for cloud in sorted(set(old) | set(new)):
        o, n = old.get(cloud), new.get(cloud)
        def flat(a) -> dict:
            if a is None:
                return {}
            out = {"name": a.name, "dead_letter": a.dead_letter, "subscription": a.subscription,
                   # the existing IAM members (GCP) the program imports rather than creates
                   "publishers": ", ".join(sorted(a.publishers)) or None,
                   "subscribers": ", ".join(sorted(a.subscribers)) or None}
            for svc, sub in sorted(dict(a.subscriptions).items()):
                for k, v in sorted(dict(sub).items()):
                    if isinstance(v, (dict, MappingProxyType)):  # an adopted role assignment (Azure): name, role
                        out.update({f"subscriptions.{svc}.{k}.{f}": x for f, x in sorted(dict(v).items())})
                    elif isinstance(v, (list, tuple)):
                        out[f"subscriptions.{svc}.{k}"] = ", ".join(sorted(v)) or None
                    else:
                        out[f"subscriptions.{svc}.{k}"] = v
            for svc, ways in sorted(dict(a.role_assignments).items()):  # Azure: the live assignments it imports
                for way, ra in sorted(dict(ways).items()):
                    out.update({f"role_assignments.{svc}.{way}.{f}": x for f, x in sorted(dict(ra or {}).items())})
            return out
        out += _compare(subject, {f"adopt.{cloud}.{k}": v for k, v in flat(o).items() if v is not None},
                        {f"adopt.{cloud}.{k}": v for k, v in flat(n).items() if v is not None})
    return out


def compare(base, head) -> list:
    """Changes from ``base`` to ``head`` (either may be None: a file that does not exist)."""
    out: list = []
    if base is None or head is None:
        topo = head or base
        op = "added" if head is not None else "removed"
        for ch in (topo.channels() if topo else []):
            out.append(Change(op, f"{ch.kind} '{ch.name}'"))
        for s in (topo.services.values() if topo else []):
            out.append(Change(op, f"service '{s.name}'"))
        return out

    if base.name != head.name:
        out.append(Change("changed", "the topology", f"name: {base.name} -> {head.name}: every cloud name changes"))
    elif base.prefix != head.prefix:
        out.append(Change("changed", "the topology", f"prefix: {base.prefix} -> {head.prefix}: every cloud name changes"))
    for attr in ("description", "owner"):  # documentation only: no cloud resource changes
        if getattr(base, attr) != getattr(head, attr):
            out.append(Change("changed", "the topology", f"{attr} changed"))
    if base.targets != head.targets:
        out.append(Change("changed", "the topology", f"targets: {', '.join(base.targets)} -> {', '.join(head.targets)}"))
    if dict(base.tags) != dict(head.tags):
        out.append(Change("changed", "the topology", "tags changed"))
    if base.clouds != head.clouds:
        out += _compare("clouds", _compared(base.clouds), _compared(head.clouds))
    for cloud in sorted(set(base.accounts) | set(head.accounts)):  # where adopted names live: every import id
        old, new = dict(base.accounts.get(cloud) or {}), dict(head.accounts.get(cloud) or {})
        out += _compare(f"accounts.{cloud}", old, new)

    channels = lambda t: {(ch.kind, ch.deployed_name): ch for ch in t.channels()}  # noqa: E731
    for old, new, subject in _pairs(channels(base), channels(head), lambda ch: f"{ch.kind} '{ch.name}'", out):
        if old.name != new.name:
            out.append(Change("renamed", subject, f"from '{old.name}' (renamed_from keeps the deployed resources)"))
        if old.fifo != new.fifo:
            out.append(Change("changed", subject, f"fifo: {_show('fifo', old.fifo)} -> {_show('fifo', new.fifo)}"))
        if old.message != new.message:
            out.append(Change("changed", subject, f"message: {old.message} -> {new.message}"))
        if old.description != new.description:
            out.append(Change("changed", subject, "description changed"))
        if _offload(old) != _offload(new):
            out.append(Change("changed", subject, f"large_payloads: {_offload(old)} -> {_offload(new)}"))
        out += _adopted(subject, old.adopt, new.adopt)
        if new.kind == "queue":
            out += _compare(subject, _settings(old.settings), _settings(new.settings))
        elif old.encryption != new.encryption:
            out.append(Change("changed", subject, "encryption changed"))

    consumers = lambda t: {(t.channel(c.channel).deployed_name, t.deployed(c.service)): c  # noqa: E731
                           for c in t.all_consumers() if c.kind}
    for old, new, subject in _pairs(consumers(base), consumers(head),
                                    lambda c: f"consumer '{c.service}' of {c.kind} '{c.channel}'", out):
        if old.filter != new.filter:
            out.append(Change("changed", subject, f"filter: {_show('filter', old.filter)} -> {_show('filter', new.filter)}"))
        if new.kind == "topic" and old.kind == "topic":
            out += _compare(subject, _settings(old.settings), _settings(new.settings))
        if old.processing_time != new.processing_time:
            out.append(Change("changed", subject, f"processing_time: {_show('delay', old.processing_time)} -> "
                                                  f"{_show('delay', new.processing_time)}"))

    services = lambda t: {s.deployed_name: s for s in t.services.values()}  # noqa: E731
    for old, new, subject in _pairs(services(base), services(head), lambda sv: f"service '{sv.name}'", out):
        if old.name != new.name:
            out.append(Change("renamed", subject, f"from '{old.name}' (renamed_from keeps the deployed resources)"))
        op = {base.channel(r.channel).deployed_name for r in old.publishes}
        np = {head.channel(r.channel).deployed_name for r in new.publishes}
        for ch in sorted(np - op):
            out.append(Change("changed", subject, f"now publishes to '{ch}'"))
        for ch in sorted(op - np):
            out.append(Change("changed", subject, f"no longer publishes to '{ch}'"))
        if old.identity != new.identity:
            out.append(Change("changed", subject, "identity changed"))
        for attr in ("description", "owner"):
            if getattr(old, attr) != getattr(new, attr):
                out.append(Change("changed", subject, f"{attr} changed"))

    # Messages: the contract publishers and consumers share (no cloud resource; asyncapi shows the details).
    for old, new, subject in _pairs(dict(base.messages), dict(head.messages), lambda m: f"message '{m.name}'", out):
        for attr in ("description", "content_type", "schema", "example"):
            if getattr(old, attr) != getattr(new, attr):
                out.append(Change("changed", subject, f"{attr} changed"))
    return out
