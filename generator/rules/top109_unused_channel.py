"""A channel that no service consumes, or that no service publishes to (warning).

Messages sent to a channel nobody consumes pile up until they expire; a
channel nobody publishes to is dead weight (or a publisher is missing).

Passing:

    queues: {jobs: {}}
    services:
      api: {publishes: [jobs]}
      worker: {consumes: [jobs]}

Failing:

    queues: {jobs: {}}
    services:
      api: {publishes: [jobs]}
"""

from ..diagnostics import WARNING, Finding
from ..units import duration_text

CODE = "TOP109"
NAME = "unused-channel"
LEVEL = WARNING


def check(ctx):
    topo = ctx.topology
    for ch in topo.channels():
        if not topo.consumers.get(ch.name):
            fate = (f"messages pile up and expire after {duration_text(ch.settings.retention)}" if ch.kind == "queue"
                    else "SNS, Service Bus and Pub/Sub drop messages published to a topic without subscribers")
            yield Finding(CODE, LEVEL, f"no service consumes {ch.kind} '{ch.name}': {fate}", ch.path,
                          f"add '{ch.name}' to some service's 'consumes', or remove the {ch.kind}", key=True)
        if not topo.publishers.get(ch.name):
            yield Finding(CODE, LEVEL, f"no service publishes to {ch.kind} '{ch.name}'", ch.path,
                          f"add '{ch.name}' to the publishing service's 'publishes', or remove the {ch.kind}",
                          key=True)
