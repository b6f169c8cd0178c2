"""A channel names a ``message`` that is not declared under ``messages``.

Passing:

    messages: {Job: {content_type: application/json}}
    queues: {jobs: {message: Job}}

Failing:

    messages: {Job: {content_type: application/json}}
    queues: {jobs: {message: Jbo}}
"""

from ..diagnostics import ERROR, Finding
from .common import Names, did_you_mean

CODE = "TOP106"
NAME = "unknown-message"
LEVEL = ERROR


def check(ctx):
    topo = ctx.topology
    suggest = Names(topo.messages)
    for ch in topo.channels():
        if ch.message is not None and ch.message not in topo.messages:
            yield Finding(CODE, LEVEL, f"{ch.kind} '{ch.name}' carries message '{ch.message}', which is not declared",
                          ch.path + ("message",),
                          did_you_mean(ch.message, suggest) or f"declare it under 'messages: {ch.message}:'")
