"""A message's ``example`` is larger than the ``max_message_size`` of a queue or subscription that carries it.

``topowire local smoke`` sends every example through every route, and the
docs show it as a message that flows: one the queue would refuse (SQS and
Service Bus reject a message over the queue's maximum size) is a broken
promise, so the file says so before the emulator does.

Passing:

    messages:
      Job:
        example: {id: j-1}
    queues:
      jobs: {message: Job, max_message_size: 1KiB}

Failing:

    messages:
      Job:
        example:
          text: >-
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
            01234567890123456789012345678901234567890123456789012345678901234567890123456789
    queues:
      jobs: {message: Job, max_message_size: 1KiB}
"""

import json

from ..diagnostics import WARNING, Finding
from ..units import size_text

CODE = "TOP212"
NAME = "example-over-max-message-size"
LEVEL = WARNING


def example_size(message) -> int | None:
    """The bytes ``local smoke`` sends for ``message``'s example (None: it has none)."""
    if message is None or not message.has_example:
        return None
    return len(json.dumps(message.example, sort_keys=True).encode("utf-8"))


def check(ctx):
    topo = ctx.topology
    sizes: dict = {}
    for ch in (*topo.queues.values(), *topo.topics.values()):
        if ch.message not in sizes:
            sizes[ch.message] = example_size(topo.messages.get(ch.message)) if ch.message else None
        size = sizes[ch.message]
        if size is None:
            continue
        stores = [(f"queue '{ch.name}'", ch.settings, ("queues", ch.name))] if hasattr(ch, "settings") else []
        stores += [(f"the subscription of '{c.service}' to '{ch.name}'", c.settings, ("topics", ch.name))
                   for c in topo.consumers.get(ch.name, ()) if not hasattr(ch, "settings")]
        for what, settings, path in stores:
            limit = settings.max_message_size
            if limit is not None and size > limit:
                yield Finding(CODE, LEVEL, f"the example of message '{ch.message}' is {size:,} bytes as sent, larger "
                              f"than the max_message_size of {what} ({size_text(limit)}): the queue refuses it, and "
                              "'topowire local smoke' reports the route as failed", path,
                              "shorten the example, or raise max_message_size")
                break
