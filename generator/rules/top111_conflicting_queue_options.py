"""Consumers of one queue (or the queue and a consumer) set a queue option differently.

On a queue, ``visibility_timeout``, ``max_receive_count`` and ``dead_letter``
of a consumer set the queue's own settings, which all its consumers share.
Two different values cannot both hold: set it in one place. Every spelling of a
setting counts: ``max_receive_count`` is also written ``dead_letter: {max_receive_count: N}``,
so a consumer's ``max_receive_count: 3`` and the queue's
``dead_letter: {max_receive_count: 10}`` disagree.

Passing:

    queues: {jobs: {}}
    services:
      api: {publishes: [jobs]}
      worker:
        consumes:
          jobs: {visibility_timeout: 2m}

Failing:

    queues: {jobs: {visibility_timeout: 30s}}
    services:
      api: {publishes: [jobs]}
      worker:
        consumes:
          jobs: {visibility_timeout: 2m}
"""

from ..diagnostics import ERROR, Finding
from ..model import CONSUMER_QUEUE_OPTIONS
from ..units import seconds

CODE = "TOP111"
NAME = "conflicting-queue-options"
LEVEL = ERROR


def _norm(field, value):
    if field == "visibility_timeout":
        return seconds(value)
    if field == "dead_letter" and isinstance(value, dict):
        # its max_receive_count is compared with the other spelling, under max_receive_count
        return tuple(sorted((k, seconds(v) if k == "retention" else v) for k, v in value.items()
                            if k != "max_receive_count")) or True
    return value


def _spellings(mapping: dict, base: tuple, field: str) -> list:
    """The paths in ``mapping`` (at ``base``) that set ``field``, in every spelling."""
    out = [base + (field,)] if field in mapping else []
    dl = mapping.get("dead_letter")
    if field == "max_receive_count" and isinstance(dl, dict) and "max_receive_count" in dl:
        out.append(base + ("dead_letter", "max_receive_count"))
    return out


def _shown(value):
    """The value as the user would write it in YAML (flow style for a mapping), not as Python prints it."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_shown(v)}" for k, v in value.items()) + "}"
    return "true" if value is True else "false" if value is False else str(value)


def check(ctx):
    topo = ctx.topology
    for q in topo.queues.values():
        raw_queue = ctx.raw(q.path) or {}
        for field in CONSUMER_QUEUE_OPTIONS:
            # one setter per place: where a place writes both spellings, the one that wins (TOP125 reports the pair)
            setters = [(f"queue '{q.name}'", path) for path in _spellings(raw_queue, q.path, field)[-1:]]
            for c in topo.consumers.get(q.name, ()):
                own = [c.options[field]] if field in c.options else []
                dl = c.options.get("dead_letter")
                if field == "max_receive_count" and dl is not None and isinstance(ctx.raw(dl), dict) \
                        and "max_receive_count" in ctx.raw(dl):
                    own.append(dl + ("max_receive_count",))
                setters += [(f"service '{c.service}'", path) for path in own[-1:]]
            if len({_norm(field, ctx.raw(path)) for _who, path in setters}) < 2:
                continue
            first_who, first_path = setters[0]
            first = _norm(field, ctx.raw(first_path))
            for who, path in setters[1:]:
                if _norm(field, ctx.raw(path)) != first:
                    yield Finding(CODE, LEVEL,
                                  f"{who} sets {field} of queue '{q.name}' to {_shown(ctx.raw(path))}, but "
                                  f"{first_who} sets it to {_shown(ctx.raw(first_path))}: all consumers share one queue",
                                  path, f"set {field} once, on queue '{q.name}'", key=True)
